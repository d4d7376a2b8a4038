import RetouchCore

/// How `auto` picks a method for one region: diffusion where exemplars cannot help (the
/// region is too thin for a patch to matter, or its surroundings are flat), patches where
/// texture has to be rebuilt.
enum AutoChoice {
    /// Regions no wider than this (radius of the largest inscribed disc) are strokes.
    static let thinRadius: Float = 3
    /// Surroundings whose luma varies less than this (standard deviation, 0...255) are flat.
    static let flatDeviation: Float = 4
    /// Width of the ring of known pixels that describes the surroundings.
    static let ring = 8

    static func choose(_ region: RegionView) -> FillMethod {
        let stats = RegionStats(region, ring: ring)
        if stats.inscribedRadius <= thinRadius || stats.ringDeviation < flatDeviation { return .diffuse }
        return .patch
    }
}

/// Shape and surroundings of one region, measured on a crop around it.
struct RegionStats {
    var inscribedRadius: Float = 0
    var ringDeviation: Float = 0

    init(_ region: RegionView, ring: Int) {
        let image = region.image, labels = region.labels, label = Int32(region.component.label)
        let rect = Rect(x: region.component.boundingBox.x - ring - 1, y: region.component.boundingBox.y - ring - 1,
                        width: region.component.boundingBox.width + 2 * ring + 2,
                        height: region.component.boundingBox.height + 2 * ring + 2).intersection(Rect(size: image.size))
        var mine = [Bool](), otherHole = [Bool]()
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX {
                let l = labels.labels[y * labels.width + x]
                mine.append(l == label)
                otherHole.append(l != 0 && l != label)
            }
        }
        let mask = Mask(unchecked: rect.width, rect.height, mine)
        let inside = mask.squaredDistance(toHole: false), outside = mask.squaredDistance()
        var deepest = 0
        var sum: Double = 0, sumSq: Double = 0, count: Double = 0
        let limit = ring * ring, cc = image.colorChannels
        for y in 0..<rect.height {
            for x in 0..<rect.width {
                let q = y * rect.width + x
                if mine[q] { deepest = Swift.max(deepest, inside[q]); continue }
                guard !otherHole[q], outside[q] <= limit else { continue }
                let s = image.index(rect.x + x, rect.y + y)
                let luma = cc >= 3
                    ? 0.299 * Double(image.samples[s]) + 0.587 * Double(image.samples[s + 1]) + 0.114 * Double(image.samples[s + 2])
                    : Double(image.samples[s])
                sum += luma; sumSq += luma * luma; count += 1
            }
        }
        inscribedRadius = Float(deepest).squareRoot()
        if count > 1 {
            let mean = sum / count
            ringDeviation = Float(Swift.max(0, sumSq / count - mean * mean).squareRoot())
        }
    }
}
