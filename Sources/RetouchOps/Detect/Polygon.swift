/// Small polygon helpers over corner lists (any orientation, not self-intersecting).
enum Polygon {
    static func area(_ p: [SIMD2<Double>]) -> Double {
        guard p.count >= 3 else { return 0 }
        var twice = 0.0
        for i in 0..<p.count {
            let a = p[i], b = p[(i + 1) % p.count]
            twice += a.x * b.y - b.x * a.y
        }
        return abs(twice) / 2
    }

    static func perimeter(_ p: [SIMD2<Double>]) -> Double {
        guard p.count >= 2 else { return 0 }
        var sum = 0.0
        for i in 0..<p.count {
            let d = p[(i + 1) % p.count] - p[i]
            sum += (d * d).sum().squareRoot()
        }
        return sum
    }

    /// Even-odd rule, so it works for either winding.
    static func contains(_ p: [SIMD2<Double>], _ q: SIMD2<Double>) -> Bool {
        var inside = false
        var j = p.count - 1
        for i in 0..<p.count {
            let a = p[i], b = p[j]
            if (a.y > q.y) != (b.y > q.y) {
                let x = a.x + (q.y - a.y) * (b.x - a.x) / (b.y - a.y)
                if q.x < x { inside.toggle() }
            }
            j = i
        }
        return inside
    }

    /// Integer bounds of the pixels whose centres can fall inside, clipped to `width x height`.
    static func pixelBounds(_ p: [SIMD2<Double>], width: Int, height: Int) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        guard let first = p.first else { return nil }
        var lo = first, hi = first
        for q in p { lo = pointwiseMin(lo, q); hi = pointwiseMax(hi, q) }
        let x0 = max(0, Int((lo.x - 0.5).rounded(.up))), y0 = max(0, Int((lo.y - 0.5).rounded(.up)))
        let x1 = min(width - 1, Int((hi.x - 0.5).rounded(.down))), y1 = min(height - 1, Int((hi.y - 0.5).rounded(.down)))
        return x0 <= x1 && y0 <= y1 ? (x0, y0, x1, y1) : nil
    }

    /// Calls `body(x, y)` for every pixel whose centre lies inside the polygon, row by row,
    /// using the crossings of each row's centre line with the edges.
    static func forEachPixel(in p: [SIMD2<Double>], width: Int, height: Int, _ body: (Int, Int) -> Void) {
        guard p.count >= 3, let b = pixelBounds(p, width: width, height: height) else { return }
        var crossings = [Double]()
        for y in b.y0...b.y1 {
            let cy = Double(y) + 0.5
            crossings.removeAll(keepingCapacity: true)
            var j = p.count - 1
            for i in 0..<p.count {
                let a = p[i], c = p[j]
                if (a.y > cy) != (c.y > cy) { crossings.append(a.x + (cy - a.y) * (c.x - a.x) / (c.y - a.y)) }
                j = i
            }
            crossings.sort()
            var k = 0
            while k + 1 < crossings.count {
                // Pixel x is inside when its centre x + 0.5 lies in [left, right).
                let from = max(b.x0, Int((crossings[k] - 0.5).rounded(.up)))
                let to = min(b.x1, Int((crossings[k + 1] - 0.5).rounded(.up)) - 1)
                if from <= to { for x in from...to { body(x, y) } }
                k += 2
            }
        }
    }

    /// A convex polygon with every edge pushed outward by `distance`, corners mitred.
    static func outset(_ p: [SIMD2<Double>], by distance: Double) -> [SIMD2<Double>] {
        guard p.count >= 3, distance != 0 else { return p }
        var signedTwiceArea = 0.0
        for i in 0..<p.count { signedTwiceArea += p[i].x * p[(i + 1) % p.count].y - p[(i + 1) % p.count].x * p[i].y }
        // (d.y, -d.x) points outward when corners run clockwise on screen (positive shoelace sum, y down).
        let side: Double = signedTwiceArea > 0 ? 1 : -1
        func normal(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMD2<Double> {
            let d = b - a, length = (d * d).sum().squareRoot()
            return length > 0 ? SIMD2(d.y, -d.x) * (side / length) : SIMD2(0, 0)
        }
        let n = p.count
        return (0..<n).map { i in
            let prev = p[(i + n - 1) % n], cur = p[i], next = p[(i + 1) % n]
            let n1 = normal(prev, cur), n2 = normal(cur, next)
            // The corner moves by m with m.n1 = m.n2 = distance, i.e. m = (n1 + n2) * d / (1 + n1.n2).
            let denominator = 1 + (n1 * n2).sum()
            guard denominator > 1e-6 else { return cur + n2 * distance }
            return cur + (n1 + n2) * (distance / denominator)
        }
    }

    /// Distance from `q` to the nearest edge of the polygon.
    static func distanceToBoundary(_ p: [SIMD2<Double>], _ q: SIMD2<Double>) -> Double {
        var best = Double.infinity
        for i in 0..<p.count {
            let a = p[i], b = p[(i + 1) % p.count], ab = b - a
            let lengthSquared = (ab * ab).sum()
            let t = lengthSquared > 0 ? min(1, max(0, ((q - a) * ab).sum() / lengthSquared)) : 0
            let d = q - (a + ab * t)
            best = min(best, (d * d).sum())
        }
        return best.squareRoot()
    }
}
