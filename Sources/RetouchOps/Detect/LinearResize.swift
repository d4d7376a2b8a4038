import RetouchCore

/// Separable resize of float planes with a triangle (linear) filter whose support widens when
/// shrinking, so large downscales average every source pixel instead of aliasing. Kept small
/// and local: the detector only needs "good enough, no aliasing" and one entry point.
func resizeLinear(_ image: ImageF, width: Int, height: Int) -> ImageF {
    if image.width == width && image.height == height { return image }
    let horizontal = LinearWeights(source: image.width, target: width)
    let vertical = LinearWeights(source: image.height, target: height)
    let ch = image.channels
    var rows = [Float](repeating: 0, count: width * image.height * ch)
    image.samples.withUnsafeBufferPointer { src in
        rows.withUnsafeMutableBufferPointer { dst in
            for y in 0..<image.height {
                let s = y * image.width * ch, d = y * width * ch
                for x in 0..<width {
                    let taps = horizontal.taps[x]
                    for c in 0..<ch {
                        var sum: Float = 0
                        for (i, w) in taps { sum += w * src[s + i * ch + c] }
                        dst[d + x * ch + c] = sum
                    }
                }
            }
        }
    }
    var out = [Float](repeating: 0, count: width * height * ch)
    rows.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            let rowLength = width * ch
            for y in 0..<height {
                let d = y * rowLength
                for (i, w) in vertical.taps[y] {
                    let s = i * rowLength
                    for k in 0..<rowLength { dst[d + k] += w * src[s + k] }
                }
            }
        }
    }
    return ImageF(width: width, height: height, channels: ch, samples: out)
}

/// For each target coordinate, the source indices and normalised weights of a triangle filter.
private struct LinearWeights {
    var taps: [[(Int, Float)]]

    init(source: Int, target: Int) {
        let scale = Double(source) / Double(target)
        let radius = max(1, scale)
        taps = (0..<target).map { t in
            let centre = (Double(t) + 0.5) * scale - 0.5
            let lo = Int((centre - radius).rounded(.up)), hi = Int((centre + radius).rounded(.down))
            var row = [(Int, Float)]()
            var total: Float = 0
            for i in lo...max(lo, hi) {
                let w = Float(max(0, 1 - abs(Double(i) - centre) / radius))
                if w <= 0 { continue }
                row.append((min(max(i, 0), source - 1), w))
                total += w
            }
            if total == 0 { return [(min(max(Int(centre.rounded()), 0), source - 1), 1)] }
            return row.map { ($0.0, $0.1 / total) }
        }
    }
}
