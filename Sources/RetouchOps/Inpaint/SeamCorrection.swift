/// Hides the seam of an exemplar fill in the gradient domain. The final vote is also cast
/// into the known pixels around the hole; there it says what the synthesised content would
/// have put, and the difference from what is really there is the colour offset the seam
/// would show. That offset, smoothed along the edge, is spread over the hole as a membrane
/// (harmonic) correction, which is Poisson cloning of the synthesis into its surroundings.
struct SeamCorrection {
    /// Radius of the box that smooths the offset along the edge, so texture detail in the
    /// known ring is not copied into the hole as noise.
    var smoothing = 2

    func apply(to level: inout PatchLevel, field: PatchField) {
        let cc = level.colorChannels, stride = level.stride, rows = level.rows
        let vote = PatchVote(level, field, everywhere: true)
        var offset = [Float](repeating: 0, count: stride * rows * cc)
        var covered = [Bool](repeating: false, count: stride * rows)
        for p in 0..<(stride * rows) where !level.unknown[p] && vote.weight[p] > 0 {
            covered[p] = true
            let inv = 1 / vote.weight[p]
            for c in 0..<cc { offset[p * cc + c] = level.color[p * cc + c] - vote.color[p * cc + c] * inv }
        }
        var samples = [Float](repeating: 0, count: stride * rows * cc)
        var state = [FillCanvas.State](repeating: .blocked, count: stride * rows)
        for y in 0..<rows {
            for x in 0..<stride {
                let p = y * stride + x
                if level.unknown[p] { state[p] = .fill; continue }
                guard covered[p], touchesUnknown(level, x, y) else { continue }
                state[p] = .known
                var sum = [Float](repeating: 0, count: cc), n: Float = 0
                for yy in Swift.max(0, y - smoothing)...Swift.min(rows - 1, y + smoothing) {
                    for xx in Swift.max(0, x - smoothing)...Swift.min(stride - 1, x + smoothing) where covered[yy * stride + xx] {
                        for c in 0..<cc { sum[c] += offset[(yy * stride + xx) * cc + c] }
                        n += 1
                    }
                }
                for c in 0..<cc { samples[p * cc + c] = sum[c] / n }
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
