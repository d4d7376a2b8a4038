import RetouchCore

/// Convolution resize, horizontal pass then vertical, without a full-size intermediate.
/// Output rows are split into one contiguous band per thread. A band keeps a ring of the
/// horizontally resampled source rows its vertical window needs (at most `maxCount` rows),
/// computing each source row once as the window slides down, so the extra memory is a few
/// output-width rows per thread.
enum SeparableResize {
    static func resize<S: ResampleStorage>(_ image: PixelBuffer<S>, width: Int, height: Int,
                                           kernel: ResampleKernel, threads: Int) -> PixelBuffer<S> {
        let verticalWeights = AxisWeightCache.shared.weights(from: image.height, to: height, kernel: kernel)
        // The ring holds a whole vertical window of output-width rows. A heavy vertical shrink
        // into a wide output (a 1x30000 column into a 30000x1 line) would make that gigabytes,
        // so such resizes shrink the height first at the source width, then widen.
        if height != image.height, width > image.width,
           verticalWeights.maxCount * width * image.channels > maxRingSamples {
            let shortened = resize(image, width: image.width, height: height, kernel: kernel, threads: threads)
            return resize(shortened, width: width, height: height, kernel: kernel, threads: threads)
        }
        let horizontal = TapTable<S.Work>(AxisWeightCache.shared.weights(from: image.width, to: width, kernel: kernel),
                                          splat: image.channels > 1)
        let vertical = TapTable<S.Work>(verticalWeights)
        defer {
            horizontal.deallocate()
            vertical.deallocate()
        }
        let count = width * height * image.channels
        let samples = [S](unsafeUninitializedCapacity: count) { output, initialised in
            image.samples.withUnsafeBufferPointer { input in
                guard let src = input.baseAddress, let dst = output.baseAddress else { return }
                let job = Band(src: src, dst: dst, inWidth: image.width, channels: image.channels,
                               horizontal: horizontal, vertical: vertical, premultiplied: image.hasAlpha)
                parallelChunks(height, threads: workers(threads, outputSamples: count)) { rows in job.run(rows) }
            }
            initialised = count
        }
        return PixelBuffer(width: width, height: height, channels: image.channels, samples: samples)
    }

    /// Samples a band's ring may hold before the resize is split into two passes (64 MB of floats).
    static let maxRingSamples = 16 << 20

    /// Threads worth starting: a small resize costs less than waking a thread.
    private static func workers(_ threads: Int, outputSamples: Int) -> Int {
        min(Parallelism.resolve(threads), max(1, outputSamples / 65_536))
    }

    private struct Band<S: ResampleStorage>: @unchecked Sendable {
        let src: UnsafePointer<S>
        let dst: UnsafeMutablePointer<S>
        let inWidth: Int
        let channels: Int
        let horizontal: TapTable<S.Work>
        let vertical: TapTable<S.Work>
        let premultiplied: Bool

        func run(_ rows: Range<Int>) {
            let inLength = inWidth * channels
            let outLength = horizontal.size * channels
            // Kernels read and write whole SIMD groups past a row's end; the padding is zeroed
            // because a zero weight times uninitialised memory could still be NaN.
            let sourceRow = zeroed(inLength + (horizontal.stride + 4) * channels)
            let ringSize = vertical.maxCount
            let ringStride = outLength + 4
            let ring = zeroed(ringSize * ringStride)
            let blended = zeroed(outLength + 16)
            let window = UnsafeMutablePointer<UnsafePointer<S.Work>>.allocate(capacity: ringSize)
            defer {
                sourceRow.deallocate()
                ring.deallocate()
                blended.deallocate()
                window.deallocate()
            }
            var nextSource = 0
            for y in rows {
                let first = vertical.starts[y], count = vertical.counts[y]
                nextSource = max(nextSource, first)
                // The window only slides down, so the rows still in the ring remain valid.
                while nextSource < first + count {
                    S.loadRow(src + nextSource * inLength, into: sourceRow, pixels: inWidth, channels: channels,
                              premultiply: premultiplied)
                    ResampleKernels.horizontal(sourceRow, into: ring + (nextSource % ringSize) * ringStride,
                                               taps: horizontal, channels: channels)
                    nextSource += 1
                }
                for k in 0..<count { window[k] = UnsafePointer(ring + ((first + k) % ringSize) * ringStride) }
                let weights = vertical.weights + y * vertical.stride
                if premultiplied {
                    ResampleKernels.vertical(window, weights: weights, count: count,
                                             into: WorkingSink(row: blended), length: outLength)
                    S.storeRow(blended, into: dst + y * outLength, pixels: horizontal.size, channels: channels)
                } else {
                    ResampleKernels.vertical(window, weights: weights, count: count,
                                             into: SampleSink(row: dst + y * outLength), length: outLength)
                }
            }
        }

        private func zeroed(_ count: Int) -> UnsafeMutablePointer<S.Work> {
            let p = UnsafeMutablePointer<S.Work>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
    }
}
