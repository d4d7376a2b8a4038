import RetouchCore

/// How `auto` picks a method for one region: fast marching for thin strokes (no patch fits,
/// and it is the cheapest), the membrane fill where the surroundings are smooth (it continues
/// flat colour and ramps exactly), and elsewhere a weighted mean of the exemplar, membrane
/// and spectral fills (`BlendedFill`).
enum AutoChoice {
    /// Regions no wider than this (radius of the largest inscribed disc) are strokes.
    static let thinRadius: Float = 3
    /// Surroundings whose mean luma Laplacian (levels) is below this are smooth: flat or
    /// gently shaded, which diffusion continues exactly.
    static let smoothTexture: Float = 1
    /// Width of the ring of known pixels that describes the surroundings.
    static let ring = 8

    static func choose(_ region: RegionView) -> FillMethod {
        let stats = RegionStats(region, ring: ring)
        if stats.inscribedRadius <= thinRadius { return .diffuse }
        if stats.ringTexture < smoothTexture { return .harmonic }
        return .blended
    }
}

/// Shape and surroundings of one region, measured on a crop around it.
struct RegionStats {
    /// Radius of the widest disc inside the region.
    var inscribedRadius: Float = 0
    /// Mean absolute luma Laplacian over the known ring around the region: 0 on flat colour
    /// and linear ramps, large on texture.
    var ringTexture: Float = 0

    init(_ region: RegionView, ring: Int) {
        let image = region.image, labels = region.labels, label = Int32(region.component.label)
        let box = region.component.boundingBox
        let rect = Rect(x: box.x - ring - 1, y: box.y - ring - 1, width: box.width + 2 * ring + 2,
                        height: box.height + 2 * ring + 2).intersection(Rect(size: image.size))
        var mine = [Bool](), hole = [Bool](), luma = [Float]()
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX {
                let l = labels.labels[y * labels.width + x]
                mine.append(l == label)
                hole.append(l != 0)
                let s = image.index(x, y)
                luma.append(image.colorChannels >= 3
                    ? 0.299 * Float(image.samples[s]) + 0.587 * Float(image.samples[s + 1]) + 0.114 * Float(image.samples[s + 2])
                    : Float(image.samples[s]))
            }
        }
        let mask = Mask(unchecked: rect.width, rect.height, mine)
        let inside = mask.squaredDistance(toHole: false), outside = mask.squaredDistance()
        var deepest = 0, texture: Float = 0, count: Float = 0
        let w = rect.width, limit = ring * ring
        for y in 0..<rect.height {
            for x in 0..<w {
                let q = y * w + x
                if mine[q] { deepest = Swift.max(deepest, inside[q]); continue }
                guard outside[q] <= limit, x > 0, y > 0, x + 1 < w, y + 1 < rect.height,
                      !hole[q], !hole[q - 1], !hole[q + 1], !hole[q - w], !hole[q + w] else { continue }
                texture += abs(4 * luma[q] - luma[q - 1] - luma[q + 1] - luma[q - w] - luma[q + w]) / 4
                count += 1
            }
        }
        inscribedRadius = Float(deepest).squareRoot()
        ringTexture = count > 0 ? texture / count : 0
    }
}
