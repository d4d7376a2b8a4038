import Foundation

/// A rectangle at any angle: centre, side lengths along its own axes, and the direction of
/// its `width` side in radians (y down, so positive angles turn clockwise on screen).
public struct RotatedRect: Sendable, Equatable {
    public var center: SIMD2<Double>
    public var width: Double
    public var height: Double
    public var angle: Double

    public init(center: SIMD2<Double>, width: Double, height: Double, angle: Double) {
        self.center = center; self.width = width; self.height = height; self.angle = angle
    }

    public var area: Double { width * height }
    public var perimeter: Double { 2 * (width + height) }

    /// The four corners, starting at the one nearest the top-left and going clockwise on screen.
    public var corners: [SIMD2<Double>] {
        let u = SIMD2(cos(angle), sin(angle)) * (width / 2)
        let v = SIMD2(-sin(angle), cos(angle)) * (height / 2)
        let raw = [center - u - v, center + u - v, center + u + v, center - u + v]
        return orderedClockwiseFromTopLeft(raw)
    }

    /// The same rectangle with every side pushed out by `distance` (inward when negative).
    public func outset(by distance: Double) -> RotatedRect {
        RotatedRect(center: center, width: max(0, width + 2 * distance),
                    height: max(0, height + 2 * distance), angle: angle)
    }

    /// The smallest-area rectangle enclosing a convex polygon. One side of that rectangle lies
    /// on a hull edge, so trying each edge's direction and projecting the hull onto it is exact.
    static func minimumArea(enclosing hull: [SIMD2<Double>]) -> RotatedRect? {
        guard let first = hull.first else { return nil }
        if hull.count == 1 { return RotatedRect(center: first, width: 0, height: 0, angle: 0) }
        var best: RotatedRect?
        for i in 0..<hull.count {
            let edge = hull[(i + 1) % hull.count] - hull[i]
            let length = (edge * edge).sum().squareRoot()
            if length == 0 { continue }
            let u = edge / length, v = SIMD2(-u.y, u.x)
            var minU = Double.infinity, maxU = -Double.infinity, minV = Double.infinity, maxV = -Double.infinity
            for p in hull {
                let pu = (p * u).sum(), pv = (p * v).sum()
                minU = min(minU, pu); maxU = max(maxU, pu); minV = min(minV, pv); maxV = max(maxV, pv)
            }
            let area = (maxU - minU) * (maxV - minV)
            if let current = best, area >= current.area - 1e-9 { continue }
            let center = u * ((minU + maxU) / 2) + v * ((minV + maxV) / 2)
            best = RotatedRect(center: center, width: maxU - minU, height: maxV - minV,
                               angle: atan2(u.y, u.x)).normalised()
        }
        return best
    }

    /// The same rectangle described with |angle| <= 45 degrees, so `width` is the side closest
    /// to horizontal: text lines then read along `width`.
    func normalised() -> RotatedRect {
        var r = self
        while r.angle > .pi / 4 { r.angle -= .pi / 2; swap(&r.width, &r.height) }
        while r.angle <= -.pi / 4 { r.angle += .pi / 2; swap(&r.width, &r.height) }
        return r
    }
}

/// Reorders four corners so the list starts at the top-left one and runs clockwise on screen
/// (top-left, top-right, bottom-right, bottom-left for an upright box).
func orderedClockwiseFromTopLeft(_ corners: [SIMD2<Double>]) -> [SIMD2<Double>] {
    let c = corners.reduce(SIMD2<Double>(0, 0), +) / Double(corners.count)
    let byAngle = corners.sorted { atan2($0.y - c.y, $0.x - c.x) < atan2($1.y - c.y, $1.x - c.x) }
    let start = byAngle.indices.min { (byAngle[$0].x + byAngle[$0].y, byAngle[$0].x) < (byAngle[$1].x + byAngle[$1].y, byAngle[$1].x) } ?? 0
    return (0..<byAngle.count).map { byAngle[(start + $0) % byAngle.count] }
}
