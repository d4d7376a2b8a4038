import RetouchCore

/// Resizes pixel buffers with a classical filter.
///
/// - Separable: rows are resampled horizontally, then vertically, in 32-bit float for 8- and
///   16-bit data and in 64-bit for float data, rounding once at the end.
/// - Pixel centres are aligned (output pixel i covers source position (i + 0.5) * in / out),
///   and shrinking stretches the kernel by the shrink factor, which antialiases.
/// - At the image edge the kernel window is clipped and its weights renormalised.
/// - Alpha is resampled premultiplied and divided out again, so the colour of transparent
///   pixels does not fringe visible edges; pixels left fully transparent get colour 0.
/// - Lanczos and bicubic overshoot is clamped to the sample range for integer data and kept
///   for float data.
/// - Memory beyond the input and output: the vertical kernel's window of horizontally
///   resampled rows per thread, never a full-size intermediate.
/// - An unchanged size returns the image as it is; results do not depend on `threads`.
public enum Resampler {
    /// Resizes to exactly `width` x `height`. `threads` 0 uses all cores. A zero or negative
    /// target size gives an empty buffer; an empty source gives a zero-filled one.
    public static func resize<S: PixelSample>(_ image: PixelBuffer<S>, width: Int, height: Int,
                                              filter: ResampleFilter, threads: Int = 0) -> PixelBuffer<S> {
        let width = max(0, width), height = max(0, height)
        if width == image.width && height == image.height { return image }
        if width == 0 || height == 0 || image.width == 0 || image.height == 0 {
            return PixelBuffer(width: width, height: height, channels: image.channels)
        }
        guard let kernel = filter.kernel else {
            return nearest(image, width: width, height: height, threads: threads)
        }
        // Each native sample type gets its own specialised copy of the loops; `as!` converts
        // back to the type the caller holds, which the successful `as?` showed it is.
        switch image {
        case let buffer as Image8:
            return SeparableResize.resize(buffer, width: width, height: height, kernel: kernel, threads: threads)
                as! PixelBuffer<S>
        case let buffer as Image16:
            return SeparableResize.resize(buffer, width: width, height: height, kernel: kernel, threads: threads)
                as! PixelBuffer<S>
        case let buffer as ImageF:
            return SeparableResize.resize(buffer, width: width, height: height, kernel: kernel, threads: threads)
                as! PixelBuffer<S>
        default:
            // Other sample types go through normalised float.
            return SeparableResize.resize(image.normalisedFloat(), width: width, height: height, kernel: kernel,
                                          threads: threads).quantised(to: S.self)
        }
    }

    private static func nearest<S: PixelSample>(_ image: PixelBuffer<S>, width: Int, height: Int,
                                                threads: Int) -> PixelBuffer<S> {
        switch image {
        case let buffer as Image8:
            NearestResize.resize(buffer, width: width, height: height, threads: threads) as! PixelBuffer<S>
        case let buffer as Image16:
            NearestResize.resize(buffer, width: width, height: height, threads: threads) as! PixelBuffer<S>
        case let buffer as ImageF:
            NearestResize.resize(buffer, width: width, height: height, threads: threads) as! PixelBuffer<S>
        default:
            NearestResize.resize(image, width: width, height: height, threads: threads)
        }
    }
}
