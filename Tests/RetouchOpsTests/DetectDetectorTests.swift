import Foundation
import Testing
import RetouchCore
@testable import RetouchOps

/// Stands in for the network: "text" is any dark area (every channel below `darkness`, inputs
/// being in [-1, 1]) at least `minFeature` pixels across, found by a morphological opening, so
/// like a real network it misses text that the input scale makes too small. Records input sizes.
private final class DarkPixelModel: ProbabilityMapModel, @unchecked Sendable {
    let darkness: Float
    let minFeature: Int
    private let lock = NSLock()
    private var sizes: [Size] = []

    init(darkness: Float = -0.6, minFeature: Int = 1) { self.darkness = darkness; self.minFeature = minFeature }

    var inputSizes: [Size] { lock.lock(); defer { lock.unlock() }; return sizes }

    func run(input: [Float], height: Int, width: Int) throws -> [Float] {
        lock.lock(); sizes.append(Size(width: width, height: height)); lock.unlock()
        let n = width * height
        let dark: [Float] = (0..<n).map { p in
            input[p] < darkness && input[n + p] < darkness && input[2 * n + p] < darkness ? 1 : 0
        }
        let r = minFeature / 2
        let opened = filter(filter(dark, width, height, r, min), width, height, r, max)
        return opened.map { $0 > 0 ? 0.95 : 0.02 }
    }

    /// Separable running min or max over a (2r+1)-square window.
    private func filter(_ v: [Float], _ w: Int, _ h: Int, _ r: Int, _ f: (Float, Float) -> Float) -> [Float] {
        if r == 0 { return v }
        var rows = v, out = v
        for y in 0..<h { for x in 0..<w {
            var acc = v[y * w + x]
            for d in -r...r { acc = f(acc, v[y * w + min(max(x + d, 0), w - 1)]) }
            rows[y * w + x] = acc
        } }
        for y in 0..<h { for x in 0..<w {
            var acc = rows[y * w + x]
            for d in -r...r { acc = f(acc, rows[min(max(y + d, 0), h - 1) * w + x]) }
            out[y * w + x] = acc
        } }
        return out
    }
}

private struct WrongSizeModel: ProbabilityMapModel {
    func run(input: [Float], height: Int, width: Int) throws -> [Float] { [0.5] }
}

/// White image with black rectangles.
private func page(width: Int, height: Int, dark rects: [Rect]) -> Image8 {
    Image8(width: width, height: height, channels: 3) { x, y, _ in
        rects.contains { x >= $0.x && x < $0.maxX && y >= $0.y && y < $0.maxY } ? 0 : 255
    }
}

private func covers(_ region: TextRegion, _ rect: Rect, slack: Double) -> Bool {
    let xs = region.polygon.map(\.x), ys = region.polygon.map(\.y)
    guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return false }
    return abs(x0 - Double(rect.x)) <= slack && abs(y0 - Double(rect.y)) <= slack
        && abs(x1 - Double(rect.maxX)) <= slack && abs(y1 - Double(rect.maxY)) <= slack
}

@Test func detectorFindsDarkBlocksWhereTheyAre() throws {
    let blocks = [Rect(x: 100, y: 60, width: 300, height: 40), Rect(x: 500, y: 400, width: 200, height: 30)]
    let model = DarkPixelModel()
    var options = TextDetector.Options()
    options.postProcessing.unclipRatio = 0  // the stand-in model does not shrink text like DB does
    let detection = try TextDetector(model: model, options: options).detect(page(width: 800, height: 600, dark: blocks))
    #expect(detection.regions.count == 2)
    for (region, block) in zip(detection.regions, blocks) { #expect(covers(region, block, slack: 2)) }
    for size in model.inputSizes { #expect(size.width % 32 == 0 && size.height % 32 == 0) }
}

@Test func blankImageHasNoRegions() throws {
    let detection = try TextDetector(model: DarkPixelModel()).detect(page(width: 300, height: 200, dark: []))
    #expect(detection.regions.isEmpty)
}

@Test func largeImagesAreResizedToTheLimitWithAspectKept() throws {
    let model = DarkPixelModel()
    var options = TextDetector.Options()
    options.fineScale = 0
    _ = try TextDetector(model: model, options: options).detect(page(width: 1900, height: 950, dark: []))
    #expect(model.inputSizes == [Size(width: 960, height: 480)])
}

@Test func smallTextInLargeImagesIsFoundByTheTiledPass() throws {
    // Sizes scaled down from the defaults so the check stays quick: the whole-image pass
    // shrinks by 0.375, below the 0.5 of the tiled pass.
    var options = TextDetector.Options()
    options.maxSide = 240
    options.tileSize = 128
    options.tileOverlap = 16
    let dot = Rect(x: 420, y: 250, width: 18, height: 18)
    let image = page(width: 640, height: 360, dark: [dot])
    var coarseOnly = options
    coarseOnly.fineScale = 0
    #expect(try TextDetector(model: DarkPixelModel(minFeature: 7), options: coarseOnly).detect(image).regions.isEmpty)
    let model = DarkPixelModel(minFeature: 7)
    let detection = try TextDetector(model: model, options: options).detect(image)
    #expect(detection.regions.count == 1)
    // Located to within a pixel of the tiled pass, i.e. two image pixels, plus the unclip growth.
    if let region = detection.regions.first { #expect(covers(region, dot, slack: 14)) }
    #expect(model.inputSizes.count > 1)
    for size in model.inputSizes { #expect(size.width % 32 == 0 && size.height % 32 == 0) }
}

@Test func detectorRejectsBadInputsAndBadModels() {
    #expect(throws: RetouchError.self) {
        try TextDetector(model: DarkPixelModel()).detect(Image8(width: 0, height: 0, channels: 3))
    }
    #expect(throws: RetouchError.self) {
        try TextDetector(model: WrongSizeModel()).detect(page(width: 64, height: 64, dark: []))
    }
    var bad = TextDetector.Options()
    bad.maxSide = 10
    #expect(throws: RetouchError.self) {
        try TextDetector(model: DarkPixelModel(), options: bad).detect(page(width: 64, height: 64, dark: []))
    }
}

@Test func resizeKeepsFlatImagesFlatAndAveragesWhenShrinking() {
    let flat = ImageF(width: 37, height: 23, channels: 3, fill: 0.25)
    let resized = resizeLinear(flat, width: 64, height: 11)
    #expect(resized.samples.allSatisfy { abs($0 - 0.25) < 1e-5 })
    let stripes = ImageF(width: 64, height: 4, channels: 1) { x, _, _ in x % 2 == 0 ? 1 : 0 }
    let shrunk = resizeLinear(stripes, width: 16, height: 4)
    for y in 0..<4 { for x in 1..<15 { #expect(abs(shrunk[x, y, 0] - 0.5) < 0.01) } }
}
