import Foundation

/// Gaussian-window SSIM of one plane pair.
enum SSIM {
    static let sigma = 1.5
    /// Radius int(3.5 sigma + 0.5) = 5, as scipy derives it from truncate = 3.5.
    static let radius = 5
    static let window = 2 * radius + 1
    static let c1 = (0.01 * 255.0) * (0.01 * 255.0)
    static let c2 = (0.03 * 255.0) * (0.03 * 255.0)

    static let weights: [Double] = {
        let raw = (-radius...radius).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }()

    /// Mean SSIM over the pixels at least `radius` from every edge.
    static func mean(_ x: [Double], _ y: [Double], width: Int, height: Int) -> Double {
        let blur = { (plane: [Double]) in gaussian(plane, width: width, height: height) }
        let mx = blur(x), my = blur(y)
        let mxx = blur(zip(x, x).map(*)), myy = blur(zip(y, y).map(*)), mxy = blur(zip(x, y).map(*))
        var total = 0.0
        for row in radius..<(height - radius) {
            for i in (row * width + radius)..<(row * width + width - radius) {
                let ux = mx[i], uy = my[i]
                let vx = mxx[i] - ux * ux, vy = myy[i] - uy * uy, vxy = mxy[i] - ux * uy
                total += (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
            }
        }
        return total / Double((width - 2 * radius) * (height - 2 * radius))
    }

    /// Separable Gaussian blur with mirrored edges (the edge sample repeated, scipy's
    /// "reflect"), columns then rows. Each output row is built in a buffer padded by the
    /// radius on both sides, so both passes are straight multiply-adds over whole rows.
    static func gaussian(_ plane: [Double], width: Int, height: Int) -> [Double] {
        var out = [Double](repeating: 0, count: plane.count)
        var padded = [Double](repeating: 0, count: width + 2 * radius)
        plane.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { out in
                padded.withUnsafeMutableBufferPointer { padded in
                    guard let src = source.baseAddress, let dst = out.baseAddress, let pad = padded.baseAddress else {
                        return
                    }
                    let middle = pad + radius
                    for y in 0..<height {
                        for x in 0..<width { middle[x] = 0 }
                        for (k, w) in weights.enumerated() {
                            let row = src + mirror(y + k - radius, height) * width
                            for x in 0..<width { middle[x] += w * row[x] }
                        }
                        for r in 1...radius {
                            middle[-r] = middle[r - 1]
                            middle[width - 1 + r] = middle[width - r]
                        }
                        let row = dst + y * width
                        for (k, w) in weights.enumerated() {
                            let shifted = pad + k
                            for x in 0..<width { row[x] += w * shifted[x] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Index reflected about the edges: -1 -> 0, -2 -> 1, n -> n - 1. Valid for offsets up
    /// to the image size, which the size check guarantees for the window radius.
    private static func mirror(_ i: Int, _ n: Int) -> Int {
        if i < 0 { return -i - 1 }
        if i >= n { return 2 * n - i - 1 }
        return i
    }
}
