/// Hides the seam of an exemplar fill in the gradient domain. The vote is also cast into
/// the known pixels around the hole; there it says what the synthesised content would have
/// put, and the difference from what is really there is the colour offset the seam would
/// show. That offset, taken on the ring of known pixels touching the hole, is spread over
/// the hole as a membrane (harmonic) correction: Poisson cloning of the synthesis into its
/// surroundings.
struct SeamCorrection {
    func apply(to level: inout PatchLevel, field: PatchField) {
        let cc = level.colorChannels, stride = level.stride, rows = level.rows
        let vote = PatchVote(level, field, everywhere: true)
        var samples = [Float](repeating: 0, count: stride * rows * cc)
        var state = [FillCanvas.State](repeating: .blocked, count: stride * rows)
        for y in 0..<rows {
            for x in 0..<stride {
                let p = y * stride + x
                if level.unknown[p] { state[p] = .fill; continue }
                guard vote.weight[p] > 0, touchesUnknown(level, x, y) else { continue }
                state[p] = .known
                let inv = 1 / vote.weight[p]
                for c in 0..<cc { samples[p * cc + c] = level.color[p * cc + c] - vote.color[p * cc + c] * inv }
            }
        }
        var membrane = FillCanvas(width: stride, height: rows, channels: cc, colorChannels: cc,
                                  samples: samples, state: state)
        HarmonicFill().run(&membrane)
        for p in 0..<(stride * rows) where level.unknown[p] {
            for c in 0..<cc {
                let i = p * cc + c
                level.color[i] = Swift.max(0, Swift.min(255, level.color[i] + membrane.samples[i]))
            }
        }
    }

    private func touchesUnknown(_ level: PatchLevel, _ x: Int, _ y: Int) -> Bool {
        let s = level.stride, p = y * s + x
        return (x > 0 && level.unknown[p - 1]) || (x + 1 < s && level.unknown[p + 1])
            || (y > 0 && level.unknown[p - s]) || (y + 1 < level.rows && level.unknown[p + s])
    }
}
