/// For one axis of a resize, which source samples each output sample reads and with what
/// weights. The source window of an output sample is the kernel's support, stretched by the
/// shrink factor when downscaling (antialiasing), centred on the output sample's centre.
/// Windows are clipped at the image edge and their weights renormalised to sum to one, so
/// edges are neither darkened nor padded with invented pixels.
struct AxisWeights: Sendable, Equatable {
    /// First source index each output reads.
    let starts: [Int]
    /// How many consecutive source samples each output reads.
    let counts: [Int]
    /// Weight slots per output in `weights`, zero past `counts[i]`. A multiple of 4 so a
    /// one-channel row can be read in whole SIMD groups.
    let stride: Int
    let weights: [Double]
    /// The largest count: how many source rows a vertical pass needs at once.
    let maxCount: Int

    init(from inSize: Int, to outSize: Int, kernel: ResampleKernel) {
        if inSize == outSize {
            // Scale 1 is a copy; evaluating a kernel would only add rounding noise.
            self.init(starts: Array(0..<outSize), counts: Array(repeating: 1, count: outSize), stride: 4,
                      weights: (0..<outSize).flatMap { _ in [1.0, 0, 0, 0] })
            return
        }
        let scale = Double(inSize) / Double(outSize)
        let stretch = max(scale, 1)
        let support = kernel.support * stretch
        let widest = Int((2 * support).rounded(.up)) + 1
        let stride = (widest + 3) / 4 * 4
        var starts = [Int](repeating: 0, count: outSize)
        var counts = [Int](repeating: 0, count: outSize)
        var weights = [Double](repeating: 0, count: outSize * stride)
        for i in 0..<outSize {
            let centre = (Double(i) + 0.5) * scale
            let first = max(0, Int((centre - support + 0.5).rounded(.down)))
            let end = min(inSize, Int((centre + support + 0.5).rounded(.down)))
            let count = max(1, min(end - first, widest))
            var total = 0.0
            for k in 0..<count {
                let w = kernel.weight(at: (Double(first + k) + 0.5 - centre) / stretch)
                weights[i * stride + k] = w
                total += w
            }
            for k in 0..<count { weights[i * stride + k] /= total }
            starts[i] = first
            counts[i] = count
        }
        self.init(starts: starts, counts: counts, stride: stride, weights: weights)
    }

    private init(starts: [Int], counts: [Int], stride: Int, weights: [Double]) {
        self.starts = starts
        self.counts = counts
        self.stride = stride
        self.weights = weights
        self.maxCount = counts.max() ?? 1
    }
}
