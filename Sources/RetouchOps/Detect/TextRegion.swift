import RetouchCore

/// A detected line or block of text: a quadrilateral in image pixels (corners clockwise on
/// screen from the top-left, edges on pixel boundaries) and the detector's mean confidence inside it.
public struct TextRegion: Sendable, Equatable {
    public var polygon: [SIMD2<Double>]
    public var score: Float

    public init(polygon: [SIMD2<Double>], score: Float) {
        self.polygon = polygon
        self.score = score
    }

    public var area: Double { Polygon.area(polygon) }

    /// The smallest integer rectangle holding every pixel whose centre is inside the polygon.
    public func pixelBounds(in size: Size) -> Rect? {
        guard let b = Polygon.pixelBounds(polygon, width: size.width, height: size.height) else { return nil }
        return Rect(x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1)
    }

    /// Length of the side closest to horizontal and of the other side.
    var sideLengths: (along: Double, across: Double) {
        guard polygon.count == 4 else { return (0, 0) }
        func length(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double { ((b - a) * (b - a)).sum().squareRoot() }
        let top = length(polygon[0], polygon[1]), right = length(polygon[1], polygon[2])
        let bottom = length(polygon[2], polygon[3]), left = length(polygon[3], polygon[0])
        return ((top + bottom) / 2, (left + right) / 2)
    }
}
