import Foundation
import RetouchCore

/// Lanczos-3 resize for the two places the neural upscalers need a plain resampler: alpha,
/// which the models do not see, and fitting a chained result to an exact size (4x -> 3x).
/// Separable, with the kernel widened when shrinking so it also anti-aliases.
// When RetouchOps/Resample's `Resampler.resize(_:width:height:filter:threads:)` is on this
// branch, this function's body becomes a call to it with its Lanczos-3 filter.
func neuralLanczosResize<S: PixelSample>(_ image: PixelBuffer<S>, width: Int, height: Int) -> PixelBuffer<S> {
    if image.width == width && image.height == height { return image }
    let horizontal = LanczosTaps(from: image.width, to: width)
    let vertical = LanczosTaps(from: image.height, to: height)
    let ch = image.channels
    // Horizontal pass into floats, then vertical pass into the sample type.
    var rows = [Float](repeating: 0, count: width * image.height * ch)
    image.samples.withUnsafeBufferPointer { src in
        for y in 0..<image.height {
            for x in 0..<width {
                let (start, weights) = horizontal.taps[x]
                for c in 0..<ch {
                    var acc: Float = 0
                    for (k, w) in weights.enumerated() { acc += w * src[(y * image.width + start + k) * ch + c].floatValue }
                    rows[(y * width + x) * ch + c] = acc
                }
            }
        }
    }
    let inv = 1 / S.maxValue.floatValue
    var out = [S](repeating: .zero, count: width * height * ch)
    for y in 0..<height {
        let (start, weights) = vertical.taps[y]
        for x in 0..<width {
            for c in 0..<ch {
                var acc: Float = 0
                for (k, w) in weights.enumerated() { acc += w * rows[((start + k) * width + x) * ch + c] }
                out[(y * width + x) * ch + c] = S(normalised: acc * inv)
            }
        }
    }
    return PixelBuffer(width: width, height: height, channels: ch, samples: out)
}

/// For each output position: the first input index and the normalised weights from there.
private struct LanczosTaps {
    var taps: [(Int, [Float])] = []

    init(from n: Int, to m: Int) {
        let ratio = Double(n) / Double(m)
        let stretch = max(1, ratio)          // widen the kernel when shrinking
        let support = 3 * stretch
        for i in 0..<m {
            let centre = (Double(i) + 0.5) * ratio
            let lo = max(0, Int((centre - support).rounded(.down)))
            let hi = min(n, Int((centre + support).rounded(.up)))
            var weights = (lo..<hi).map { Float(Self.lanczos3((Double($0) + 0.5 - centre) / stretch)) }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            taps.append((lo, weights))
        }
    }

    private static func lanczos3(_ x: Double) -> Double {
        if x == 0 { return 1 }
        if abs(x) >= 3 { return 0 }
        let px = Double.pi * x
        return 3 * sin(px) * sin(px / 3) / (px * px)
    }
}
