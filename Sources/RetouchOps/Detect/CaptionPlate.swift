import Foundation
import RetouchCore

/// Finds the solid box a line of text is printed on (caption bar, price tag, sticker): the
/// region's outer ring is one flat colour, and that colour, flooded outward, stops in a
/// straight-edged rectangle within a line height above and below the text. Flat sky or walls
/// keep going, or end in ragged outlines, and are left alone.
enum CaptionPlate {
    /// Most the plate colour may vary (RGB distance, standard deviation) within the ring.
    static let maxRingSpread: Float = 14
    /// How close to the ring's most common colour a pixel must be to count as plate colour, and
    /// the share of the ring that must have it. The share is low because a detector box often
    /// reaches past the plate's edge, inside and out; the flood's rectangle test decides.
    static let dominantRadius: Float = 24
    static let minDominantShare = 0.4
    /// Largest share of the image a plate may take.
    static let maxImageShare = 0.3

    /// The plate rectangle (pixel edges, clockwise from top-left), or nil.
    static func find(around region: TextRegion, in image: Image8, ring: [(x: Int, y: Int)]) -> [SIMD2<Double>]? {
        guard ring.count >= 8, region.polygon.count == 4 else { return nil }
        let top = region.polygon[1] - region.polygon[0]
        guard abs(atan2(top.y, top.x)) < 10 * .pi / 180 else { return nil }
        // The plate colour is the ring's most common colour: where the box meets the plate's
        // edge, or strokes reach the ring, part of the ring shows something else, and a median
        // of two colours would be neither.
        let colours = ring.map { colour(image, $0.x, $0.y) }
        let mode = mostCommonColour(colours)
        let dominant = colours.filter { distance($0, mode) < dominantRadius }
        guard Double(dominant.count) >= minDominantShare * Double(colours.count) else { return nil }
        let (mean, spread) = colourStatistics(dominant)
        guard spread <= maxRingSpread else { return nil }
        let tolerance = 12 + 2 * spread

        let across = region.sideLengths.across
        let ys = region.polygon.map(\.y)
        let y0 = max(0, Int((ys.min() ?? 0) - across)), y1 = min(image.height - 1, Int((ys.max() ?? 0) + across))
        let window = Rect(x: 0, y: y0, width: image.width, height: y1 - y0 + 1)
        let seeds = ring.filter { distance(colour(image, $0.x, $0.y), mean) < tolerance }
        guard let flood = floodFill(image, window: window, seeds: seeds, colour: mean, tolerance: tolerance) else { return nil }

        // A plate stops inside the window (or at the image edge); otherwise this is open background.
        if flood.bounds.y == window.y && window.y > 0 { return nil }
        if flood.bounds.maxY == window.maxY && window.maxY < image.height { return nil }
        guard Double(flood.bounds.width * flood.bounds.height) <= maxImageShare * Double(image.width * image.height),
              flood.isRectangular else { return nil }
        let b = flood.bounds
        return [SIMD2(Double(b.x), Double(b.y)), SIMD2(Double(b.maxX), Double(b.y)),
                SIMD2(Double(b.maxX), Double(b.maxY)), SIMD2(Double(b.x), Double(b.maxY))]
    }

    /// The colour, among up to 64 evenly spaced candidates from `colours`, with the most
    /// colours within `dominantRadius` of it.
    private static func mostCommonColour(_ colours: [SIMD3<Float>]) -> SIMD3<Float> {
        let step = max(1, colours.count / 64)
        var best = colours[0], bestCount = -1
        for candidate in stride(from: 0, to: colours.count, by: step).map({ colours[$0] }) {
            let count = colours.reduce(0) { $0 + (distance($1, candidate) < dominantRadius ? 1 : 0) }
            if count > bestCount { best = candidate; bestCount = count }
        }
        return best
    }

    private struct Flood {
        var bounds: Rect
        /// Per row and per column of `bounds`, the first and last flooded pixel.
        var rowExtents: [(Int, Int)]
        var columnExtents: [(Int, Int)]

        /// Nearly every row of the middle half reaches both side edges and nearly every column of
        /// the middle half both top and bottom: text holes and rounded corners do not matter,
        /// ragged or slanted outlines do.
        var isRectangular: Bool {
            let slackX = 2 + bounds.width / 50, slackY = 2 + bounds.height / 50
            let rows = middleHalf(rowExtents), columns = middleHalf(columnExtents)
            let fullRows = rows.filter { $0.0 - bounds.x <= slackX && bounds.maxX - 1 - $0.1 <= slackX }.count
            let fullColumns = columns.filter { $0.0 - bounds.y <= slackY && bounds.maxY - 1 - $0.1 <= slackY }.count
            return Double(fullRows) >= 0.9 * Double(rows.count) && Double(fullColumns) >= 0.9 * Double(columns.count)
        }

        private func middleHalf(_ extents: [(Int, Int)]) -> ArraySlice<(Int, Int)> {
            extents[(extents.count / 4)..<max(extents.count / 4 + 1, extents.count - extents.count / 4)]
        }
    }

    /// 4-connected flood over pixels within `tolerance` of `colour`, confined to `window`.
    private static func floodFill(_ image: Image8, window: Rect, seeds: [(x: Int, y: Int)],
                                  colour: SIMD3<Float>, tolerance: Float) -> Flood? {
        var state = [UInt8](repeating: 0, count: window.width * window.height)  // 1 flooded, 2 rejected
        var stack = [(Int, Int)]()
        for s in seeds where window.contains(Rect(x: s.x, y: s.y, width: 1, height: 1)) {
            state[(s.y - window.y) * window.width + s.x - window.x] = 1
            stack.append((s.x, s.y))
        }
        if stack.isEmpty { return nil }
        var minX = Int.max, maxX = Int.min, minY = Int.max, maxY = Int.min
        var flooded = [(Int, Int)]()
        while let (x, y) = stack.popLast() {
            flooded.append((x, y))
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] {
                if nx < window.x || nx >= window.maxX || ny < window.y || ny >= window.maxY { continue }
                let i = (ny - window.y) * window.width + nx - window.x
                if state[i] != 0 { continue }
                if distance(CaptionPlate.colour(image, nx, ny), colour) < tolerance {
                    state[i] = 1
                    stack.append((nx, ny))
                } else {
                    state[i] = 2
                }
            }
        }
        let bounds = Rect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
        var rows = [(Int, Int)](repeating: (Int.max, Int.min), count: bounds.height)
        var columns = [(Int, Int)](repeating: (Int.max, Int.min), count: bounds.width)
        for (x, y) in flooded {
            let r = y - bounds.y, c = x - bounds.x
            rows[r] = (min(rows[r].0, x), max(rows[r].1, x))
            columns[c] = (min(columns[c].0, y), max(columns[c].1, y))
        }
        return Flood(bounds: bounds, rowExtents: rows, columnExtents: columns)
    }

    @inline(__always)
    static func colour(_ image: Image8, _ x: Int, _ y: Int) -> SIMD3<Float> {
        let i = image.index(x, y)
        return SIMD3(Float(image.samples[i]), Float(image.samples[i + 1]), Float(image.samples[i + 2]))
    }

    @inline(__always)
    static func distance(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
        let d = a - b
        return (d * d).sum().squareRoot()
    }

    /// Mean colour and the root-mean-square distance from it.
    static func colourStatistics(_ colours: [SIMD3<Float>]) -> (mean: SIMD3<Float>, spread: Float) {
        guard !colours.isEmpty else { return (SIMD3(0, 0, 0), 0) }
        let mean = colours.reduce(SIMD3<Float>(0, 0, 0), +) / Float(colours.count)
        let variance = colours.reduce(Float(0)) { $0 + { ($0 * $0).sum() }($1 - mean) } / Float(colours.count)
        return (mean, variance.squareRoot())
    }
}
