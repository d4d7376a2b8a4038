/// The colours seen in a set of pixels, on a coarse grid: which colours are new to a place.
///
/// Overlay ink is printed in one colour that the photo around it seldom has (an orange date
/// stamp on red containers, a whitened watermark over grass), even where its contrast in
/// brightness is lower than the texture's own edges. A pixel whose colour falls in no cell the
/// background occupies, nor near one, is new there.
struct ColourPalette {
    /// Cells per channel (16 levels of 16), and how many cells around a seen colour count as seen:
    /// a colour is new when every channel combination differs by more than about 32-48 levels.
    private static let levels = 16
    private static let growth = 2
    private var occupied = [Bool](repeating: false, count: levels * levels * levels)

    init(_ colours: [SIMD3<Float>]) {
        let n = Self.levels
        var seen = [Bool](repeating: false, count: n * n * n)
        for colour in colours { seen[Self.cell(colour)] = true }
        // Grow every seen cell by two in each direction: colours near a cell boundary, and the
        // shades a gradient takes inside the box but not around it, still match.
        let g2 = Self.growth
        for r in 0..<n { for g in 0..<n { for b in 0..<n where seen[(r * n + g) * n + b] {
            for dr in max(0, r - g2)...min(n - 1, r + g2) { for dg in max(0, g - g2)...min(n - 1, g + g2) {
                for db in max(0, b - g2)...min(n - 1, b + g2) { occupied[(dr * n + dg) * n + db] = true }
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
