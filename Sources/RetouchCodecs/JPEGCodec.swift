import CTurboJPEG
import RetouchCore

/// JPEG pixels through TurboJPEG's 2.x API.
enum JPEGCodec {
    /// Decodes to gray, RGB or (raw, possibly inverted) CMYK samples, as the header predicted.
    static func decode(_ bytes: [UInt8], header: SourceHeader) throws -> Image8 {
        guard let handle = tjInitDecompress() else {
            throw RetouchError(.corruptImage, "could not start the JPEG decoder")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colourspace: Int32 = 0
        let headerStatus = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &width, &height, &subsampling, &colourspace)
        }
        guard headerStatus == 0 else { throw decodeError(handle) }
        guard Int(width) == header.width, Int(height) == header.height else {
            throw RetouchError(.corruptImage, "the JPEG's frame header and decoder disagree on its size")
        }
        let pixelFormat: TJPF, channels: Int
        switch colourspace {
        case Int32(TJCS_GRAY.rawValue): (pixelFormat, channels) = (TJPF_GRAY, 1)
        case Int32(TJCS_CMYK.rawValue), Int32(TJCS_YCCK.rawValue): (pixelFormat, channels) = (TJPF_CMYK, 4)
        default: (pixelFormat, channels) = (TJPF_RGB, 3)
        }
        guard channels == header.channels else {
            throw RetouchError(.corruptImage, "the JPEG's colour components do not match its colour transform")
        }
        let count = header.width * header.height * channels
        var failure: RetouchError?
        // Progressive files with thousands of tiny scans decode for minutes; LIMITSCANS stops them.
        let flags = Int32(TJFLAG_LIMITSCANS)
        let samples = [UInt8](unsafeUninitializedCapacity: count) { out, initialised in
            let status = bytes.withUnsafeBufferPointer {
                tjDecompress2(handle, $0.baseAddress, UInt($0.count), out.baseAddress, width, 0, height,
                              Int32(pixelFormat.rawValue), flags)
            }
            initialised = count
            if status != 0 { failure = decodeProblem(handle) }
        }
        if let failure { throw failure }
        return Image8(width: header.width, height: header.height, channels: channels, samples: samples)
    }

    /// Encodes gray or RGB. Chroma is subsampled 4:2:0 below quality 90 and kept whole (4:4:4)
    /// from 90 up: at high quality the point is detail, and halved chroma blurs coloured edges
    /// such as product text.
    static func encode(_ buffer: Image8, quality: Int) throws -> [UInt8] {
        guard buffer.width <= JPEGMarkers.maxSide, buffer.height <= JPEGMarkers.maxSide else {
            throw RetouchError(.encodeFailed, "JPEG cannot hold \(buffer.size); its limit is \(JPEGMarkers.maxSide) pixels a side")
        }
        guard buffer.channels == 1 || buffer.channels == 3 else {
            throw RetouchError(.encodeFailed, "JPEG encoding needs gray or RGB pixels")
        }
        guard let handle = tjInitCompress() else { throw RetouchError(.encodeFailed, "could not start the JPEG encoder") }
        defer { tjDestroy(handle) }
        let gray = buffer.channels == 1
        let subsampling = gray ? TJSAMP_GRAY : quality >= 90 ? TJSAMP_444 : TJSAMP_420
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = buffer.samples.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(buffer.width), 0, Int32(buffer.height),
                        Int32((gray ? TJPF_GRAY : TJPF_RGB).rawValue), &output, &size,
                        Int32(subsampling.rawValue), Int32(quality), 0)
        }
        defer { tjFree(output) }
        guard status == 0, let output else {
            throw RetouchError(.encodeFailed, "JPEG encoding failed: \(errorText(handle))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    /// Sorts libjpeg's complaints after a full decode. Running out of data and damaged entropy
    /// data are warnings to libjpeg (it pads with gray); here they are errors, because a
    /// half-gray picture must not pass as a good one. Only warnings that leave pixels intact
    /// (padding bytes, odd JFIF or Adobe versions, common in camera files) are let through.
    private static func decodeProblem(_ handle: tjhandle) -> RetouchError? {
        let text = errorText(handle)
        if tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) {
            let lowered = text.lowercased()
            if lowered.contains("premature end") {
                return RetouchError(.truncatedImage, "the JPEG file is truncated (\(text)); the end of the picture is missing")
            }
            let harmless = ["extraneous bytes", "unknown jfif", "adobe"]
            if harmless.contains(where: lowered.contains) { return nil }
        }
        return decodeError(handle)
    }

    private static func decodeError(_ handle: tjhandle) -> RetouchError {
        let text = errorText(handle)
        if text.lowercased().contains("premature end") {
            return RetouchError(.truncatedImage, "the JPEG file is truncated (\(text))")
        }
        return RetouchError(.corruptImage, "the JPEG data is damaged: \(text)")
    }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: text)
    }
}
