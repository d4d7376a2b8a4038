import Foundation
import RetouchCore

/// Cheap per-image evidence for "someone put text on this photo", read from the detector's
/// regions, the stroke masks and the probability map. Everything is scale-free (fractions of
/// the image, colours over 255) so photos of any size compare.
///
/// Overlays differ from text that is part of the scene in layout and rendering: they sit near
/// edges and corners, run exactly horizontal (or diagonally, for watermarks), come in stacked
/// left-aligned lines, are printed in one flat colour with strong contrast, or on a solid plate.
public struct OverlayFeatures: Sendable, Equatable {
    public static let names = [
        "region_count", "area_fraction", "max_score", "mean_score", "mask_coverage", "edge_proximity",
        "horizontal", "diagonal", "contrast", "uniformity", "plate", "aligned_lines", "text_height",
        "map_activity", "ink_density", "line_aspect", "border_touch", "text_purity",
    ]

    /// One value per name in `names`.
    public var values: [Double]

    public init(values: [Double]) { self.values = values }

    public init(detection: TextDetection, mask: TextMask) {
        let size = detection.imageSize
        let shortSide = Double(max(1, min(size.width, size.height)))
        let imageArea = Double(max(1, size.pixelCount))
        let regions = detection.regions
        let strokes = mask.regions.count == regions.count ? mask.regions : regions.map { RegionStrokes(area: $0.polygon) }
        let layouts = zip(regions, strokes).map { RegionLayout($0, textBounds: $1.textBounds, imageSize: size) }

        var v = [Double](repeating: 0, count: Self.names.count)
        v[0] = log1p(Double(regions.count))
        v[1] = min(1, regions.reduce(0) { $0 + $1.area } / imageArea).squareRoot()
        v[2] = Double(regions.map(\.score).max() ?? 0)
        v[3] = regions.isEmpty ? 0 : Double(regions.reduce(Float(0)) { $0 + $1.score }) / Double(regions.count)
        v[4] = mask.coverage.squareRoot()
        // Overlays keep a margin; regions cut by the frame are usually scene texture or objects.
        v[5] = zip(regions, layouts).filter { $1.edgeDistance >= 1 }
            .map { Double($0.score) * exp(-$1.edgeDistance / shortSide / 0.05) }.max() ?? 0
        v[6] = layouts.map { max(0, min(1, (4 - $0.angleDegrees) / 3)) }.max() ?? 0
        // Watermarks run diagonally, often repeated: count the slanted lines.
        v[7] = log1p(Double(layouts.filter { $0.angleDegrees >= 12 && $0.angleDegrees <= 60 }.count))
        let contrasts = strokes.map { s -> Double in
            s.textPixels > 0 ? Double(CaptionPlate.distance(s.textColour, s.backgroundColour)) / 255 : 0
        }
        v[8] = contrasts.max() ?? 0
        v[9] = zip(strokes, contrasts).map { s, c in
            s.textPixels > 0 ? c / (c + Double(s.textSpread) / 255 + 0.02) : 0
        }.max() ?? 0
        v[10] = strokes.contains(where: \.isPlate) ? 1 : 0
        v[11] = log1p(Double(alignedLinePairs(layouts)))
        v[12] = median(layouts.map(\.across)) / shortSide
        v[13] = (Double(detection.map.values.reduce(0) { $0 + ($1 > 0.3 ? 1 : 0) }) / Double(max(1, detection.map.values.count))).squareRoot()
        let densities = strokes.filter { $0.regionPixels > 0 && !$0.isPlate }.map { Double($0.textPixels) / Double($0.regionPixels) }
        v[14] = densities.isEmpty ? 0 : densities.reduce(0, +) / Double(densities.count)
        v[15] = zip(regions, layouts).map { region, layout in
            Double(region.score) * min(1, log(max(1, layout.along / max(1, layout.across))) / log(8))
        }.max() ?? 0
        v[16] = layouts.isEmpty ? 0 : Double(layouts.filter { $0.edgeDistance < 1 }.count) / Double(layouts.count)
        // Printed overlays use saturated or extreme colours (white, black, yellow, orange, red).
        v[17] = strokes.filter { $0.textPixels > 0 }.map { s -> Double in
            Double(max(s.textColour.max(), 255 - s.textColour.min())) / 255
        }.max() ?? 0
        values = v
    }

    /// As a JSON-friendly dictionary.
    public var named: [String: Double] { Dictionary(uniqueKeysWithValues: zip(Self.names, values)) }
}

/// Where a region sits and how it runs.
struct RegionLayout {
    var left, top, right, bottom: Double
    var along: Double
    var across: Double
    var angleDegrees: Double
    /// Distance from the text pixels (or, without them, the region) to the nearest image edge.
    /// The strokes rather than the box: unclipping pushes boxes of corner stamps into the frame.
    var edgeDistance: Double

    init(_ region: TextRegion, textBounds: Rect? = nil, imageSize: Size) {
        let xs = region.polygon.map(\.x), ys = region.polygon.map(\.y)
        left = xs.min() ?? 0; right = xs.max() ?? 0; top = ys.min() ?? 0; bottom = ys.max() ?? 0
        (along, across) = region.sideLengths
        if region.polygon.count == 4 {
            let d = region.polygon[1] - region.polygon[0]
            angleDegrees = abs(atan2(d.y, d.x)) * 180 / .pi
        } else {
            angleDegrees = 0
        }
        if let t = textBounds {
            edgeDistance = Double(max(0, min(t.x, t.y, imageSize.width - t.maxX, imageSize.height - t.maxY)))
        } else {
            edgeDistance = max(0, min(left, top, Double(imageSize.width) - right, Double(imageSize.height) - bottom))
        }
    }
}

/// Pairs of lines stacked like a block of typed text: similar heights, left edges aligned,
/// the second starting within about a line below the first.
func alignedLinePairs(_ layouts: [RegionLayout]) -> Int {
    var pairs = 0
    for i in layouts.indices {
        for j in layouts.indices where j != i {
            let a = layouts[i], b = layouts[j]
            let height = max(1, min(a.across, b.across))
            guard max(a.across, b.across) / height < 1.4 else { continue }
            let gap = b.top - a.bottom
            if gap >= -0.3 * height && gap < 1.2 * height && abs(a.left - b.left) < 0.6 * height { pairs += 1 }
        }
    }
    return pairs
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
