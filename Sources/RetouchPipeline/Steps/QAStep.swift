import RetouchCore
import RetouchOps

/// Decides whether an output can be published, and says why not.
///
/// Checks: the size is the source size times the scale; seams around filled regions are no
/// stronger than the image's own texture; and, for cleaned images, no overlay is left (the
/// detector runs again on the result, when the pipeline has one).
struct QAStep: PipelineStep {
    let name = "qa"
    let expectedScale: Int
    let maxSeam: Double
    let maxResidual: Double
    /// p(overlay) of an image; nil when no detector is configured.
    let residualProbability: (@Sendable (Image8, Size) throws -> Double)?

    func run(_ item: inout WorkItem, context: OperationContext) throws {
        let image = try item.requireImage(for: name)
        var reasons: [String] = []
        let expected = Size(width: item.sourceSize.width * expectedScale, height: item.sourceSize.height * expectedScale)
        if image.size != expected {
            reasons.append("size \(image.size) is not the expected \(expected)")
        }
        if let mask = item.filledMask, mask.size == image.size {
            let score = SeamScore.measure(image.pixels.eightBit, filled: mask)
            if score > maxSeam {
                reasons.append(String(format: "visible seam around filled region (score %.2f > %.2f)", score, maxSeam))
            }
        }
        if item.route == .cleaned, let residualProbability {
            let p = try residualProbability(image.pixels.eightBit, item.sourceSize)
            if p > maxResidual {
                reasons.append(String(format: "overlay still detected after cleaning (p=%.2f > %.2f)", p, maxResidual))
            }
        }
        item.reasons += reasons
        item.verdict = reasons.isEmpty ? .approved : .rejected
    }
}

/// How much stronger edges are on the border of filled regions than just outside it. A fill
/// that blends in scores near 0; a visible seam or a halo of leftover outline scores above 1.
public enum SeamScore {
    public static func measure(_ image: Image8, filled: Image8) -> Double {
        guard let box = boundingBox(filled) else { return 0 }
        let region = Rect(x: box.x - 8, y: box.y - 8, width: box.width + 16, height: box.height + 16)
            .intersection(Rect(size: image.size))
        return measureWhole(image.cropped(to: region), filled: filled.cropped(to: region))
    }

    static func boundingBox(_ mask: Image8) -> Rect? {
        var x0 = Int.max, y0 = Int.max, x1 = -1, y1 = -1
        for y in 0..<mask.height {
            for x in 0..<mask.width where mask.samples[y * mask.width + x] >= 128 {
                x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
            }
        }
        return x1 < 0 ? nil : Rect(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
    }

    static func measureWhole(_ image: Image8, filled: Image8) -> Double {
        let distance = distanceOutside(filled)
        var border = (sum: 0.0, count: 0), around = (sum: 0.0, count: 0)
        for y in 1..<max(1, image.height - 1) {
            for x in 1..<max(1, image.width - 1) {
                let d = distance[y * image.width + x]
                guard d >= 1, d <= 6 else { continue }
                let g = gradient(image, x, y)
                // The first unfilled ring: its central differences straddle the fill's edge.
                if d == 1 {
                    border.sum += g; border.count += 1
                } else if d >= 3 {
                    around.sum += g; around.count += 1
                }
            }
        }
        guard border.count > 0, around.count > 0 else { return 0 }
        let borderMean = border.sum / Double(border.count)
        let aroundMean = around.sum / Double(around.count)
        // The +4 keeps flat surroundings (gradient ~0) from turning sensor noise into a "seam".
        return max(0, borderMean / (aroundMean + 4) - 1)
    }

    /// Chessboard distance from each pixel to the filled region, capped at 7; 0 inside it.
    /// Two raster passes (forward, then backward) give the exact chessboard distance, since
    /// each pass propagates from the four neighbours already visited.
    static func distanceOutside(_ mask: Image8) -> [Int] {
        let w = mask.width, h = mask.height, cap = 7
        var distance = [Int](repeating: cap, count: w * h)
        for i in 0..<w * h where mask.samples[i] >= 128 { distance[i] = 0 }
        func relax(_ x: Int, _ y: Int, _ neighbours: [(Int, Int)]) {
            var best = distance[y * w + x]
            for (dx, dy) in neighbours {
                let nx = x + dx, ny = y + dy
                if nx >= 0, ny >= 0, nx < w, ny < h { best = min(best, distance[ny * w + nx] + 1) }
            }
            distance[y * w + x] = best
        }
        let before = [(-1, -1), (0, -1), (1, -1), (-1, 0)], after = [(1, 1), (0, 1), (-1, 1), (1, 0)]
        for y in 0..<h { for x in 0..<w where distance[y * w + x] > 0 { relax(x, y, before) } }
        for y in stride(from: h - 1, through: 0, by: -1) {
            for x in stride(from: w - 1, through: 0, by: -1) where distance[y * w + x] > 0 { relax(x, y, after) }
        }
        return distance
    }

    /// Sum over colour channels of the absolute central differences.
    static func gradient(_ image: Image8, _ x: Int, _ y: Int) -> Double {
        var g = 0.0
        for c in 0..<image.colorChannels {
            let gx = Double(image[x + 1, y, c]) - Double(image[x - 1, y, c])
            let gy = Double(image[x, y + 1, c]) - Double(image[x, y - 1, c])
            g += abs(gx) + abs(gy)
        }
        return g / Double(image.colorChannels) / 2
    }
}
