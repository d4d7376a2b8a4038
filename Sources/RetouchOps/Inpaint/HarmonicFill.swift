import RetouchCore

/// The membrane (harmonic) fill: the smoothest surface that meets the hole's edge, i.e. the
/// solution of Laplace's equation with the known pixels as boundary values. Solved coarse to
/// fine (each level starts from the one below) with over-relaxed Gauss-Seidel sweeps, so
/// even wide holes converge in a few dozen sweeps. Linear ramps are reproduced exactly.
struct HarmonicFill {
    /// Stop sweeping a level once no sample moves by more than this.
    var tolerance: Float = 0.01
    var maxSweeps = 400

    func run(_ canvas: inout FillCanvas) {
        guard canvas.fillCount > 0, canvas.hasKnown else { return }
        solve(&canvas.samples, canvas.state, canvas.width, canvas.height, canvas.channels)
    }

    private func solve(_ values: inout [Float], _ state: [FillCanvas.State], _ w: Int, _ h: Int, _ ch: Int) {
        if w >= 8 && h >= 8 {
            let cw = (w + 1) / 2, chh = (h + 1) / 2
            var coarse = [Float](repeating: 0, count: cw * chh * ch)
            var coarseState = [FillCanvas.State](repeating: .blocked, count: cw * chh)
            Self.downsample(values, state, w, h, ch, &coarse, &coarseState, cw, chh)
            solve(&coarse, coarseState, cw, chh, ch)
            for y in 0..<h {
                for x in 0..<w where state[y * w + x] == .fill {
                    let s = ((y / 2) * cw + x / 2) * ch, d = (y * w + x) * ch
                    for c in 0..<ch { values[d + c] = coarse[s + c] }
                }
            }
        } else {
            Self.seedWithMean(&values, state, ch)
        }
        relax(&values, state, w, h, ch)
    }

    /// A coarse pixel is known if any of its four children is (their mean), to fill if none
    /// is known but some are to fill, and blocked otherwise.
    static func downsample(_ values: [Float], _ state: [FillCanvas.State], _ w: Int, _ h: Int, _ ch: Int,
                            _ coarse: inout [Float], _ coarseState: inout [FillCanvas.State], _ cw: Int, _ chh: Int) {
        for cy in 0..<chh {
            for cx in 0..<cw {
                var known = 0, fill = false
                let d = (cy * cw + cx) * ch
                for y in (2 * cy)..<Swift.min(h, 2 * cy + 2) {
                    for x in (2 * cx)..<Swift.min(w, 2 * cx + 2) {
                        switch state[y * w + x] {
                        case .known:
                            known += 1
                            for c in 0..<ch { coarse[d + c] += values[(y * w + x) * ch + c] }
                        case .fill: fill = true
                        case .blocked: break
                        }
                    }
                }
                if known > 0 {
                    coarseState[cy * cw + cx] = .known
                    for c in 0..<ch { coarse[d + c] /= Float(known) }
                } else if fill {
                    coarseState[cy * cw + cx] = .fill
                }
            }
        }
    }

    static func seedWithMean(_ values: inout [Float], _ state: [FillCanvas.State], _ ch: Int) {
        var sum = [Float](repeating: 0, count: ch), count: Float = 0
        for p in state.indices where state[p] == .known {
            for c in 0..<ch { sum[c] += values[p * ch + c] }
            count += 1
        }
        guard count > 0 else { return }
        for p in state.indices where state[p] == .fill {
            for c in 0..<ch { values[p * ch + c] = sum[c] / count }
        }
    }

    /// Successive over-relaxation; blocked pixels and the frame are reflecting walls.
    private func relax(_ values: inout [Float], _ state: [FillCanvas.State], _ w: Int, _ h: Int, _ ch: Int) {
        var targets = [Int]()
        for p in state.indices where state[p] == .fill { targets.append(p) }
        let omega: Float = 1.8
        values.withUnsafeMutableBufferPointer { v in
            for _ in 0..<maxSweeps {
                var largest: Float = 0
                for p in targets {
                    let x = p % w, y = p / w
                    let neighbours = (x > 0 && state[p - 1] != .blocked ? 1 : 0,
                                      x + 1 < w && state[p + 1] != .blocked ? 1 : 0,
                                      y > 0 && state[p - w] != .blocked ? 1 : 0,
                                      y + 1 < h && state[p + w] != .blocked ? 1 : 0)
                    let n = Float(neighbours.0 + neighbours.1 + neighbours.2 + neighbours.3)
                    guard n > 0 else { continue }
                    for c in 0..<ch {
                        var sum: Float = 0
                        if neighbours.0 == 1 { sum += v[(p - 1) * ch + c] }
                        if neighbours.1 == 1 { sum += v[(p + 1) * ch + c] }
                        if neighbours.2 == 1 { sum += v[(p - w) * ch + c] }
                        if neighbours.3 == 1 { sum += v[(p + w) * ch + c] }
                        let old = v[p * ch + c]
                        let step = omega * (sum / n - old)
                        v[p * ch + c] = old + step
                        largest = Swift.max(largest, abs(step))
                    }
                }
                if largest < tolerance { break }
            }
        }
    }
}
