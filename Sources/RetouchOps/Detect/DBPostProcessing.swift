import RetouchCore

/// Turns a DB (differentiable binarisation) probability map into text regions: threshold,
/// 8-connected regions, minimum-area rotated box per region, mean-probability score,
/// "unclip" (the network predicts shrunk text kernels, so boxes are grown back), and mapping
/// from map pixels to image pixels with separate x and y scales.
public struct DBPostProcessing: Sendable, Equatable {
    /// Map values above this are text.
    public var threshold: Float = 0.3
    /// Boxes whose mean probability is lower are dropped.
    public var minScore: Float = 0.5
    /// Growth distance = box area * ratio / box perimeter (the inverse of DB's training shrink).
    public var unclipRatio: Double = 1.6
    /// Boxes with a shorter side (in map pixels, before unclipping) are noise.
    public var minSide: Double = 3
    /// Boxes whose shorter side exceeds this fraction of the map's shorter side are dropped: no
    /// line of text is that tall, but the network does light up large textured areas (foliage,
    /// blinds, fruit) as one block.
    public var maxLineHeightFraction: Double = 0.3
    /// Only the largest this many regions are considered, so a noisy map cannot stall the caller.
    public var maxCandidates: Int = 1000
    /// Grow the binary map by one pixel first, joining characters split by a weak pixel.
    public var dilate: Bool = true

    public init() {}

    public func regions(in map: ProbabilityMap, imageSize: Size) throws -> [TextRegion] {
        guard imageSize.width > 0, imageSize.height > 0 else {
            throw RetouchError(.invalidArgument, "image size must be positive, got \(imageSize)")
        }
        guard threshold >= 0, threshold < 1, unclipRatio >= 0, minScore >= 0, minScore <= 1 else {
            throw RetouchError(.invalidArgument,
                               "DB post-processing needs threshold in [0, 1), min score in [0, 1] and a non-negative unclip ratio")
        }
        var binary = map.binarised(threshold: threshold)
        if dilate { binary = dilatedTowardsBottomRight(binary, width: map.width, height: map.height) }
        var candidates = connectedRegions(binary, width: map.width, height: map.height)
        if candidates.count > maxCandidates {
            candidates = Array(candidates.sorted { $0.pixelCount > $1.pixelCount }.prefix(maxCandidates))
        }
        let scale = SIMD2(Double(imageSize.width) / Double(map.width), Double(imageSize.height) / Double(map.height))
        var found = [TextRegion]()
        for candidate in candidates {
            guard let region = box(for: candidate, in: map, scale: scale, imageSize: imageSize) else { continue }
            found.append(region)
        }
        return found.sorted(by: readingOrder)
    }

    private func box(for candidate: ConnectedRegion, in map: ProbabilityMap, scale: SIMD2<Double>,
                     imageSize: Size) -> TextRegion? {
        var outline = candidate.outlinePoints
        // The 2x2 dilation grew the region by one pixel right and down; centre it again.
        if dilate { outline = outline.map { $0 - SIMD2(0.5, 0.5) } }
        guard let rect = RotatedRect.minimumArea(enclosing: convexHull(outline)) else { return nil }
        // Size and score are judged on the undilated extent: the halo holds sub-threshold pixels.
        let core = rect.outset(by: dilate ? -0.5 : 0)
        guard min(core.width, core.height) >= minSide,
              min(core.width, core.height) <= maxLineHeightFraction * Double(min(map.width, map.height)) else { return nil }
        let score = meanProbability(inside: core.corners, of: map)
        guard score >= minScore else { return nil }
        let grown = rect.outset(by: rect.area * unclipRatio / rect.perimeter)
        guard min(grown.width, grown.height) >= minSide + 2 else { return nil }
        let limit = SIMD2(Double(imageSize.width), Double(imageSize.height))
        let corners = grown.corners.map { pointwiseMin(pointwiseMax($0 * scale, SIMD2(0, 0)), limit) }
        return TextRegion(polygon: corners, score: score)
    }

    private func meanProbability(inside polygon: [SIMD2<Double>], of map: ProbabilityMap) -> Float {
        var sum: Float = 0
        var count = 0
        Polygon.forEachPixel(in: polygon, width: map.width, height: map.height) { x, y in
            sum += map[x, y]
            count += 1
        }
        return count > 0 ? sum / Float(count) : 0
    }
}

/// A pixel is set when it or its left, upper or upper-left neighbour is (a 2x2 dilation).
func dilatedTowardsBottomRight(_ binary: [UInt8], width: Int, height: Int) -> [UInt8] {
    var out = binary
    for y in 0..<height {
        for x in 0..<width where out[y * width + x] == 0 {
            let left = x > 0 && binary[y * width + x - 1] != 0
            let up = y > 0 && binary[(y - 1) * width + x] != 0
            let diagonal = x > 0 && y > 0 && binary[(y - 1) * width + x - 1] != 0
            if left || up || diagonal { out[y * width + x] = 1 }
        }
    }
    return out
}

/// Top to bottom by line, then left to right; boxes whose tops are within half a line share one.
func readingOrder(_ a: TextRegion, _ b: TextRegion) -> Bool {
    let ay = a.polygon.map(\.y).min() ?? 0, by = b.polygon.map(\.y).min() ?? 0
    let ax = a.polygon.map(\.x).min() ?? 0, bx = b.polygon.map(\.x).min() ?? 0
    let lineTolerance = min(a.sideLengths.across, b.sideLengths.across) / 2
    if abs(ay - by) > lineTolerance { return ay < by }
    return ax < bx
}
