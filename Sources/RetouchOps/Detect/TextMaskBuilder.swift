import Foundation
import RetouchCore

/// Builds a stroke-level removal mask from detected text regions, so filling it keeps the
/// background between letters instead of repainting whole boxes.
///
/// Inside each region, every pixel's deviation from its local background is measured with
/// colour top-hats (how far it stands above an opening and below a closing whose window is
/// wider than a stroke), so light text, dark text, outlines and drop shadows all stand out,
/// and semi-transparent watermarks still differ from what lies around them. Pixels are text
/// when their deviation beats both an Otsu split of the region and the typical (80th
/// percentile) deviation in a thin band just outside the box, which DB's unclipped boxes leave
/// as background; weaker pixels connected to those strokes join them when they still beat the
/// band's texture (hysteresis), which takes anti-aliased rims, glow and faint watermark edges. (Thresholds from the band alone were tried: outlines, glow and neighbouring
/// lines reach into it, so they came out either noisy or far too strict.) A
/// region surrounded by one flat colour that ends in a rectangle nearby (or in three straight
/// edges, where the colour runs on into the photo) is a caption plate or price tag: the whole
/// plate goes. The result is dilated and clipped to the region (or plate) grown by the dilation.
public struct TextMaskBuilder: Sendable {
    public struct Options: Sendable, Equatable {
        /// Pixels added around strokes; covers anti-aliasing, thin outlines and JPEG ringing.
        public var dilation = 3
        /// Mask whole regions (grown by `dilation`) instead of strokes.
        public var fullBoxes = false
        /// Smallest colour deviation (0-255 RGB distance) that can count as text.
        public var minContrast: Float = 14
        /// Take whole caption plates and price tags when the text sits on one.
        public var plates = true

        public init() {}
    }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    /// The mask (one channel, 255 = remove) and, per region, the area its mask pixels come
    /// from before dilation: the region's polygon, or the plate rectangle it sits on.
    public func mask(for regions: [TextRegion], in image: Image8) throws -> TextMask {
        guard image.width > 0, image.height > 0 else {
            throw RetouchError(.invalidArgument, "cannot build a text mask for an empty image (\(image.size))")
        }
        guard options.dilation >= 0, options.dilation <= 64, options.minContrast >= 0 else {
            throw RetouchError(.invalidArgument, "mask dilation must be 0...64 px and the minimum contrast non-negative")
        }
        let rgb = image.channels == 3 ? image : rgbOverWhite(image)
        var mask = Image8(width: image.width, height: image.height, channels: 1)
        var found = [RegionStrokes]()
        for region in regions where region.polygon.count >= 3 {
            if options.fullBoxes {
                paint(Polygon.outset(region.polygon, by: Double(options.dilation)), into: &mask)
                found.append(RegionStrokes(area: region.polygon))
            } else {
                found.append(strokes(of: region, in: rgb, into: &mask))
            }
        }
        return TextMask(mask: mask, regions: found)
    }

    /// Adds the region's text pixels to `mask` and describes what it found.
    private func strokes(of region: TextRegion, in image: Image8, into mask: inout Image8) -> RegionStrokes {
        let across = max(2, region.sideLengths.across)
        let radius = max(2, Int((across * 0.22).rounded()))
        let limit = Polygon.outset(region.polygon, by: Double(options.dilation))
        guard let b = Polygon.pixelBounds(limit, width: image.width, height: image.height) else {
            return RegionStrokes(area: region.polygon)
        }
        let patch = Rect(x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1)
        let context = Rect(x: patch.x - radius, y: patch.y - radius, width: patch.width + 2 * radius,
                           height: patch.height + 2 * radius).intersection(Rect(size: image.size))
        let deviation = topHatDeviation(image, in: context, radius: radius)

        var inside = [(x: Int, y: Int, d: Float, ring: Bool)]()
        let ringWidth = max(1.5, across * 0.12)
        Polygon.forEachPixel(in: region.polygon, width: image.width, height: image.height) { x, y in
            let d = deviation[x - context.x, y - context.y]
            let ring = Polygon.distanceToBoundary(region.polygon, SIMD2(Double(x) + 0.5, Double(y) + 0.5)) < ringWidth
            inside.append((x, y, d, ring))
        }
        if inside.isEmpty { return RegionStrokes(area: region.polygon) }

        // Background statistics come from a band just outside the box, which strokes, outlines
        // and glow seldom reach; the box's own outer ring stands in where the frame cuts the band.
        let band = outerBand(of: region.polygon, width: max(2, across * 0.15), within: context, deviation: deviation)
        let ringPixels = band.count >= 8 ? band : inside.filter(\.ring)
        let ringColours = ringPixels.map { CaptionPlate.colour(image, $0.x, $0.y) }
        let ringNoise = percentile(ringPixels.map(\.d), 0.8)
        let threshold = max(otsuThreshold(inside.map(\.d)), ringNoise, options.minContrast)
        // Weaker pixels (rims, glow, ink in a new colour) must beat everything the background
        // band shows, so texture cannot pass; lower floors let strokes creep along grain.
        let bandNoise = ringPixels.map(\.d).max() ?? 0
        let weakThreshold = max(0.5 * threshold, bandNoise, 0.6 * options.minContrast)
        let background = ColourPalette(ringColours)
        // Letter counters narrower than the window stand out too and are taken with the
        // strokes: recall matters more than a few background pixels inside letters.
        var text = Plane(width: context.width, height: context.height)
        var textColours = [SIMD3<Float>]()
        var lo = SIMD2(Int.max, Int.max), hi = SIMD2(Int.min, Int.min)
        // Strokes are what stands out most, or what stands out less but in a colour the
        // surroundings do not have (coloured date stamps on busy texture, whose edges beat the
        // ink's brightness contrast).
        for p in inside where p.d > threshold
            || (p.d > weakThreshold && background.isNew(CaptionPlate.colour(image, p.x, p.y))) {
            text[p.x - context.x, p.y - context.y] = 1
            textColours.append(CaptionPlate.colour(image, p.x, p.y))
            lo = pointwiseMin(lo, SIMD2(p.x, p.y)); hi = pointwiseMax(hi, SIMD2(p.x, p.y))
        }
        let strong = text
        text = grownIntoHalo(text, deviation: deviation, weakThreshold: weakThreshold,
                             steps: max(2, Int((across * 0.15).rounded())))
        var found = RegionStrokes(area: region.polygon)
        found.regionPixels = inside.count
        found.textPixels = textColours.count
        if !textColours.isEmpty { found.textBounds = Rect(x: lo.x, y: lo.y, width: hi.x - lo.x + 1, height: hi.y - lo.y + 1) }
        (found.textColour, found.textSpread) = CaptionPlate.colourStatistics(textColours)
        (found.backgroundColour, found.backgroundSpread) = CaptionPlate.colourStatistics(ringColours)

        // A plate shows as the dominant colour between the strokes when the box lies on it, or
        // around the box when the plate is larger than the box. Between the strokes, only pixels
        // clear of the letters' anti-aliased edges tell the plate's colour.
        let clearOfText = strong.dilated(radius: max(1, Int((across * 0.08).rounded())))
        let between = inside.filter { $0.d <= threshold && text[$0.x - context.x, $0.y - context.y] == 0 }
            .map { (x: $0.x, y: $0.y) }
        let clearBetween = between.filter { clearOfText[$0.x - context.x, $0.y - context.y] == 0 }
        let plateRings = [clearBetween.count >= 8 ? clearBetween : between, band.map { (x: $0.x, y: $0.y) }]
        if options.plates, let plate = self.plate(under: region, text: text, context: context, textBounds: found.textBounds,
                                                  rings: plateRings, in: image) {
            paint(Polygon.outset(plate, by: Double(options.dilation)), into: &mask)
            found.area = plate
            found.isPlate = true
            return found
        }
        let grown = text.dilated(radius: options.dilation)
        Polygon.forEachPixel(in: limit, width: image.width, height: image.height) { x, y in
            if grown[x - context.x, y - context.y] > 0 { mask[x, y, 0] = 255 }
        }
        return found
    }

    /// The caption plate or price tag the text sits on: the plate colour flooded into a
    /// rectangle, or, where that colour runs on into the photo, the rectangle grown out from the
    /// text (see `CaptionPlate`). The ring between the strokes is tried before the band around the box.
    private func plate(under region: TextRegion, text: Plane, context: Rect, textBounds: Rect?,
                       rings: [[(x: Int, y: Int)]], in image: Image8) -> [SIMD2<Double>]? {
        guard CaptionPlate.isLevel(region) else { return nil }
        let coloured = rings.compactMap { ring in CaptionPlate.plateColour(of: ring, in: image).map { (ring, $0) } }
        for (ring, colour) in coloured {
            if let plate = CaptionPlate.find(around: region, in: image, ring: ring, colour: colour) { return plate }
        }
        guard let textBounds else { return nil }
        let reach = Int(region.sideLengths.across.rounded())
        for (_, colour) in coloured {
            if let plate = CaptionPlate.grown(from: textBounds, colour: colour, in: image, reach: reach, isText: { x, y in
                let cx = x - context.x, cy = y - context.y
                return cx >= 0 && cy >= 0 && cx < context.width && cy < context.height && text[cx, cy] > 0
            }) { return plate }
        }
        return nil
    }

    /// Hysteresis: pixels whose deviation beats `weakThreshold` and that connect (8-neighbours,
    /// at most `steps` pixels away) to a text pixel join it. Anti-aliased edges, glow and the
    /// faint rims of semi-transparent letters are reached this way, while weak texture elsewhere
    /// in the box, which touches no stroke, stays out.
    private func grownIntoHalo(_ text: Plane, deviation: Plane, weakThreshold: Float, steps: Int) -> Plane {
        var grown = text
        var frontier = [Int]()
        for i in text.values.indices where text.values[i] > 0 { frontier.append(i) }
        let w = text.width, h = text.height
        for _ in 0..<steps where !frontier.isEmpty {
            var next = [Int]()
            for i in frontier {
                let x = i % w, y = i / w
                for dy in -1...1 {
                    let ny = y + dy
                    if ny < 0 || ny >= h { continue }
                    for dx in -1...1 {
                        let nx = x + dx
                        if nx < 0 || nx >= w { continue }
                        let j = ny * w + nx
                        if grown.values[j] == 0 && deviation.values[j] > weakThreshold {
                            grown.values[j] = 1
                            next.append(j)
                        }
                    }
                }
            }
            frontier = next
        }
        return grown
    }

    /// Pixels outside the polygon but within `width` of it (and inside `context`), with their deviation.
    private func outerBand(of polygon: [SIMD2<Double>], width: Double, within context: Rect,
                           deviation: Plane) -> [(x: Int, y: Int, d: Float, ring: Bool)] {
        var band = [(x: Int, y: Int, d: Float, ring: Bool)]()
        Polygon.forEachPixel(in: Polygon.outset(polygon, by: width), width: context.maxX, height: context.maxY) { x, y in
            guard x >= context.x, y >= context.y,
                  !Polygon.contains(polygon, SIMD2(Double(x) + 0.5, Double(y) + 0.5)) else { return }
            band.append((x, y, deviation[x - context.x, y - context.y], true))
        }
        return band
    }

    private func paint(_ polygon: [SIMD2<Double>], into mask: inout Image8) {
        let w = mask.width, h = mask.height
        Polygon.forEachPixel(in: polygon, width: w, height: h) { x, y in mask[x, y, 0] = 255 }
    }
}

/// A text mask and what was found in each region.
public struct TextMask: Sendable, Equatable {
    /// One channel, same size as the image; 255 where pixels are to be removed, else 0.
    public var mask: Image8
    /// One entry per input region, in the same order.
    public var regions: [RegionStrokes]

    /// The polygons the mask was drawn within before dilation (regions, or plates they sit on).
    public var areas: [[SIMD2<Double>]] { regions.map(\.area) }

    /// Fraction of the image the mask covers.
    public var coverage: Double {
        let set = mask.samples.reduce(0) { $0 + ($1 >= 128 ? 1 : 0) }
        return mask.pixelCount > 0 ? Double(set) / Double(mask.pixelCount) : 0
    }
}

/// What the stroke separation found in one region; colours are 0-255 RGB, spreads the
/// root-mean-square distance from the mean colour.
public struct RegionStrokes: Sendable, Equatable {
    /// The polygon the region's mask lies in before dilation: the region, or its plate.
    public var area: [SIMD2<Double>]
    public var isPlate = false
    /// Pixels inside the region polygon, and those taken as text (before dilation).
    public var regionPixels = 0
    public var textPixels = 0
    /// The smallest rectangle holding the text pixels, if any.
    public var textBounds: Rect?
    public var textColour = SIMD3<Float>(0, 0, 0)
    public var textSpread: Float = 0
    /// Colour of the region's outer ring, which is background.
    public var backgroundColour = SIMD3<Float>(0, 0, 0)
    public var backgroundSpread: Float = 0

    public init(area: [SIMD2<Double>]) { self.area = area }
}

/// Per-pixel distance of colour from the local background: for each channel the larger of the
/// white top-hat (v - opening) and black top-hat (closing - v), combined as a Euclidean length.
func topHatDeviation(_ image: Image8, in rect: Rect, radius: Int) -> Plane {
    var sumSquares = Plane(width: rect.width, height: rect.height)
    for c in 0..<3 {
        var plane = Plane(width: rect.width, height: rect.height)
        for y in 0..<rect.height {
            for x in 0..<rect.width { plane[x, y] = Float(image[rect.x + x, rect.y + y, c]) }
        }
        let opened = plane.opened(radius: radius), closed = plane.closed(radius: radius)
        for i in plane.values.indices {
            let v = plane.values[i]
            let t = max(v - opened.values[i], closed.values[i] - v)
            sumSquares.values[i] += t * t
        }
    }
    for i in sumSquares.values.indices { sumSquares.values[i] = sumSquares.values[i].squareRoot() }
    return sumSquares
}

/// The threshold maximising between-class variance of `values` (histogram of 256 bins over their range).
func otsuThreshold(_ values: [Float]) -> Float {
    guard let lo = values.min(), let hi = values.max(), hi > lo else { return values.first ?? 0 }
    let bins = 256
    var histogram = [Double](repeating: 0, count: bins)
    let scale = Float(bins - 1) / (hi - lo)
    for v in values { histogram[Int((v - lo) * scale)] += 1 }
    let total = Double(values.count)
    let weightedTotal = histogram.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
    var countBelow = 0.0, weightedBelow = 0.0, best = -1.0, bestBin = 0
    for i in 0..<bins - 1 {
        countBelow += histogram[i]
        weightedBelow += Double(i) * histogram[i]
        let countAbove = total - countBelow
        if countBelow == 0 || countAbove == 0 { continue }
        let meanBelow = weightedBelow / countBelow, meanAbove = (weightedTotal - weightedBelow) / countAbove
        let between = countBelow * countAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove)
        if between > best { best = between; bestBin = i }
    }
    return lo + (Float(bestBin) + 1) / scale
}

func percentile(_ values: [Float], _ q: Double) -> Float {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q))]
}

/// Colour over white for images with alpha or in gray, as text is judged by how it looks.
func rgbOverWhite(_ image: Image8) -> Image8 {
    normalisedRGB(image).quantised(to: UInt8.self)
}

extension TextMask {
    /// The mask as the inpainting engines take it: the one place text masks become `Mask`s.
    public func removalMask() throws -> Mask { try Mask(image: mask) }
}
