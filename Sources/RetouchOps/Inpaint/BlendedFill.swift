import RetouchCore

/// `auto`'s fill for textured regions, a weighted mean of fills that err in different,
/// partly independent ways where the true content cannot be known (a mean of such estimates
/// errs less than any one of them): the membrane (smooth), the exemplar fill (copied
/// texture) and the spectral fill (edges and textures continued as sparse Fourier models).
///
/// The weights depend on the depth of a pixel in the hole (its distance from the nearest
/// known pixel): at the edge the spectral fill is the best predictor and takes most of the
/// weight; deeper, its models run out of evidence and the membrane, which errs least on
/// photos far from any evidence, takes over. Where the exemplars repeat the surroundings
/// exactly (patterns, synthetic textures: the matches differ by less than `exactRepeat`
/// levels), the copy is the truth and is kept whole.
struct BlendedFill {
    var patch: PatchFill
    var exactRepeat: Float = 2

    /// Weights (membrane, patch, spectral) at depths in pixels, interpolated linearly between
    /// and held beyond the ends: the least-squares blend per depth band on the bench photos
    /// (10 photos x strokes, blobs, boxes), rounded.
    static let weights: [(depth: Float, membrane: Float, patch: Float, spectral: Float)] = [
        (1, 0, 0.12, 0.88), (2.25, 0.15, 0.22, 0.63), (4, 0.31, 0.25, 0.44), (6.5, 0.41, 0.22, 0.37),
        (10, 0.5, 0.19, 0.31), (15, 0.63, 0.13, 0.24), (22, 0.75, 0.11, 0.14), (30, 0.7, 0.25, 0.05),
    ]

    /// Fills the canvas; returns false when no patch source exists (then it is the membrane alone).
    func run(_ canvas: inout FillCanvas, context: OperationContext) throws -> Bool {
        var membrane = canvas
        HarmonicFill().run(&membrane)
        var exemplar = canvas
        guard case .filled(let matchError) = try patch.run(&exemplar, context: context) else {
            canvas = membrane
            return false
        }
        if matchError < exactRepeat {
            canvas = exemplar
            return true
        }
        try context.checkCancelled()
        var spectral = canvas
        SpectralFill().run(&spectral)
        let depth = Mask(unchecked: canvas.width, canvas.height, canvas.state.map { $0 == .fill })
            .squaredDistance(toHole: false)
        for p in 0..<canvas.pixelCount where canvas.state[p] == .fill {
            let w = Self.weights(at: Float(depth[p]).squareRoot())
            for c in 0..<canvas.channels {
                let i = p * canvas.channels + c
                canvas.samples[i] = w.membrane * membrane.samples[i] + w.patch * exemplar.samples[i]
                    + w.spectral * spectral.samples[i]
            }
        }
        return true
    }

    static func weights(at depth: Float) -> (membrane: Float, patch: Float, spectral: Float) {
        let table = weights
        guard let first = table.first, let last = table.last else { return (1, 0, 0) }
        if depth <= first.depth { return (first.membrane, first.patch, first.spectral) }
        if depth >= last.depth { return (last.membrane, last.patch, last.spectral) }
        let upper = table.firstIndex { $0.depth >= depth } ?? table.count - 1
        let a = table[upper - 1], b = table[upper], t = (depth - a.depth) / (b.depth - a.depth)
        return (a.membrane + t * (b.membrane - a.membrane), a.patch + t * (b.patch - a.patch),
                a.spectral + t * (b.spectral - a.spectral))
    }
}
