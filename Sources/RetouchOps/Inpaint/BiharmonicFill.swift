import RetouchCore

/// The thin-plate (biharmonic) fill: the surface of least bending that meets the hole's
/// edge, i.e. the solution of the biharmonic equation with the known pixels (two rings of
/// them) as boundary values. Unlike the membrane it carries the edge's slopes into the hole,
/// so it errs differently, which is what `BlendedFill` wants of its members.
///
/// Gauss-Seidel alone barely moves the smooth part of a biharmonic error (a 100-pixel hole
/// needs tens of thousands of sweeps), so the solver runs multigrid V-cycles: a few sweeps,
/// then the residual's correction solved on a grid half the size, recursively. Pixels whose
/// 13-point stencil leaves the canvas or meets a blocked pixel take the membrane update.
struct BiharmonicFill {
    var cycles = 40
    var sweeps = 3
    /// Stop cycling once no sample moves by more than this in a cycle.
    var tolerance: Float = 0.05

    /// Turns a membrane fill (the start: close in the smooth part, which multigrid is slow to
    /// settle from scratch) into the thin plate.
    func refine(_ canvas: inout FillCanvas) {
        guard canvas.fillCount > 0, canvas.hasKnown else { return }
        let w = canvas.width, h = canvas.height, ch = canvas.channels
        let grid = StencilGrid(w, h) { canvas.state[$0] }
        for c in 0..<ch {
            var u = (0..<canvas.pixelCount).map { canvas.samples[$0 * ch + c] }
            let rhs = [Float](repeating: 0, count: u.count)
            for _ in 0..<cycles {
                let before = u
                vcycle(&u, rhs, grid)
                var moved: Float = 0
                for p in grid.full { moved = Swift.max(moved, abs(u[p] - before[p])) }
                if moved < tolerance { break }
            }
            for p in 0..<canvas.pixelCount where canvas.state[p] == .fill { canvas.samples[p * ch + c] = u[p] }
        }
    }

    private func vcycle(_ u: inout [Float], _ rhs: [Float], _ grid: StencilGrid) {
        guard let coarse = grid.coarser() else {
            smooth(&u, rhs, grid, sweeps: 60)
            return
        }
        smooth(&u, rhs, grid, sweeps: sweeps)
        // The coarse grid's operator is 16 times the fine one's (spacing doubled, 4th order).
        var coarseRHS = [Float](repeating: 0, count: coarse.w * coarse.h)
        var counts = [Float](repeating: 0, count: coarseRHS.count)
        let r = residual(u, rhs, grid)
        for p in grid.full {
            let q = (p / grid.w / 2) * coarse.w + (p % grid.w) / 2
            coarseRHS[q] += r[p]; counts[q] += 1
        }
        for q in coarseRHS.indices where counts[q] > 0 { coarseRHS[q] = 16 * coarseRHS[q] / counts[q] }
        var correction = [Float](repeating: 0, count: coarseRHS.count)
        vcycle(&correction, coarseRHS, coarse)
        var step = [Float](repeating: 0, count: u.count)
        for p in grid.full { step[p] = coarse.interpolate(correction, fineX: p % grid.w, fineY: p / grid.w) }
        // The coarse operator only approximates the fine one near the edge, so the correction
        // is scaled to remove most error in the energy norm (never more than all of it).
        let applied = residual(step, [Float](repeating: 0, count: u.count), grid)
        var along: Float = 0, energy: Float = 0
        for p in grid.full { along += r[p] * step[p]; energy -= step[p] * applied[p] }
        if energy > 0 {
            let scale = Swift.max(0, Swift.min(1, along / energy))
            for p in grid.full { u[p] += scale * step[p] }
        }
        smooth(&u, rhs, grid, sweeps: sweeps)
    }

    private func smooth(_ u: inout [Float], _ rhs: [Float], _ grid: StencilGrid, sweeps: Int) {
        let w = grid.w
        u.withUnsafeMutableBufferPointer { v in
            for _ in 0..<sweeps {
                for i in grid.full {
                    let near = v[i - 1] + v[i + 1] + v[i - w] + v[i + w]
                    let diagonal = v[i - w - 1] + v[i - w + 1] + v[i + w - 1] + v[i + w + 1]
                    let far = v[i - 2] + v[i + 2] + v[i - 2 * w] + v[i + 2 * w]
                    v[i] = (rhs[i] + 8 * near - 2 * diagonal - far) / 20
                }
                for (i, neighbours) in grid.partial where !neighbours.isEmpty {
                    var sum: Float = 0
                    for n in neighbours { sum += v[n] }
                    v[i] = sum / Float(neighbours.count)
                }
            }
        }
    }

    private func residual(_ u: [Float], _ rhs: [Float], _ grid: StencilGrid) -> [Float] {
        let w = grid.w
        var r = [Float](repeating: 0, count: u.count)
        for i in grid.full {
            let near = u[i - 1] + u[i + 1] + u[i - w] + u[i + w]
            let diagonal = u[i - w - 1] + u[i - w + 1] + u[i + w - 1] + u[i + w + 1]
            let far = u[i - 2] + u[i + 2] + u[i - 2 * w] + u[i + 2 * w]
            r[i] = rhs[i] - (20 * u[i] - 8 * near + 2 * diagonal + far)
        }
        return r
    }
}

/// Which pixels of one multigrid level are unknowns: `full` ones take the biharmonic stencil,
/// `partial` ones (near the frame or a blocked pixel) the mean of their usable neighbours;
/// the rest are fixed.
struct StencilGrid {
    let w: Int, h: Int
    let unknown: [Bool]
    let full: [Int]
    let partial: [(Int, [Int])]

    init(_ w: Int, _ h: Int, state: (Int) -> FillCanvas.State) {
        self.init(w, h, unknown: (0..<(w * h)).map { state($0) == .fill },
                  blocked: (0..<(w * h)).map { state($0) == .blocked })
    }

    init(_ w: Int, _ h: Int, unknown: [Bool], blocked: [Bool]) {
        self.w = w; self.h = h; self.unknown = unknown
        var full = [Int](), partial = [(Int, [Int])]()
        for p in unknown.indices where unknown[p] {
            let x = p % w, y = p / w
            var inside = x >= 2 && y >= 2 && x + 2 < w && y + 2 < h
            if inside {
                for (dx, dy) in Self.stencil where blocked[(y + dy) * w + x + dx] { inside = false; break }
            }
            if inside {
                full.append(p)
            } else {
                var neighbours = [Int]()
                if x > 0 && !blocked[p - 1] { neighbours.append(p - 1) }
                if x + 1 < w && !blocked[p + 1] { neighbours.append(p + 1) }
                if y > 0 && !blocked[p - w] { neighbours.append(p - w) }
                if y + 1 < h && !blocked[p + w] { neighbours.append(p + w) }
                partial.append((p, neighbours))
            }
        }
        self.full = full; self.partial = partial
    }

    /// The grid of half the size for corrections (zero on fixed pixels), or nil when this one
    /// is the coarsest worth having.
    func coarser() -> StencilGrid? {
        guard w >= 10, h >= 10, full.count > 16 else { return nil }
        let cw = (w + 1) / 2, chh = (h + 1) / 2
        // A coarse pixel is unknown only when all its children are, so the coarse domain
        // lies inside the fine one (a coarse pixel straddling the edge overshoots).
        var isFull = [Bool](repeating: false, count: w * h)
        for p in full { isFull[p] = true }
        var unknownCoarse = [Bool](repeating: false, count: cw * chh)
        for cy in 0..<chh {
            for cx in 0..<cw where 2 * cx + 1 < w && 2 * cy + 1 < h {
                let p = 2 * cy * w + 2 * cx
                unknownCoarse[cy * cw + cx] = isFull[p] && isFull[p + 1] && isFull[p + w] && isFull[p + w + 1]
            }
        }
        return StencilGrid(cw, chh, unknown: unknownCoarse, blocked: [Bool](repeating: false, count: cw * chh))
    }

    /// Bilinear interpolation of a coarse grid's values at a pixel of the grid twice its size.
    func interpolate(_ values: [Float], fineX: Int, fineY: Int) -> Float {
        let fx = (Float(fineX) - 0.5) / 2, fy = (Float(fineY) - 0.5) / 2
        let x0 = Swift.max(0, Swift.min(w - 1, Int(fx.rounded(.down)))), y0 = Swift.max(0, Swift.min(h - 1, Int(fy.rounded(.down))))
        let x1 = Swift.min(w - 1, x0 + 1), y1 = Swift.min(h - 1, y0 + 1)
        let tx = Swift.max(0, Swift.min(1, fx - Float(x0))), ty = Swift.max(0, Swift.min(1, fy - Float(y0)))
        let top = values[y0 * w + x0] + tx * (values[y0 * w + x1] - values[y0 * w + x0])
        let bottom = values[y1 * w + x0] + tx * (values[y1 * w + x1] - values[y1 * w + x0])
        return top + ty * (bottom - top)
    }

    private static let stencil: [(Int, Int)] = [(-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, -1), (-1, 1), (1, 1),
                                                (-2, 0), (2, 0), (0, -2), (0, 2)]
}
