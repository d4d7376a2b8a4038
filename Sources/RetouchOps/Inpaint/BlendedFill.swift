import RetouchCore

/// `auto`'s fill for textured regions, a weighted mean of fills that err in different,
/// partly independent ways where the true content cannot be known (a mean of such estimates
/// errs less than any one of them): the membrane (smooth), the thin plate (smooth, carrying
/// the edge's slopes), the exemplar fill (copied texture) and the spectral fill (edges and
/// textures continued as sparse Fourier models).
///
/// The weights depend on the depth of a pixel in the hole (its distance from the nearest
/// known pixel): at the edge the spectral fill is the best predictor and takes most of the
/// weight, with the thin plate and against the membrane (which flattens slopes too soon);
/// deeper, the spectral models run out of evidence and the membrane takes over. Where the
/// exemplars repeat the surroundings exactly (patterns, synthetic textures: the matches
/// differ by less than `exactRepeat` levels), the copy is the truth and is kept whole.
struct BlendedFill {
    var patch: PatchFill
    var exactRepeat: Float = 2
    var thinPlateReach: Float = 40

    struct Weights {
        var membrane: Float, thinPlate: Float, patch: Float, spectral: Float
    }

    /// Weights at depths in pixels, interpolated linearly between and held beyond the ends:
    /// the least-squares blend per depth band on the bench photos (10 photos x strokes,
    /// blobs, boxes), rounded; normalised to sum 1 so flat colour and ramps stay exact.
    static let table: [(depth: Float, weights: Weights)] = [
        (1, Weights(membrane: -0.19, thinPlate: 0.32, patch: 0.10, spectral: 0.76)),
        (2.25, Weights(membrane: -0.13, thinPlate: 0.41, patch: 0.14, spectral: 0.58)),
        (4, Weights(membrane: -0.02, thinPlate: 0.42, patch: 0.18, spectral: 0.43)),
        (6.5, Weights(membrane: 0.12, thinPlate: 0.36, patch: 0.17, spectral: 0.36)),
        (10, Weights(membrane: 0.29, thinPlate: 0.28, patch: 0.16, spectral: 0.27)),
        (15, Weights(membrane: 0.43, thinPlate: 0.26, patch: 0.11, spectral: 0.19)),
        (22, Weights(membrane: 0.55, thinPlate: 0.27, patch: 0.10, spectral: 0.08)),
        (33, Weights(membrane: 0.48, thinPlate: 0.32, patch: 0.21, spectral: 0)),
        (45, Weights(membrane: 0.56, thinPlate: 0.21, patch: 0.21, spectral: 0.02)),
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
        try context.checkCancelled()
        var thinPlate = membrane
        BiharmonicFill().refine(&thinPlate)
        // Where the edge is busy, a thin plate extrapolates its slopes far past any plausible
        // colour (on a held-out photo, to 255 in a dark area); it may depart from the
        // membrane by at most `thinPlateReach` levels.
        for i in thinPlate.samples.indices {
            let m = membrane.samples[i]
            thinPlate.samples[i] = Swift.max(m - thinPlateReach, Swift.min(m + thinPlateReach, thinPlate.samples[i]))
        }
        let depth = Mask(unchecked: canvas.width, canvas.height, canvas.state.map { $0 == .fill })
            .squaredDistance(toHole: false)
        for p in 0..<canvas.pixelCount where canvas.state[p] == .fill {
            let w = Self.weights(at: Float(depth[p]).squareRoot())
            for c in 0..<canvas.channels {
                let i = p * canvas.channels + c
                canvas.samples[i] = w.membrane * membrane.samples[i] + w.thinPlate * thinPlate.samples[i]
                    + w.patch * exemplar.samples[i] + w.spectral * spectral.samples[i]
            }
        }
        return true
    }

    /// The table's weights at a depth, normalised to sum 1.
    static func weights(at depth: Float) -> Weights {
        guard let first = table.first, let last = table.last else {
            return Weights(membrane: 1, thinPlate: 0, patch: 0, spectral: 0)
        }
        var w: Weights
        if depth <= first.depth {
            w = first.weights
        } else if depth >= last.depth {
            w = last.weights
        } else {
            let upper = table.firstIndex { $0.depth >= depth } ?? table.count - 1
            let a = table[upper - 1], b = table[upper], t = (depth - a.depth) / (b.depth - a.depth)
            func mix(_ key: KeyPath<Weights, Float>) -> Float { a.weights[keyPath: key] + t * (b.weights[keyPath: key] - a.weights[keyPath: key]) }
            w = Weights(membrane: mix(\.membrane), thinPlate: mix(\.thinPlate), patch: mix(\.patch), spectral: mix(\.spectral))
        }
        let sum = w.membrane + w.thinPlate + w.patch + w.spectral
        return Weights(membrane: w.membrane / sum, thinPlate: w.thinPlate / sum, patch: w.patch / sum, spectral: w.spectral / sum)
    }
}
