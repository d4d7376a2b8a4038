import RetouchCore

/// Exemplar-based fill: multi-scale PatchMatch with Wexler-style EM from coarse to fine,
/// each level finished by a gradient-domain seam correction. Sources are patches of the canvas that are wholly
/// known (and inside `sourceRegions` when given).
struct PatchFill {
    var patchRadius = 3
    /// Canvas coordinates; empty means the whole canvas.
    var sourceRegions: [Rect] = []
    var seed: UInt64 = 0

    enum Outcome: Equatable {
        /// `matchError`: root mean square sample difference of the finest level's matches, how
        /// well copied exemplars explain the hole's surroundings (0 for an exact repeat).
        case filled(matchError: Float)
        case noSource
    }

    func run(_ canvas: inout FillCanvas, context: OperationContext) throws -> Outcome {
        guard canvas.fillCount > 0 else { return .filled(matchError: 0) }
        let pyramid = buildPyramid(PatchImage(canvas: canvas))
        guard !pyramid.isEmpty else { return .noSource }
        var rng = SeededRandom(seed: seed, stream: UInt64(canvas.width * 7919 + canvas.height))
        var coarser: (level: PatchLevel, field: PatchField)?
        var result = pyramid[0]
        var matchError: Float = 0
        for depth in (0..<pyramid.count).reversed() {
            try context.checkCancelled()
            var image = pyramid[depth]
            if let coarser { upsampleColours(from: coarser.level, into: &image) } else { seedCoarsest(&image) }
            var level = PatchLevel(image, pad: patchRadius, sourceRegions: scaled(sourceRegions, depth))
            var field = coarser.map { PatchField(upsampling: $0.field, from: $0.level, to: level, rng: &rng) }
                ?? PatchField(randomFor: level, rng: &rng)
            let schedule = Self.schedule(depth: depth, levels: pyramid.count)
            for _ in 0..<schedule.em {
                try context.checkCancelled()
                field.rescore(level)
                field.improve(level, iterations: schedule.search, rng: &rng)
                let change = PatchVote(level, field).apply(to: &level)
                if change < 0.2 { break }
            }
            // Correcting every level's seam keeps colour offsets from being passed down and
            // copied into finer levels.
            field.rescore(level)
            SeamCorrection().apply(to: &level, field: field)
            if depth == 0 {
                level.store(into: &result)
                matchError = Self.rootMeanSquare(field.cost, samplesPerPatch: (2 * patchRadius + 1) * (2 * patchRadius + 1) * canvas.colorChannels)
            }
            coarser = (level, field)
        }
        write(result, into: &canvas)
        return .filled(matchError: matchError)
    }

    private static func rootMeanSquare(_ costs: [Float], samplesPerPatch: Int) -> Float {
        let finite = costs.filter(\.isFinite)
        guard !finite.isEmpty else { return .infinity }
        return (finite.reduce(0, +) / Float(finite.count * samplesPerPatch)).squareRoot()
    }

    /// EM iterations and PatchMatch sweeps per iteration: many at coarse levels, where
    /// structure is decided cheaply, few at the finest, which only refines detail.
    private static func schedule(depth: Int, levels: Int) -> (em: Int, search: Int) {
        if depth == 0 { return (2, 2) }
        if depth == levels - 1 { return (8, 4) }
        return (4, 3)
    }

    /// Halves the canvas until the hole is about a patch wide, stopping earlier if a level
    /// would be too small or would lose its source patches. Empty when even the full
    /// resolution has no source patch.
    private func buildPyramid(_ base: PatchImage) -> [PatchImage] {
        let size = 2 * patchRadius + 1
        guard sourceCount(base, depth: 0) > 0 else { return [] }
        var levels = [base]
        while let last = levels.last, last.inscribedRadius > Float(patchRadius) {
            let next = last.downsampled()
            guard Swift.min(next.width, next.height) >= 3 * size,
                  sourceCount(next, depth: levels.count) >= 64 else { break }
            levels.append(next)
        }
        return levels
    }

    private func sourceCount(_ image: PatchImage, depth: Int) -> Int {
        PatchLevel.sources(image, pad: patchRadius, sourceRegions: scaled(sourceRegions, depth)).1.count
    }

    private func scaled(_ regions: [Rect], _ depth: Int) -> [Rect] {
        regions.map { r in
            let x0 = r.x >> depth, y0 = r.y >> depth
            let x1 = (r.maxX + (1 << depth) - 1) >> depth, y1 = (r.maxY + (1 << depth) - 1) >> depth
            return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        }
    }

    /// The coarsest level starts from the membrane fill: smooth, but already the right colours.
    private func seedCoarsest(_ image: inout PatchImage) {
        var canvas = image.canvas
        HarmonicFill().run(&canvas)
        image = PatchImage(canvas: canvas)
    }

    /// Finer levels start from the coarser result, bilinearly enlarged.
    private func upsampleColours(from coarse: PatchLevel, into image: inout PatchImage) {
        let cc = image.colorChannels
        for y in 0..<image.height {
            for x in 0..<image.width where image.state[y * image.width + x] == .fill {
                let fx = (Float(x) + 0.5) / 2 - 0.5, fy = (Float(y) + 0.5) / 2 - 0.5
                let x0 = Int(fx.rounded(.down)), y0 = Int(fy.rounded(.down))
                let ax = fx - Float(x0), ay = fy - Float(y0)
                let q = y * image.width + x
                func at(_ cx: Int, _ cy: Int) -> Int {
                    let px = Swift.min(coarse.stride - 1, Swift.max(0, cx + coarse.pad))
                    let py = Swift.min(coarse.rows - 1, Swift.max(0, cy + coarse.pad))
                    return py * coarse.stride + px
                }
                let i00 = at(x0, y0), i10 = at(x0 + 1, y0), i01 = at(x0, y0 + 1), i11 = at(x0 + 1, y0 + 1)
                func mix(_ v: [Float], _ n: Int, _ c: Int) -> Float {
                    let top = v[i00 * n + c] * (1 - ax) + v[i10 * n + c] * ax
                    let bottom = v[i01 * n + c] * (1 - ax) + v[i11 * n + c] * ax
                    return top * (1 - ay) + bottom * ay
                }
                for c in 0..<cc { image.color[q * cc + c] = mix(coarse.color, cc, c) }
                if let a = coarse.alpha { image.alpha?[q] = mix(a, 1, 0) }
            }
        }
    }

    private func write(_ image: PatchImage, into canvas: inout FillCanvas) {
        let lanes = image.colorChannels, cc = canvas.colorChannels, ch = canvas.channels
        for p in 0..<canvas.pixelCount where canvas.state[p] == .fill {
            for c in 0..<cc { canvas.samples[p * ch + c] = image.color[p * lanes + c] }
            if let a = image.alpha { canvas.samples[p * ch + cc] = a[p] }
        }
    }
}

extension PatchImage {
    /// The same pixels as a canvas (colour then alpha, interleaved).
    var canvas: FillCanvas {
        let cc = colorChannels, ch = alpha == nil ? cc : cc + 1, n = width * height
        var samples = [Float](repeating: 0, count: n * ch)
        for p in 0..<n {
            for c in 0..<cc { samples[p * ch + c] = color[p * cc + c] }
            if let a = alpha { samples[p * ch + cc] = a[p] }
        }
        return FillCanvas(width: width, height: height, channels: ch, colorChannels: cc, samples: samples, state: state)
    }
}
