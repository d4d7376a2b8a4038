/// One 8-connected region of a binary map, kept as its horizontal extent per row: enough to
/// build the convex hull (each row contributes its two outer pixel edges) and to count pixels.
struct ConnectedRegion: Sendable {
    /// Row index of `spans[0]`.
    var top: Int
    /// For each row from `top`, the leftmost and rightmost set pixel (inclusive).
    var spans: [(min: Int, max: Int)]
    var pixelCount: Int

    var bottom: Int { top + spans.count - 1 }

    /// Corners of the outermost pixels of every row: the hull of these is the hull of the
    /// region's pixel squares, so boxes cover whole pixels rather than pixel centres.
    var outlinePoints: [SIMD2<Double>] {
        var points = [SIMD2<Double>]()
        points.reserveCapacity(spans.count * 4)
        for (i, span) in spans.enumerated() where span.min <= span.max {
            let y = Double(top + i)
            let x0 = Double(span.min), x1 = Double(span.max + 1)
            points.append(SIMD2(x0, y)); points.append(SIMD2(x0, y + 1))
            points.append(SIMD2(x1, y)); points.append(SIMD2(x1, y + 1))
        }
        return points
    }
}

/// Labels the 8-connected regions of `binary` (non-zero = set), in raster order of their
/// first pixel. An explicit stack keeps large regions from overflowing the call stack.
func connectedRegions(_ binary: [UInt8], width: Int, height: Int) -> [ConnectedRegion] {
    var visited = [Bool](repeating: false, count: binary.count)
    var regions = [ConnectedRegion]()
    var stack = [Int]()
    for start in 0..<binary.count where binary[start] != 0 && !visited[start] {
        visited[start] = true
        stack.append(start)
        let top = start / width
        var spans = [(min: Int, max: Int)]()
        var count = 0
        while let p = stack.popLast() {
            let x = p % width, y = p / width
            count += 1
            let row = y - top
            while spans.count <= row { spans.append((Int.max, Int.min)) }
            spans[row] = (min(spans[row].min, x), max(spans[row].max, x))
            for dy in -1...1 {
                let ny = y + dy
                if ny < 0 || ny >= height { continue }
                for dx in -1...1 {
                    let nx = x + dx
                    if nx < 0 || nx >= width || (dx == 0 && dy == 0) { continue }
                    let q = ny * width + nx
                    if binary[q] != 0 && !visited[q] {
                        visited[q] = true
                        stack.append(q)
                    }
                }
            }
        }
        regions.append(ConnectedRegion(top: top, spans: spans, pixelCount: count))
    }
    return regions
}
