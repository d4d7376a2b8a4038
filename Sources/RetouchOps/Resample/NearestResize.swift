import RetouchCore

/// Nearest-neighbour resize: each output pixel copies the source pixel under its centre, so
/// no new values appear and an integer enlargement duplicates pixels exactly.
enum NearestResize {
    static func resize<S: PixelSample>(_ image: PixelBuffer<S>, width: Int, height: Int, threads: Int) -> PixelBuffer<S> {
        let channels = image.channels
        let columns = (0..<width).map { sourceIndex(of: $0, from: image.width, to: width) * channels }
        let count = width * height * channels
        let samples = [S](unsafeUninitializedCapacity: count) { output, initialised in
            image.samples.withUnsafeBufferPointer { input in
                guard let src = input.baseAddress, let dst = output.baseAddress else { return }
                let job = Rows(src: src, dst: dst, columns: columns, channels: channels,
                               inWidth: image.width, inHeight: image.height, outHeight: height)
                parallelChunks(height, threads: min(Parallelism.resolve(threads), max(1, count / 262_144))) { rows in
                    job.run(rows)
                }
            }
            initialised = count
        }
        return PixelBuffer(width: width, height: height, channels: channels, samples: samples)
    }

    /// The source index under output index `i`'s centre, (i + 0.5) * in / out, in integers so
    /// that exact multiples never fall to the wrong side by rounding.
    static func sourceIndex(of i: Int, from inSize: Int, to outSize: Int) -> Int {
        min(inSize - 1, (2 * i + 1) * inSize / (2 * outSize))
    }

    private struct Rows<S: PixelSample>: @unchecked Sendable {
        let src: UnsafePointer<S>
        let dst: UnsafeMutablePointer<S>
        let columns: [Int]
        let channels: Int
        let inWidth: Int
        let inHeight: Int
        let outHeight: Int

        func run(_ rows: Range<Int>) {
            let outLength = columns.count * channels
            columns.withUnsafeBufferPointer { columns in
                for y in rows {
                    let sourceRow = src + NearestResize.sourceIndex(of: y, from: inHeight, to: outHeight) * inWidth * channels
                    let row = dst + y * outLength
                    for (x, offset) in columns.enumerated() {
                        (row + x * channels).initialize(from: sourceRow + offset, count: channels)
                    }
                }
            }
        }
    }
}
