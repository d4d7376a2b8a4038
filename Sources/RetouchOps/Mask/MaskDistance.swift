import RetouchCore

extension Mask {
    /// Squared Euclidean distance from every pixel to the nearest pixel whose `isHole` equals
    /// `target` (0 on such pixels). Exact, in linear time: Felzenszwalb and Huttenlocher's
    /// separable lower-envelope transform, columns then rows. Pixels with no target anywhere
    /// get `Int.max / 4`.
    public func squaredDistance(toHole target: Bool = true) -> [Int] {
        let infinity = Int.max / 4
        var grid = isHole.map { $0 == target ? 0 : infinity }
        let n = Swift.max(width, height)
        var line = [Int](repeating: 0, count: n), out = [Int](repeating: 0, count: n)
        var scratch = EnvelopeScratch(capacity: n)
        for x in 0..<width {
            for y in 0..<height { line[y] = grid[y * width + x] }
            scratch.transform(line, count: height, into: &out)
            for y in 0..<height { grid[y * width + x] = out[y] }
        }
        for y in 0..<height {
            let row = y * width
            for x in 0..<width { line[x] = grid[row + x] }
            scratch.transform(line, count: width, into: &out)
            for x in 0..<width { grid[row + x] = out[x] }
        }
        return grid
    }

    /// The mask grown by `radius` pixels (a disc, Euclidean). Only the holes' bounding box,
    /// grown by the radius, is transformed, so a small mask on a large image is cheap.
    public func dilated(by radius: Int) -> Mask {
        guard radius > 0, let box = boundingBox else { return self }
        let area = Rect(x: box.x - radius, y: box.y - radius, width: box.width + 2 * radius,
                        height: box.height + 2 * radius).intersection(Rect(size: size))
        let limit = radius * radius
        let grown = cropped(to: area).squaredDistance().map { $0 <= limit }
        var out = self
        for y in 0..<area.height {
            for x in 0..<area.width where grown[y * area.width + x] {
                out.isHole[(area.y + y) * width + area.x + x] = true
            }
        }
        return out
    }

    /// A soft paste-back weight: 1 on hole pixels, falling linearly to 0 over `radius`
    /// pixels outside them. Blending a fill with this weight hides the mask's edge.
    public func featherWeights(radius: Int) -> [Float] {
        guard radius > 0 else { return isHole.map { $0 ? 1 : 0 } }
        let ramp = Float(radius + 1)
        return squaredDistance().map { d2 in
            d2 == 0 ? 1 : Swift.max(0, 1 - Float(d2).squareRoot() / ramp)
        }
    }
}

/// Buffers for the 1-D squared distance transform of a sampled function (the lower envelope
/// of parabolas rooted at each sample), reused across rows and columns.
struct EnvelopeScratch {
    private var roots: [Int]
    private var bounds: [Double]

    init(capacity: Int) {
        roots = [Int](repeating: 0, count: capacity)
        bounds = [Double](repeating: 0, count: capacity + 1)
    }

    mutating func transform(_ f: [Int], count n: Int, into d: inout [Int]) {
        let infinity = Int.max / 4
        var k = -1
        for q in 0..<n where f[q] < infinity {
            let fq = Double(f[q]) + Double(q * q)
            while k >= 0 {
                let r = roots[k]
                let s = (fq - (Double(f[r]) + Double(r * r))) / Double(2 * (q - r))
                if s <= bounds[k] { k -= 1 } else {
                    k += 1
                    roots[k] = q; bounds[k] = s
                    break
                }
            }
            if k < 0 { k = 0; roots[0] = q; bounds[0] = -.infinity }
        }
        if k < 0 {
            for q in 0..<n { d[q] = infinity }
            return
        }
        bounds[k + 1] = .infinity
        var j = 0
        for q in 0..<n {
            while bounds[j + 1] < Double(q) { j += 1 }
            let r = roots[j]
            d[q] = (q - r) * (q - r) + f[r]
        }
    }
}
