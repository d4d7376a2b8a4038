import Foundation

/// Wexler, Shechtman and Irani's (2007) voting step: every pixel becomes the weighted mean
/// of what each overlapping target patch's match says it should be. Weights favour close
/// matches and patches near the hole's edge, where the known context makes them reliable.
struct PatchVote {
    /// Per padded pixel, the weighted colour (and alpha) sums and the weight total.
    var color: [Float]
    var alpha: [Float]?
    var weight: [Float]

    /// Votes into unknown pixels only, or, with `everywhere`, into every covered pixel (the
    /// known ones then say how the synthesis disagrees with reality at the seam).
    init(_ level: PatchLevel, _ field: PatchField, everywhere: Bool = false) {
        let cc = level.colorChannels, stride = level.stride, pad = level.pad
        color = [Float](repeating: 0, count: level.color.count)
        alpha = level.alpha == nil ? nil : [Float](repeating: 0, count: stride * level.rows)
        weight = [Float](repeating: 0, count: stride * level.rows)
        let weights = Self.targetWeights(level, field)
        let reach = (-pad...pad).flatMap { dy in (-pad...pad).map { dx in dy * stride + dx } }
        level.color.withUnsafeBufferPointer { src in
            color.withUnsafeMutableBufferPointer { acc in
                weight.withUnsafeMutableBufferPointer { wsum in
                    level.unknown.withUnsafeBufferPointer { unknown in
                        for k in 0..<level.targets.count {
                            let t = Int(level.targets[k]), s = Int(field.source[k]), w = weights[k]
                            for o in reach where everywhere || unknown[t + o] {
                                let p = t + o, q = s + o
                                wsum[p] += w
                                for c in 0..<cc { acc[p * cc + c] += w * src[q * cc + c] }
                            }
                        }
                    }
                }
            }
        }
        if let sourceAlpha = level.alpha {
            var acc = [Float](repeating: 0, count: stride * level.rows)
            for k in 0..<level.targets.count {
                let t = Int(level.targets[k]), s = Int(field.source[k]), w = weights[k]
                for o in reach where everywhere || level.unknown[t + o] { acc[t + o] += w * sourceAlpha[s + o] }
            }
            alpha = acc
        }
    }

    /// exp(-d / 2 sigma^2) times 1.69^-depth (Wexler's confidence: patches near the edge are
    /// trusted more). 2 sigma^2 is 32 times the mean distance, a gentle preference: on the
    /// bench, averaging many votes erred less than trusting the few closest matches. Capped
    /// so deep pixels do not underflow to zero weight.
    private static func targetWeights(_ level: PatchLevel, _ field: PatchField) -> [Float] {
        let finite = field.cost.filter(\.isFinite)
        let mean = finite.isEmpty ? 1 : Swift.max(1, finite.reduce(0, +) / Float(finite.count))
        let decay = Float(log(1.69))
        return zip(field.cost, level.depth).map { cost, depth in
            let similarity = Swift.min(20, (cost.isFinite ? cost : 640 * mean) / (32 * mean))
            return Float(exp(Double(-similarity - decay * Swift.min(depth, 40))))
        }
    }

    /// Writes the vote into the unknown pixels of `level`; returns the mean absolute change.
    @discardableResult
    func apply(to level: inout PatchLevel) -> Float {
        let cc = level.colorChannels
        var change: Float = 0, count: Float = 0
        for p in 0..<weight.count where level.unknown[p] && weight[p] > 0 {
            let inv = 1 / weight[p]
            for c in 0..<cc {
                let v = color[p * cc + c] * inv
                change += abs(v - level.color[p * cc + c])
                level.color[p * cc + c] = v
            }
            if let a = alpha { level.alpha?[p] = a[p] * inv }
            count += Float(cc)
        }
        return count > 0 ? change / count : 0
    }
}
