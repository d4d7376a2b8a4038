/// The nearest-neighbour field of PatchMatch (Barnes et al. 2009): for every target patch,
/// the centre of the most similar source patch found so far and their distance (sum of
/// squared colour differences). Improved by propagation (a neighbour's match, shifted, is
/// often good here too) and random search at exponentially shrinking radii.
struct PatchField {
    var source: [Int32]
    var cost: [Float]

    /// Every target gets a random valid source.
    init(randomFor level: PatchLevel, rng: inout SeededRandom) {
        source = level.targets.map { _ in level.sources[rng.below(level.sources.count)] }
        cost = [Float](repeating: .infinity, count: level.targets.count)
    }

    /// Doubles a coarse field: each fine target inherits its parent's match, scaled, and
    /// falls back to a random source where the scaled match is not valid.
    init(upsampling coarse: PatchField, from c: PatchLevel, to f: PatchLevel, rng: inout SeededRandom) {
        source = f.targets.map { t -> Int32 in
            let x = Int(t) % f.stride - f.pad, y = Int(t) / f.stride - f.pad
            let ct = (y / 2 + c.pad) * c.stride + x / 2 + c.pad
            let ck = c.targetIndex[ct]
            if ck >= 0 {
                let cs = Int(coarse.source[Int(ck)])
                let sx = 2 * (cs % c.stride - c.pad) + x % 2 + f.pad
                let sy = 2 * (cs / c.stride - c.pad) + y % 2 + f.pad
                if sx >= 0, sy >= 0, sx < f.stride, sy < f.rows, f.isSource[sy * f.stride + sx] {
                    return Int32(sy * f.stride + sx)
                }
            }
            return f.sources[rng.below(f.sources.count)]
        }
        cost = [Float](repeating: .infinity, count: f.targets.count)
    }

    /// Recomputes every distance against the level's current colours.
    mutating func rescore(_ level: PatchLevel) {
        let metric = PatchMetric(level)
        level.color.withUnsafeBufferPointer { img in
            for k in 0..<level.targets.count {
                cost[k] = metric.distance(img.baseAddress!, Int(level.targets[k]), Int(source[k]), .infinity)
            }
        }
    }

    /// `iterations` alternating-direction PatchMatch sweeps.
    mutating func improve(_ level: PatchLevel, iterations: Int, rng: inout SeededRandom) {
        let metric = PatchMetric(level)
        let stride = level.stride, rows = level.rows, n = level.targets.count
        let maxRadius = Swift.max(stride, rows)
        level.color.withUnsafeBufferPointer { imgBuffer in
            level.isSource.withUnsafeBufferPointer { isSource in
                level.targetIndex.withUnsafeBufferPointer { targetIndex in
                    level.targets.withUnsafeBufferPointer { targets in
                        source.withUnsafeMutableBufferPointer { source in
                            cost.withUnsafeMutableBufferPointer { cost in
                                let img = imgBuffer.baseAddress!
                                for iteration in 0..<iterations {
                                    let forward = iteration % 2 == 0
                                    let step = forward ? 1 : -1
                                    var k = forward ? 0 : n - 1
                                    while k >= 0 && k < n {
                                        let t = Int(targets[k])
                                        var best = Int(source[k]), bestCost = cost[k]
                                        @inline(__always) func consider(_ candidate: Int) {
                                            guard candidate != best, isSource[candidate] else { return }
                                            let d = metric.distance(img, t, candidate, bestCost)
                                            if d < bestCost { best = candidate; bestCost = d }
                                        }
                                        let horizontal = Int(targetIndex[t - step])
                                        if horizontal >= 0 { consider(Int(source[horizontal]) + step) }
                                        let vertical = Int(targetIndex[t - step * stride])
                                        if vertical >= 0 { consider(Int(source[vertical]) + step * stride) }
                                        var radius = maxRadius
                                        while radius >= 1 {
                                            let bx = best % stride, by = best / stride
                                            let x = Swift.min(stride - 1, Swift.max(0, bx + rng.below(2 * radius + 1) - radius))
                                            let y = Swift.min(rows - 1, Swift.max(0, by + rng.below(2 * radius + 1) - radius))
                                            consider(y * stride + x)
                                            radius /= 2
                                        }
                                        source[k] = Int32(best); cost[k] = bestCost
                                        k += step
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Sum of squared differences between two patches of a padded level, stopping early once
/// it exceeds the best distance so far. Each patch row is read as whole SIMD vectors; lanes
/// past the row's end are masked out.
struct PatchMetric {
    static let width = 8
    typealias Vector = SIMD8<Float>

    let channels: Int
    let corner: Int
    let rowStep: Int
    let size: Int
    let chunks: Int
    let tailMask: Vector

    init(_ level: PatchLevel) {
        channels = level.colorChannels
        size = 2 * level.pad + 1
        corner = (level.pad * level.stride + level.pad) * channels
        rowStep = level.stride * channels
        let span = size * channels
        chunks = (span + Self.width - 1) / Self.width
        let valid = span - (chunks - 1) * Self.width
        tailMask = Vector((0..<Self.width).map { $0 < valid ? 1 : 0 })
    }

    @inline(__always)
    func distance(_ img: UnsafePointer<Float>, _ a: Int, _ b: Int, _ limit: Float) -> Float {
        var pa = UnsafeRawPointer(img + (a * channels - corner))
        var pb = UnsafeRawPointer(img + (b * channels - corner))
        let step = rowStep * MemoryLayout<Float>.stride, last = chunks - 1
        var sum: Float = 0
        for _ in 0..<size {
            var acc = Vector()
            for k in 0..<last {
                let offset = k * Self.width * MemoryLayout<Float>.stride
                let d = pa.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                    - pb.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                acc += d * d
            }
            let offset = last * Self.width * MemoryLayout<Float>.stride
            let d = (pa.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                - pb.loadUnaligned(fromByteOffset: offset, as: Vector.self)) * tailMask
            acc += d * d
            sum += acc.sum()
            if sum >= limit { return sum }
            pa += step; pb += step
        }
        return sum
    }
}
