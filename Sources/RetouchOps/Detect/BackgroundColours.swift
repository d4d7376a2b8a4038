/// The colours of a region's surroundings, summarised by up to four k-means centres of the
/// ring pixels. Small clusters are dropped: they are usually strokes reaching into the ring.
struct BackgroundColours {
    private(set) var centres: [SIMD3<Float>] = []
    /// How far ring pixels typically lie from their centre (80th percentile): texture and noise.
    private(set) var noise: Float = 0

    static let maxCentres = 4
    static let minClusterShare: Float = 0.1

    init(_ colours: [SIMD3<Float>]) {
        guard !colours.isEmpty else { return }
        var centres = Self.spreadOutSeeds(colours)
        var assignment = [Int](repeating: 0, count: colours.count)
        for _ in 0..<6 {
            for (i, c) in colours.enumerated() { assignment[i] = Self.nearest(c, centres).index }
            var sums = [SIMD3<Float>](repeating: .zero, count: centres.count), counts = [Float](repeating: 0, count: centres.count)
            for (i, c) in colours.enumerated() { sums[assignment[i]] += c; counts[assignment[i]] += 1 }
            for k in centres.indices where counts[k] > 0 { centres[k] = sums[k] / counts[k] }
        }
        var counts = [Float](repeating: 0, count: centres.count)
        for a in assignment { counts[a] += 1 }
        let kept = centres.indices.filter { counts[$0] >= Self.minClusterShare * Float(colours.count) }
        self.centres = kept.isEmpty ? centres : kept.map { centres[$0] }
        noise = percentile(colours.map { distance($0) }, 0.8)
    }

    /// Distance from `colour` to the nearest background centre.
    func distance(_ colour: SIMD3<Float>) -> Float {
        centres.isEmpty ? .infinity : Self.nearest(colour, centres).distance
    }

    /// Farthest-point seeding: first the mean's nearest sample, then repeatedly the sample
    /// farthest from all chosen ones, so distinct colours each get a centre.
    private static func spreadOutSeeds(_ colours: [SIMD3<Float>]) -> [SIMD3<Float>] {
        let mean = colours.reduce(SIMD3<Float>.zero, +) / Float(colours.count)
        var seeds = [nearest(mean, colours).point]
        while seeds.count < maxCentres {
            var best = seeds[0], bestDistance: Float = 0
            for c in colours {
                let d = nearest(c, seeds).distance
                if d > bestDistance { bestDistance = d; best = c }
            }
            if bestDistance < 1 { break }
            seeds.append(best)
        }
        return seeds
    }

    private static func nearest(_ c: SIMD3<Float>, _ among: [SIMD3<Float>]) -> (index: Int, distance: Float, point: SIMD3<Float>) {
        var best = (index: 0, distance: Float.infinity, point: c)
        for (i, p) in among.enumerated() {
            let d = ((c - p) * (c - p)).sum().squareRoot()
            if d < best.distance { best = (i, d, p) }
        }
        return best
    }
}
