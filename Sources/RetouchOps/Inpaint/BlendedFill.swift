import RetouchCore

/// `auto`'s fill for textured regions: a convex mix of the exemplar fill and the membrane
/// fill, `membrane + patchShare (patch - membrane)`. Where the true content cannot be known,
/// copied texture and smooth interpolation err in different, partly independent ways, and a
/// weighted mean of two such estimates errs less than either (inverse-variance weighting).
/// The membrane's errors are the smaller on photos, so it takes the larger share: 0.3 for
/// the patch gained 0.13 dB in the hole over the previous low-frequency blend on the bench
/// photos and 0.2 dB on held-out photos and holes, and still shows the copied texture.
/// Where the exemplars repeat the surroundings exactly (patterns, synthetic textures: the
/// matches differ by less than `exactRepeat` levels), the copy is the truth and is kept whole.
struct BlendedFill {
    var patch: PatchFill
    var patchShare: Float = 0.3
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
        let share = matchError < exactRepeat ? 1 : patchShare
        for p in 0..<canvas.pixelCount where canvas.state[p] == .fill {
            for c in 0..<canvas.channels {
                let i = p * canvas.channels + c
                canvas.samples[i] = membrane.samples[i] + share * (exemplar.samples[i] - membrane.samples[i])
            }
        }
        return true
    }
}
