/// The colours seen in a set of pixels, on a coarse grid: which colours are new to a place.
///
/// Overlay ink is printed in one colour that the photo around it seldom has (an orange date
/// stamp on red containers, a whitened watermark over grass), even where its contrast in
/// brightness is lower than the texture's own edges. A pixel whose colour falls in no cell the
/// background occupies, nor in a neighbouring cell, is new there.
struct ColourPalette {
    /// Cells per channel: 16 levels of 16, so neighbouring cells tolerate about +-16 per channel.
    private static let levels = 16
    private var occupied = [Bool](repeating: false, count: levels * levels * levels)

    init(_ colours: [SIMD3<Float>]) {
        let n = Self.levels
        var seen = [Bool](repeating: false, count: n * n * n)
        for colour in colours { seen[Self.cell(colour)] = true }
        // Grow every seen cell by one in each direction, so colours near a cell boundary match.
        for r in 0..<n { for g in 0..<n { for b in 0..<n where seen[(r * n + g) * n + b] {
            for dr in max(0, r - 1)...min(n - 1, r + 1) { for dg in max(0, g - 1)...min(n - 1, g + 1) {
                for db in max(0, b - 1)...min(n - 1, b + 1) { occupied[(dr * n + dg) * n + db] = true }
            } }
        } } }
    }

    /// Whether no background colour lies near `colour`.
    func isNew(_ colour: SIMD3<Float>) -> Bool { !occupied[Self.cell(colour)] }

    private static func cell(_ colour: SIMD3<Float>) -> Int {
        // Colours are 0-255 samples, so each quotient is a cell index 0-15 once clamped.
        let c = (colour / 16).clamped(lowerBound: SIMD3(repeating: 0), upperBound: SIMD3(repeating: Float(levels - 1)))
        return (Int(c.x) * levels + Int(c.y)) * levels + Int(c.z)
    }
}
