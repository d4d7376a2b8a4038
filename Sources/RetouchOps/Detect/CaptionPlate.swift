import Foundation
import RetouchCore

/// Finds the solid box a line of text is printed on (caption bar, price tag, sticker): the
/// region's outer ring is one flat colour, and that colour, flooded outward, stops in a
/// straight-edged rectangle within a line height above and below the text. Where the plate's
/// colour runs on into the photo on one side, the flood leaks, and the plate is grown out from
/// the text until three of its sides meet straight edges (`grown`). Flat sky or walls keep
/// going, or end in ragged outlines, and are left alone.
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

    /// The plate's colour as the ring shows it, and how far a pixel may stray from it.
    struct Colour {
        var mean: SIMD3<Float>
        var tolerance: Float

        func matches(_ image: Image8, _ x: Int, _ y: Int) -> Bool {
            CaptionPlate.distance(CaptionPlate.colour(image, x, y), mean) < tolerance
        }
    }

    /// The ring's most common colour when it is flat enough to be a plate's, or nil. Where the
    /// box meets the plate's edge, or strokes reach the ring, part of the ring shows something
    /// else, and a median of two colours would be neither.
    static func plateColour(of ring: [(x: Int, y: Int)], in image: Image8) -> Colour? {
        guard ring.count >= 8 else { return nil }
        let colours = ring.map { colour(image, $0.x, $0.y) }
        let mode = mostCommonColour(colours)
        let dominant = colours.filter { distance($0, mode) < dominantRadius }
        guard Double(dominant.count) >= minDominantShare * Double(colours.count) else { return nil }
        let (mean, spread) = colourStatistics(dominant)
        guard spread <= maxRingSpread else { return nil }
        return Colour(mean: mean, tolerance: 12 + 2 * spread)
    }

    /// Plates are found only under level text.
    static func isLevel(_ region: TextRegion) -> Bool {
        guard region.polygon.count == 4 else { return false }
        let top = region.polygon[1] - region.polygon[0]
        return abs(atan2(top.y, top.x)) < 10 * .pi / 180
    }

    /// The plate rectangle (pixel edges, clockwise from top-left) that `plate`, flooded from the
    /// ring, fills around a level region, or nil.
    static func find(around region: TextRegion, in image: Image8, ring: [(x: Int, y: Int)], colour plate: Colour) -> [SIMD2<Double>]? {
        let across = region.sideLengths.across
        let ys = region.polygon.map(\.y)
        let y0 = max(0, Int((ys.min() ?? 0) - across)), y1 = min(image.height - 1, Int((ys.max() ?? 0) + across))
        let window = Rect(x: 0, y: y0, width: image.width, height: y1 - y0 + 1)
        let seeds = ring.filter { plate.matches(image, $0.x, $0.y) }
        guard let flood = floodFill(image, window: window, seeds: seeds, colour: plate.mean,
                                    tolerance: plate.tolerance) else { return nil }

        // A plate stops inside the window (or at the image edge); otherwise this is open background.
        if flood.bounds.y == window.y && window.y > 0 { return nil }
        if flood.bounds.maxY == window.maxY && window.maxY < image.height { return nil }
        guard Double(flood.bounds.width * flood.bounds.height) <= maxImageShare * Double(image.width * image.height),
              flood.isRectangular else { return nil }
        return corners(of: flood.bounds)
    }

    /// The plate grown out from the text, for plates whose colour runs on into the photo on one
    /// side (a white tag against a white wall), where the flood leaks. Each side starts just past
    /// the letters' anti-aliased fringe and moves out a line at a time while the next line is
    /// mostly plate colour or text. A side has found the plate's edge when the line beyond it is
    /// mostly something else; a fold in a shirt or a frame border stops a side without being an
    /// edge. At least three sides must find an edge within `reach` of the text. The fourth stays
    /// at the text: there the plate cannot be told from the photo, so nothing past the letters
    /// needs erasing. Open background fails: its sides run on or stop raggedly.
    static func grown(from text: Rect, colour plate: Colour, in image: Image8, reach: Int,
                      isText: (Int, Int) -> Bool) -> [SIMD2<Double>]? {
        let bounds = Rect(size: image.size)
        guard !text.isEmpty, reach >= 2 else { return nil }
        func share(of line: Rect) -> Double {
            var covered = 0
            for y in line.y..<line.maxY {
                for x in line.x..<line.maxX where isText(x, y) || plate.matches(image, x, y) { covered += 1 }
            }
            return Double(covered) / Double(max(1, line.width * line.height))
        }
        let start = text.insetBy(dx: -letterFringe, dy: -letterFringe).intersection(bounds)
        var plateRect = PlateRect(rect: start)
        // Sides take turns, so each tests its lines across the others' margins too.
        var moved = [0, 0, 0, 0], done = [false, false, false, false], edge = [false, false, false, false]
        while done.contains(false) {
            for side in 0..<4 where !done[side] {
                guard moved[side] < reach, let line = plateRect.lineOutside(side, within: bounds) else {
                    done[side] = true
                    continue
                }
                let lineShare = share(of: line)
                if lineShare < minLineShare {
                    done[side] = true
                    edge[side] = lineShare < maxEdgeShare
                    continue
                }
                plateRect.grow(side)
                moved[side] += 1
            }
        }
        guard edge.filter({ $0 }).count >= 3 else { return nil }
        if let open = edge.firstIndex(of: false) { plateRect.pullBack(open, to: start) }
        let r = plateRect.rect
        guard Double(r.width * r.height) <= maxImageShare * Double(image.width * image.height),
              share(of: r) >= minPlateShare else { return nil }
        return corners(of: r)
    }

    /// A rectangle whose sides (0 top, 1 right, 2 bottom, 3 left) move a line at a time.
    private struct PlateRect {
        var rect: Rect

        /// The line just outside the rectangle on `side`, or nil where it leaves `bounds`.
        func lineOutside(_ side: Int, within bounds: Rect) -> Rect? {
            let r = rect, line: Rect
            switch side {
            case 0: line = Rect(x: r.x, y: r.y - 1, width: r.width, height: 1)
            case 1: line = Rect(x: r.maxX, y: r.y, width: 1, height: r.height)
            case 2: line = Rect(x: r.x, y: r.maxY, width: r.width, height: 1)
            default: line = Rect(x: r.x - 1, y: r.y, width: 1, height: r.height)
            }
            return bounds.contains(line) ? line : nil
        }

        mutating func grow(_ side: Int) {
            switch side {
            case 0: rect.y -= 1; rect.height += 1
            case 1: rect.width += 1
            case 2: rect.height += 1
            default: rect.x -= 1; rect.width += 1
            }
        }

        /// Moves `side` back to where it was in `start`.
        mutating func pullBack(_ side: Int, to start: Rect) {
            switch side {
            case 0: rect.height -= start.y - rect.y; rect.y = start.y
            case 1: rect.width = start.maxX - rect.x
            case 2: rect.height = start.maxY - rect.y
            default: rect.width -= start.x - rect.x; rect.x = start.x
            }
        }
    }

    /// How far the letters' anti-aliased edges reach past the strokes found, in pixels.
    static let letterFringe = 2
    /// Share of a line outside the growing plate that must be plate colour or text for the plate
    /// to take it: rounded corners and a few stray pixels pass, an edge into the photo does not.
    static let minLineShare = 0.75
    /// Most of a stopping line that may still be plate colour for the stop to count as the
    /// plate's edge: a printed tag's edge changes colour along nearly its whole length.
    static let maxEdgeShare = 0.55
    /// Least share of the whole plate that must be plate colour or text (rounded corners aside).
    static let minPlateShare = 0.9

    private static func corners(of b: Rect) -> [SIMD2<Double>] {
        [SIMD2(Double(b.x), Double(b.y)), SIMD2(Double(b.maxX), Double(b.y)),
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
