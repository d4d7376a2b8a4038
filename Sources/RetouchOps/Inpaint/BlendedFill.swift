import RetouchCore

/// `auto`'s fill for textured regions, a weighted mean of fills that err in different,
/// partly independent ways where the true content cannot be known (a mean of such estimates
/// errs less than any one of them): the membrane (smooth), the exemplar fill (copied
/// texture) and, near the hole's edge, the spectral fill (edges and textures continued as
/// sparse Fourier models).
///
/// - Within `spectralReach - spectralFade` pixels of the edge the three count equally;
///   beyond `spectralReach` the spectral fill's window holds no known pixel, so it drops
///   out, and the rest is `membrane + patchShare (patch - membrane)`.
/// - The membrane errs least on photos, so it takes the larger share of that mix.
/// - Where the exemplars repeat the surroundings exactly (patterns, synthetic textures: the
///   matches differ by less than `exactRepeat` levels), the copy is the truth and is kept whole.
///
/// On the bench photos this gained 0.23 dB in the hole over the previous blend (patch
/// texture over shading shared with the membrane), most of it on strokes.
struct BlendedFill {
    var patch: PatchFill
    var patchShare: Float = 0.3
    var spectralReach: Float = 12
    var spectralFade: Float = 8
    var exactRepeat: Float = 2

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
            let near = Swift.min(1, Swift.max(0, (spectralReach - Float(depth[p]).squareRoot()) / spectralFade))
            for c in 0..<canvas.channels {
                let i = p * canvas.channels + c
                let mix = membrane.samples[i] + patchShare * (exemplar.samples[i] - membrane.samples[i])
                let mean = (membrane.samples[i] + exemplar.samples[i] + spectral.samples[i]) / 3
                canvas.samples[i] = mix + near * (mean - mix)
            }
        }
        return true
    }
}
