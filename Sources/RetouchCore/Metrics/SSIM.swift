import Foundation

/// Gaussian-window SSIM of one plane pair.
///
/// scikit-image blurs whole planes (mirroring at the edges), builds the SSIM map and then
/// averages it without the `radius`-pixel border. Every pixel of that interior sees a window
/// lying wholly inside the image, so the mirrored values never count: this computes only
/// interior rows, each from the eleven source rows around it, with no full-size
/// intermediates, rows split across all cores.
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

    /// Mean SSIM over the pixels at least `radius` from every edge; needs planes of at
    /// least `window` x `window`.
    static func mean(_ x: [Double], _ y: [Double], width: Int, height: Int) -> Double {
        let rows = height - 2 * radius, columns = width - 2 * radius
        var rowSums = [Double](repeating: 0, count: rows)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                rowSums.withUnsafeMutableBufferPointer { sums in
                    weights.withUnsafeBufferPointer { weights in
                        guard let xs = x.baseAddress, let ys = y.baseAddress, let out = sums.baseAddress,
                              let w = weights.baseAddress else { return }
                        let job = Rows(x: xs, y: ys, sums: out, weights: w, width: width)
                        parallelChunks(rows, threads: 0) { chunk in job.run(chunk) }
                    }
                }
            }
        }
        // Row sums added in row order, so the result does not depend on the thread count.
        return rowSums.reduce(0, +) / Double(rows * columns)
    }

    private struct Rows: @unchecked Sendable {
        let x: UnsafePointer<Double>
        let y: UnsafePointer<Double>
        let sums: UnsafeMutablePointer<Double>
        let weights: UnsafePointer<Double>
        let width: Int

        /// For interior row `radius + r` of each r in `chunk`, sums[r] = Σ SSIM over its
        /// interior columns.
        func run(_ chunk: Range<Int>) {
            // Column-blurred x, y, x², y², xy of one row, side by side.
            let blurred = UnsafeMutablePointer<Double>.allocate(capacity: 5 * width)
            defer { blurred.deallocate() }
            for r in chunk {
                blurColumns(top: r, into: blurred)
                sums[r] = rowSSIM(blurred)
            }
        }

        /// Weighted sums down the window's eleven rows starting at `top`, for every column.
        private func blurColumns(top: Int, into out: UnsafeMutablePointer<Double>) {
            var c = 0
            while c + 4 <= width {
                var mx = SIMD4<Double>(), my = mx, mxx = mx, myy = mx, mxy = mx
                for k in 0..<window {
                    let offset = (top + k) * width + c
                    let a = load(x + offset), b = load(y + offset), w = weights[k]
                    mx += a * w
                    my += b * w
                    mxx += (a * a) * w
                    myy += (b * b) * w
                    mxy += (a * b) * w
                }
                store(mx, out + c)
                store(my, out + width + c)
                store(mxx, out + 2 * width + c)
                store(myy, out + 3 * width + c)
                store(mxy, out + 4 * width + c)
                c += 4
            }
            while c < width {
                var mx = 0.0, my = 0.0, mxx = 0.0, myy = 0.0, mxy = 0.0
                for k in 0..<window {
                    let offset = (top + k) * width + c
                    let a = x[offset], b = y[offset], w = weights[k]
                    mx += a * w
                    my += b * w
                    mxx += (a * a) * w
                    myy += (b * b) * w
                    mxy += (a * b) * w
                }
                out[c] = mx
                out[width + c] = my
                out[2 * width + c] = mxx
                out[3 * width + c] = myy
                out[4 * width + c] = mxy
                c += 1
            }
        }

        /// Blurs the five column-blurred rows along the row and sums the SSIM map over the
        /// interior columns.
        private func rowSSIM(_ blurred: UnsafeMutablePointer<Double>) -> Double {
            var total = 0.0
            for c in 0..<(width - 2 * radius) {
                var means = SIMD8<Double>()
                for k in 0..<window {
                    let p = blurred + c + k
                    means += SIMD8(p[0], p[width], p[2 * width], p[3 * width], p[4 * width], 0, 0, 0) * weights[k]
                }
                let ux = means[0], uy = means[1]
                let vx = means[2] - ux * ux, vy = means[3] - uy * uy, vxy = means[4] - ux * uy
                total += (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
            }
            return total
        }

        @inline(__always) private func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
        }

        @inline(__always) private func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
        }
    }
}
