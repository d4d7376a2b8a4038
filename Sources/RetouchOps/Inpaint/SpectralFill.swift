import Foundation
import RetouchCore

/// Frequency-selective extrapolation (Seiler and Kaup 2010, in the block scheme of the FSR
/// of Genser et al. 2018): each 8x8 block of the hole is modelled, over a 32x32 window
/// around it, as a sparse sum of Fourier basis functions fitted to the window's known
/// pixels, weighted by their nearness to the block. Basis functions are picked one at a
/// time, the one that removes most of the remaining weighted residual energy (low
/// frequencies favoured), so edges and textures that cross a hole continue into it.
///
/// The fit runs in the frequency domain: taking a basis function out of the residual
/// subtracts a shifted copy of the weight's spectrum, so an iteration costs one pass over
/// the window's coefficients. Blocks go in order of how much of their window is known;
/// pixels filled by earlier blocks count, at a reduced weight, for later ones, so wide holes
/// are filled from the outside in.
struct SpectralFill {
    var block = 8
    var window = 32
    /// A known pixel's weight falls by this factor per pixel of distance from the block centre
    /// (0.65 to 0.7 fitted best on the bench's strokes; 0.8 lost 0.2 dB).
    var decay: Float = 0.65
    /// Weight of a pixel filled by an earlier block, relative to a known one.
    var filledWeight: Float = 0.5
    /// Share of each projection taken per iteration: the basis functions are not orthogonal
    /// over the weighted window, so a full step would overshoot.
    var stepShare: Float = 0.5
    var iterations = 100

    func run(_ canvas: inout FillCanvas) {
        guard canvas.fillCount > 0, canvas.hasKnown else { return }
        let w = canvas.width, h = canvas.height
        var weight = canvas.state.map { $0 == .known ? Float(1) : 0 }
        var pending = blocksToFill(canvas)
        let transform = WindowTransform(nx: Swift.min(window, w), ny: Swift.min(window, h))
        let favour = frequencyFavour(transform.nx, transform.ny)
        while !pending.isEmpty {
            var ranked = [(origin: Int, share: Float)]()
            for origin in pending {
                let share = availability(origin, weight, transform, w, h)
                if share > 0 { ranked.append((origin, share)) }
            }
            guard !ranked.isEmpty else { break }
            ranked.sort { $0.share != $1.share ? $0.share > $1.share : $0.origin < $1.origin }
            for entry in ranked {
                fillBlock(entry.origin, &canvas, &weight, transform, favour)
            }
            let done = Set(ranked.map { $0.origin })
            pending.removeAll { done.contains($0) }
        }
    }

    /// Top-left corners (as y * width + x) of the blocks holding pixels to fill.
    private func blocksToFill(_ canvas: FillCanvas) -> [Int] {
        var out = [Int]()
        for by in stride(from: 0, to: canvas.height, by: block) {
            for bx in stride(from: 0, to: canvas.width, by: block) {
                let rows = by..<Swift.min(canvas.height, by + block), cols = bx..<Swift.min(canvas.width, bx + block)
                if rows.contains(where: { y in cols.contains { canvas.state[y * canvas.width + $0] == .fill } }) {
                    out.append(by * canvas.width + bx)
                }
            }
        }
        return out
    }

    private func windowOrigin(_ origin: Int, _ t: WindowTransform, _ w: Int, _ h: Int) -> (x: Int, y: Int) {
        let bx = origin % w, by = origin / w, border = (window - block) / 2
        return (Swift.min(Swift.max(0, bx - border), w - t.nx), Swift.min(Swift.max(0, by - border), h - t.ny))
    }

    /// Share of the window's pixels that can serve as evidence, filled ones at their weight.
    private func availability(_ origin: Int, _ weight: [Float], _ t: WindowTransform, _ w: Int, _ h: Int) -> Float {
        let (x0, y0) = windowOrigin(origin, t, w, h)
        var sum: Float = 0
        for y in y0..<(y0 + t.ny) {
            for x in x0..<(x0 + t.nx) { sum += weight[y * w + x] }
        }
        return sum / Float(t.nx * t.ny)
    }

    private func fillBlock(_ origin: Int, _ canvas: inout FillCanvas, _ weight: inout [Float],
                           _ t: WindowTransform, _ favour: [Float]) {
        let w = canvas.width, h = canvas.height, ch = canvas.channels, nx = t.nx, ny = t.ny
        let (x0, y0) = windowOrigin(origin, t, w, h)
        let bx = origin % w, by = origin / w
        let bw = Swift.min(block, w - bx), bh = Swift.min(block, h - by)
        let cx = Float(bx) + Float(bw - 1) / 2, cy = Float(by) + Float(bh - 1) / 2
        var pixelWeight = [Float](repeating: 0, count: nx * ny)
        for y in 0..<ny {
            for x in 0..<nx where weight[(y0 + y) * w + x0 + x] > 0 {
                let dx = Float(x0 + x) - cx, dy = Float(y0 + y) - cy
                pixelWeight[y * nx + x] = weight[(y0 + y) * w + x0 + x] * pow(decay, (dx * dx + dy * dy).squareRoot())
            }
        }
        let weightSpectrum = t.forward(pixelWeight)
        guard weightSpectrum.re[0] > 1e-6 else { return }
        var values = [Float](repeating: 0, count: nx * ny)
        for c in 0..<ch {
            for y in 0..<ny {
                for x in 0..<nx {
                    values[y * nx + x] = canvas.samples[((y0 + y) * w + x0 + x) * ch + c] * pixelWeight[y * nx + x]
                }
            }
            let model = fit(residual: t.forward(values), weight: weightSpectrum, favour: favour, nx: nx, ny: ny)
            let synthesis = t.inverseReal(model)
            for y in by..<(by + bh) {
                for x in bx..<(bx + bw) where canvas.state[y * w + x] == .fill && weight[y * w + x] == 0 {
                    canvas.samples[(y * w + x) * ch + c] = Swift.max(0, Swift.min(255, synthesis[(y - y0) * nx + x - x0]))
                }
            }
        }
        for y in by..<(by + bh) {
            for x in bx..<(bx + bw) where canvas.state[y * w + x] == .fill && weight[y * w + x] == 0 {
                weight[y * w + x] = filledWeight
            }
        }
    }

    /// Greedy selection of basis functions; returns the model's spectrum. Real images have
    /// conjugate-symmetric spectra, so each pick adds a frequency and its mirror together.
    private func fit(residual: Spectrum, weight: Spectrum, favour: [Float], nx: Int, ny: Int) -> Spectrum {
        var r = residual
        var model = Spectrum(count: nx * ny)
        let norm = weight.re[0]
        for _ in 0..<iterations {
            var best = 0, bestScore: Float = 0
            for k in 0..<(nx * ny) {
                let score = favour[k] * (r.re[k] * r.re[k] + r.im[k] * r.im[k])
                if score > bestScore { bestScore = score; best = k }
            }
            guard bestScore > 0 else { break }
            let cre = stepShare * r.re[best] / norm, cim = stepShare * r.im[best] / norm
            let kx = best % nx, ky = best / nx
            let mx = (nx - kx) % nx, my = (ny - ky) % ny
            model.re[best] += cre; model.im[best] += cim
            subtractShifted(&r, weight, kx, ky, cre, cim, nx, ny)
            if my * nx + mx != best {
                model.re[my * nx + mx] += cre; model.im[my * nx + mx] -= cim
                subtractShifted(&r, weight, mx, my, cre, -cim, nx, ny)
            }
        }
        return model
    }

    /// r[l] -= c W[l - k], indices wrapping.
    private func subtractShifted(_ r: inout Spectrum, _ wgt: Spectrum, _ kx: Int, _ ky: Int,
                                 _ cre: Float, _ cim: Float, _ nx: Int, _ ny: Int) {
        r.re.withUnsafeMutableBufferPointer { rre in
            r.im.withUnsafeMutableBufferPointer { rim in
                wgt.re.withUnsafeBufferPointer { wre in
                    wgt.im.withUnsafeBufferPointer { wim in
                        for ly in 0..<ny {
                            let sy = (ly - ky + ny) % ny
                            for lx in 0..<nx {
                                let sx = lx >= kx ? lx - kx : lx - kx + nx
                                let s = sy * nx + sx, l = ly * nx + lx
                                rre[l] -= cre * wre[s] - cim * wim[s]
                                rim[l] -= cre * wim[s] + cim * wre[s]
                            }
                        }
                    }
                }
            }
        }
    }

    /// 1 at DC falling to 0 at the highest frequency, squared: smooth models are preferred
    /// (a linear fall-off or none lost 0.1 and 0.2 dB on the bench's strokes).
    private func frequencyFavour(_ nx: Int, _ ny: Int) -> [Float] {
        var out = [Float](repeating: 0, count: nx * ny)
        for ky in 0..<ny {
            for kx in 0..<nx {
                let fx = Float(Swift.min(kx, nx - kx)) / Float(Swift.max(1, nx / 2))
                let fy = Float(Swift.min(ky, ny - ky)) / Float(Swift.max(1, ny / 2))
                let t = Swift.max(0, 1 - (fx * fx + fy * fy).squareRoot() / Float(2).squareRoot())
                out[ky * nx + kx] = t * t
            }
        }
        return out
    }
}

/// Real and imaginary parts of a window's spectrum, row-major.
struct Spectrum {
    var re: [Float]
    var im: [Float]

    init(count: Int) {
        re = [Float](repeating: 0, count: count)
        im = re
    }
}

/// Direct separable DFT of a small window (32x32 at most, any size).
struct WindowTransform {
    let nx: Int
    let ny: Int
    private let cosX: [Float], sinX: [Float], cosY: [Float], sinY: [Float]

    init(nx: Int, ny: Int) {
        self.nx = nx; self.ny = ny
        func table(_ n: Int, _ f: (Double) -> Double) -> [Float] {
            (0..<(n * n)).map { i in Float(f(2 * Double.pi * Double((i / n) * (i % n) % n) / Double(n))) }
        }
        cosX = table(nx, cos); sinX = table(nx, sin); cosY = table(ny, cos); sinY = table(ny, sin)
    }

    /// X[k] = sum over x of v[x] e^(-2 pi i k.x / N).
    func forward(_ values: [Float]) -> Spectrum {
        var rows = Spectrum(count: nx * ny)
        for y in 0..<ny {
            for k in 0..<nx {
                var re: Float = 0, im: Float = 0
                for x in 0..<nx {
                    let v = values[y * nx + x]
                    re += v * cosX[k * nx + x]
                    im -= v * sinX[k * nx + x]
                }
                rows.re[y * nx + k] = re; rows.im[y * nx + k] = im
            }
        }
        var out = Spectrum(count: nx * ny)
        for k in 0..<ny {
            for y in 0..<ny {
                let c = cosY[k * ny + y], s = sinY[k * ny + y]
                for kx in 0..<nx {
                    let a = rows.re[y * nx + kx], b = rows.im[y * nx + kx]
                    out.re[k * nx + kx] += a * c + b * s
                    out.im[k * nx + kx] += b * c - a * s
                }
            }
        }
        return out
    }

    /// Real part of sum over k of X[k] e^(+2 pi i k.x / N); no 1/N, the model's
    /// coefficients being amplitudes.
    func inverseReal(_ spectrum: Spectrum) -> [Float] {
        var cols = Spectrum(count: nx * ny)
        for k in 0..<ny {
            for kx in 0..<nx where spectrum.re[k * nx + kx] != 0 || spectrum.im[k * nx + kx] != 0 {
                let a = spectrum.re[k * nx + kx], b = spectrum.im[k * nx + kx]
                for y in 0..<ny {
                    let c = cosY[k * ny + y], s = sinY[k * ny + y]
                    cols.re[y * nx + kx] += a * c - b * s
                    cols.im[y * nx + kx] += a * s + b * c
                }
            }
        }
        var out = [Float](repeating: 0, count: nx * ny)
        for y in 0..<ny {
            for x in 0..<nx {
                var v: Float = 0
                for k in 0..<nx {
                    v += cols.re[y * nx + k] * cosX[k * nx + x] - cols.im[y * nx + k] * sinX[k * nx + x]
                }
                out[y * nx + x] = v
            }
        }
        return out
    }
}
