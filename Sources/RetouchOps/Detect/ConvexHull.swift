/// The convex hull of `points`, counter-clockwise in a y-down frame seen as maths axes
/// (Andrew's monotone chain), without collinear points. Fewer than three distinct points come back as they are.
func convexHull(_ points: [SIMD2<Double>]) -> [SIMD2<Double>] {
    var sorted = [SIMD2<Double>]()
    for p in points.sorted(by: { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }) where sorted.last != p {
        sorted.append(p)
    }
    if sorted.count < 3 { return sorted }
    var lower = [SIMD2<Double>](), upper = [SIMD2<Double>]()
    for p in sorted {
        while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
        lower.append(p)
    }
    for p in sorted.reversed() {
        while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
        upper.append(p)
    }
    return Array(lower.dropLast() + upper.dropLast())
}

/// z of (a - o) x (b - o): positive when o -> a -> b turns counter-clockwise.
@inline(__always)
func cross(_ o: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}
