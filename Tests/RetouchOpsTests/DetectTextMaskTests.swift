import Testing
import RetouchCore
@testable import RetouchOps

private struct Scene {
    var image: Image8
    var ink: [Bool]
    /// Glyph cells: counters inside letters may be masked with the strokes around them.
    var cells: [Bool]
    var region: TextRegion
}

private func scene(colour: [UInt8], alpha: Float = 1, outline: [UInt8]? = nil, grain: Int = 12) -> Scene {
    let size = Size(width: 320, height: 120)
    var image = DetectScene.photo(width: size.width, height: size.height, grain: grain)
    let ink = DetectScene.inkMask("SALE 2024", x: 40, y: 40, cell: 4, size: size)
    var drawn = ink
    if let outline {
        let ring = DetectScene.grown(ink, radius: 2, size: size)
        DetectScene.draw(ring, colour: outline, on: &image)
        drawn = ring
    }
    DetectScene.draw(ink, colour: colour, alpha: alpha, on: &image)
    let cells = DetectScene.cellMask("SALE 2024", x: 40, y: 40, cell: 4, size: size)
    return Scene(image: image, ink: drawn, cells: cells, region: DetectScene.region(x: 40, y: 40, cell: 4, count: 9, margin: 10))
}

/// (share of ink pixels masked, share of pixels away from the ink and glyph cells that are masked)
private func recallAndSpill(_ mask: Image8, _ s: Scene, allowance: Int) -> (Double, Double) {
    let ink = s.ink, size = s.image.size
    let near = DetectScene.grown(zip(ink, s.cells).map { $0 || $1 }, radius: allowance, size: size)
    var hit = 0, inkCount = 0, spill = 0, farCount = 0
    for p in 0..<size.pixelCount {
        let set = mask.samples[p] >= 128
        if ink[p] { inkCount += 1; if set { hit += 1 } }
        if !near[p] { farCount += 1; if set { spill += 1 } }
    }
    return (Double(hit) / Double(max(1, inkCount)), Double(spill) / Double(max(1, farCount)))
}

@Test(arguments: [[UInt8](arrayLiteral: 250, 250, 250), [20, 20, 20], [230, 40, 30]])
func strokesOfSolidTextAreMaskedTightly(colour: [UInt8]) throws {
    let s = scene(colour: colour)
    let result = try TextMaskBuilder().mask(for: [s.region], in: s.image)
    let (recall, spill) = recallAndSpill(result.mask, s, allowance: 4)
    #expect(recall >= 0.99)
    #expect(spill < 0.002)
}

@Test func outlinedTextIsMaskedWithItsOutline() throws {
    let s = scene(colour: [255, 255, 255], outline: [0, 0, 0])
    let result = try TextMaskBuilder().mask(for: [s.region], in: s.image)
    let (recall, spill) = recallAndSpill(result.mask, s, allowance: 4)
    #expect(recall >= 0.99)
    #expect(spill < 0.002)
}

@Test func semiTransparentWatermarkIsMasked() throws {
    let s = scene(colour: [255, 255, 255], alpha: 0.35, grain: 6)
    let result = try TextMaskBuilder().mask(for: [s.region], in: s.image)
    let (recall, spill) = recallAndSpill(result.mask, s, allowance: 4)
    #expect(recall >= 0.97)
    #expect(spill < 0.01)
}

@Test func captionPlateIsTakenWhole() throws {
    let plate = Rect(x: 25, y: 28, width: 240, height: 52)
    var image = DetectScene.photo(width: 480, height: 160)
    fill(plate, [200, 30, 30], on: &image)
    let ink = DetectScene.inkMask("SALE 2024", x: 40, y: 40, cell: 4, size: image.size)
    DetectScene.draw(ink, colour: [255, 255, 255], on: &image)
    let region = DetectScene.region(x: 40, y: 40, cell: 4, count: 9, margin: 10)
    let result = try TextMaskBuilder().mask(for: [region], in: image)
    var covered = 0
    for y in plate.y..<plate.maxY { for x in plate.x..<plate.maxX where result.mask[x, y, 0] >= 128 { covered += 1 } }
    #expect(Double(covered) / Double(plate.width * plate.height) >= 0.99)
    #expect(result.coverage < Double((plate.width + 8) * (plate.height + 8)) / Double(image.pixelCount))
}

@Test func priceTagWithSoftLetterEdgesIsTakenWholeWhenTheBoxStraddlesItsEdge() throws {
    // A JPEG-like red tag: slightly noisy plate, white letters with half-blended rims (what
    // anti-aliasing leaves between strokes), and a detector box reaching a few pixels past the plate.
    let plate = Rect(x: 28, y: 30, width: 190, height: 48)
    var image = DetectScene.photo(width: 480, height: 160)
    var state: UInt64 = 7
    for y in plate.y..<plate.maxY { for x in plate.x..<plate.maxX { for c in 0..<3 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        image[x, y, c] = UInt8(clamping: [220, 30, 30][c] + Int(state >> 61) - 3)
    } } }
    let ink = DetectScene.inkMask("SALE 24", x: 40, y: 40, cell: 4, size: image.size)
    DetectScene.draw(DetectScene.grown(ink, radius: 1, size: image.size), colour: [255, 255, 255], alpha: 0.5, on: &image)
    DetectScene.draw(ink, colour: [255, 255, 255], on: &image)
    let region = DetectScene.region(x: 40, y: 40, cell: 4, count: 7, margin: 14)
    let result = try TextMaskBuilder().mask(for: [region], in: image)
    #expect(result.regions.first?.isPlate == true)
    var covered = 0, spill = 0
    let allowed = Rect(x: plate.x - 4, y: plate.y - 4, width: plate.width + 8, height: plate.height + 8)
    for y in 0..<image.height { for x in 0..<image.width where result.mask[x, y, 0] >= 128 {
        if plate.contains(Rect(x: x, y: y, width: 1, height: 1)) { covered += 1 }
        if !allowed.contains(Rect(x: x, y: y, width: 1, height: 1)) { spill += 1 }
    } }
    #expect(Double(covered) / Double(plate.width * plate.height) >= 0.99)
    #expect(spill == 0)
}

/// Paints `rect` in one flat colour.
private func fill(_ rect: Rect, _ colour: [UInt8], on image: inout Image8) {
    for y in rect.y..<rect.maxY { for x in rect.x..<rect.maxX { for c in 0..<3 { image[x, y, c] = colour[c] } } }
}

@Test func whiteTagAgainstAWhiteWallIsGrownFromTheText() throws {
    // The tag's white runs on into the wall above it, so a flood of the plate colour leaks into
    // the wall; the plate is grown out from the text instead. Its top side stays at the text:
    // above the letters the tag cannot be told from the wall.
    var image = DetectScene.photo(width: 480, height: 200)
    let plate = Rect(x: 28, y: 60, width: 236, height: 48)
    fill(Rect(x: 0, y: 0, width: 480, height: plate.y), [250, 250, 250], on: &image)
    fill(plate, [250, 250, 250], on: &image)
    DetectScene.draw(DetectScene.inkMask("SALE 2024", x: 40, y: 70, cell: 4, size: image.size), colour: [200, 20, 20], on: &image)
    let region = DetectScene.region(x: 40, y: 70, cell: 4, count: 9, margin: 8)
    let result = try TextMaskBuilder().mask(for: [region], in: image)
    #expect(result.regions.first?.isPlate == true)
    let againstThePhoto = Rect(x: plate.x, y: 70, width: plate.width, height: plate.maxY - 70)
    var covered = 0, intoWall = 0
    for y in 0..<image.height { for x in 0..<image.width where result.mask[x, y, 0] >= 128 {
        if againstThePhoto.contains(Rect(x: x, y: y, width: 1, height: 1)) { covered += 1 }
        if y < plate.y { intoWall += 1 }
    } }
    #expect(Double(covered) / Double(againstThePhoto.width * againstThePhoto.height) >= 0.99)
    #expect(intoWall == 0)
}

@Test func textOnAWallThatEndsBelowItIsNotAPlate() throws {
    // One edge (the wall's foot) is not a plate: the other sides run on into the wall.
    var image = DetectScene.photo(width: 480, height: 200)
    fill(Rect(x: 0, y: 0, width: 480, height: 130), [240, 240, 235], on: &image)
    let ink = DetectScene.inkMask("SALE 2024", x: 120, y: 70, cell: 4, size: image.size)
    DetectScene.draw(ink, colour: [30, 30, 30], on: &image)
    let s = Scene(image: image, ink: ink, cells: DetectScene.cellMask("SALE 2024", x: 120, y: 70, cell: 4, size: image.size),
                  region: DetectScene.region(x: 120, y: 70, cell: 4, count: 9, margin: 8))
    let result = try TextMaskBuilder().mask(for: [s.region], in: s.image)
    #expect(result.regions.first?.isPlate == false)
    let (recall, spill) = recallAndSpill(result.mask, s, allowance: 4)
    #expect(recall >= 0.99)
    #expect(spill < 0.002)
}

@Test func faintWatermarkRimsBeyondTheDilationJoinTheirStrokes() throws {
    // Letters at 30% opacity with a fainter 2 px rim (soft font edges, glow); with the mask grown
    // by only 1 px, the rim is reached by hysteresis from the strokes, not by the dilation.
    var s = scene(colour: [255, 255, 255], alpha: 0.3, grain: 6)
    s.image = DetectScene.photo(width: s.image.width, height: s.image.height, grain: 6)
    let rim = DetectScene.grown(s.ink, radius: 2, size: s.image.size)
    DetectScene.draw(rim, colour: [255, 255, 255], alpha: 0.2, on: &s.image)
    DetectScene.draw(s.ink, colour: [255, 255, 255], alpha: 0.3, on: &s.image)
    s.ink = rim
    var options = TextMaskBuilder.Options()
    options.dilation = 1
    let result = try TextMaskBuilder(options: options).mask(for: [s.region], in: s.image)
    let (recall, spill) = recallAndSpill(result.mask, s, allowance: 3)
    #expect(recall >= 0.97)
    #expect(spill < 0.01)
}

@Test func flatBackgroundIsNotMistakenForAPlate() throws {
    let s = scene(colour: [20, 20, 20], grain: 0)
    let result = try TextMaskBuilder().mask(for: [s.region], in: s.image)
    let (recall, spill) = recallAndSpill(result.mask, s, allowance: 4)
    #expect(recall >= 0.99)
    #expect(spill < 0.002)
}

@Test func masksStayInsideTheRegionsGrownByTheDilation() throws {
    let s = scene(colour: [250, 250, 250])
    // A region cutting through the text: strokes outside it must stay unmasked.
    let half = TextRegion(polygon: [SIMD2(30, 30), SIMD2(150, 30), SIMD2(150, 78), SIMD2(30, 78)], score: 0.9)
    for fullBoxes in [false, true] {
        var options = TextMaskBuilder.Options()
        options.fullBoxes = fullBoxes
        let result = try TextMaskBuilder(options: options).mask(for: [half], in: s.image)
        let allowed = result.areas.map { Polygon.outset($0, by: Double(options.dilation)) }
        for y in 0..<s.image.height { for x in 0..<s.image.width where result.mask[x, y, 0] >= 128 {
            let centre = SIMD2(Double(x) + 0.5, Double(y) + 0.5)
            #expect(allowed.contains { Polygon.contains($0, centre) })
        } }
        if fullBoxes { #expect(result.coverage > 0.15) }
    }
}

@Test func noRegionsGiveAnEmptyMaskAndBadInputIsRejected() throws {
    let photo = DetectScene.photo(width: 64, height: 48)
    let result = try TextMaskBuilder().mask(for: [], in: photo)
    #expect(result.coverage == 0)
    #expect(result.mask.size == photo.size && result.mask.channels == 1)
    #expect(throws: RetouchError.self) { try TextMaskBuilder().mask(for: [], in: Image8(width: 0, height: 5, channels: 3)) }
    var options = TextMaskBuilder.Options()
    options.dilation = -1
    #expect(throws: RetouchError.self) { try TextMaskBuilder(options: options).mask(for: [], in: photo) }
}

@Test func runningExtremesMatchABruteForceWindow() {
    let values: [Float] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]
    let plane = Plane(width: values.count, height: 1, values: values)
    for r in 1...4 {
        let eroded = plane.eroded(radius: r), dilated = plane.dilated(radius: r)
        for i in values.indices {
            let window = values[max(0, i - r)...min(values.count - 1, i + r)]
            #expect(eroded.values[i] == window.min())
            #expect(dilated.values[i] == window.max())
        }
    }
}
