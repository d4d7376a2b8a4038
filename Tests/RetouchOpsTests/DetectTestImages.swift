import RetouchCore
@testable import RetouchOps

/// Small generated scenes for the text tests: a textured "photo" and blocky text drawn from a
/// 5x7 bitmap font, with the exact text pixels kept as ground truth.
enum DetectScene {
    /// 5x7 bitmaps, rows top to bottom, "#" = ink.
    static let glyphs: [Character: [String]] = [
        "S": [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
        "A": [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
        "L": ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
        "E": ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
        "2": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
        "0": [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
        "4": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
    ]

    /// A deterministic textured background: smooth colour gradients plus pseudo-random grain.
    static func photo(width: Int, height: Int, grain: Int = 12, seed: UInt64 = 1) -> Image8 {
        var state = seed &* 0x9E3779B97F4A7C15
        return Image8(width: width, height: height, channels: 3) { x, y, c in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Int(state >> 58) % (2 * grain + 1) - grain
            let base = [90 + 60 * x / max(1, width), 110 + 50 * y / max(1, height), 70 + 30 * (x + y) / max(1, width + height)][c]
            return UInt8(clamping: base + noise)
        }
    }

    /// Ink pixels of `text` in the 5x7 font, each font pixel `cell` px square, origin top-left.
    static func inkMask(_ text: String, x: Int, y: Int, cell: Int, size: Size) -> [Bool] {
        var ink = [Bool](repeating: false, count: size.pixelCount)
        for (i, ch) in text.enumerated() {
            guard let rows = glyphs[ch] else { continue }
            for (r, row) in rows.enumerated() {
                for (c, v) in row.enumerated() where v == "#" {
                    for dy in 0..<cell { for dx in 0..<cell {
                        let px = x + (i * 6 + c) * cell + dx, py = y + r * cell + dy
                        if px >= 0 && py >= 0 && px < size.width && py < size.height { ink[py * size.width + px] = true }
                    } }
                }
            }
        }
        return ink
    }

    /// The 5x7 cells of the glyphs of `text`: where a character's strokes and counters lie.
    static func cellMask(_ text: String, x: Int, y: Int, cell: Int, size: Size) -> [Bool] {
        var cells = [Bool](repeating: false, count: size.pixelCount)
        for (i, ch) in text.enumerated() where glyphs[ch] != nil {
            for py in y..<min(size.height, y + 7 * cell) {
                for px in max(0, x + i * 6 * cell)..<min(size.width, x + (i * 6 + 5) * cell) { cells[py * size.width + px] = true }
            }
        }
        return cells
    }

    /// Blends `colour` over `image` where `ink` is set, with opacity `alpha`.
    static func draw(_ ink: [Bool], colour: [UInt8], alpha: Float = 1, on image: inout Image8) {
        for p in 0..<image.pixelCount where ink[p] {
            for c in 0..<3 {
                let old = Float(image.samples[p * 3 + c])
                image.samples[p * 3 + c] = UInt8((old * (1 - alpha) + Float(colour[c]) * alpha).rounded())
            }
        }
    }

    /// Pixels within `radius` (square) of any set pixel.
    static func grown(_ ink: [Bool], radius: Int, size: Size) -> [Bool] {
        var out = ink
        for y in 0..<size.height { for x in 0..<size.width where ink[y * size.width + x] {
            for dy in -radius...radius { for dx in -radius...radius {
                let nx = x + dx, ny = y + dy
                if nx >= 0 && ny >= 0 && nx < size.width && ny < size.height { out[ny * size.width + nx] = true }
            } }
        } }
        return out
    }

    /// The rectangle region around the text of `count` glyphs, with a DB-like margin.
    static func region(x: Int, y: Int, cell: Int, count: Int, margin: Int) -> TextRegion {
        let x0 = Double(x - margin), y0 = Double(y - margin)
        let x1 = Double(x + (count * 6 - 1) * cell + margin), y1 = Double(y + 7 * cell + margin)
        return TextRegion(polygon: [SIMD2(x0, y0), SIMD2(x1, y0), SIMD2(x1, y1), SIMD2(x0, y1)], score: 0.9)
    }
}
