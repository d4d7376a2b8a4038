import Foundation
import Testing
import RetouchCore
@testable import RetouchOps

/// A map with `value` on every pixel whose centre lies inside `polygon`.
private func map(width: Int, height: Int, painting polygons: [[SIMD2<Double>]], value: Float = 0.9) -> ProbabilityMap {
    var m = ProbabilityMap(width: width, height: height)
    for p in polygons { Polygon.forEachPixel(in: p, width: width, height: height) { x, y in m[x, y] = value } }
    return m
}

private func rectangle(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [SIMD2<Double>] {
    [SIMD2(x0, y0), SIMD2(x1, y0), SIMD2(x1, y1), SIMD2(x0, y1)]
}

private func maxDistance(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>]) -> Double {
    zip(a, b).map { p, q in ((p - q) * (p - q)).sum().squareRoot() }.max() ?? .infinity
}

private var noUnclip: DBPostProcessing {
    var p = DBPostProcessing()
    p.unclipRatio = 0
    return p
}

@Test func uprightRectangleComesBackWhereItWas() throws {
    let truth = rectangle(40, 20, 100, 36)
    let regions = try noUnclip.regions(in: map(width: 200, height: 100, painting: [truth]),
                                       imageSize: Size(width: 200, height: 100))
    #expect(regions.count == 1)
    #expect(maxDistance(regions[0].polygon, truth) <= 1)
    #expect(abs(regions[0].score - 0.9) < 0.01)
}

@Test func rotatedRectangleComesBackWithItsAngle() throws {
    let box = RotatedRect(center: SIMD2(120, 80), width: 140, height: 24, angle: 20 * .pi / 180)
    let regions = try noUnclip.regions(in: map(width: 240, height: 160, painting: [box.corners]),
                                       imageSize: Size(width: 240, height: 160))
    #expect(regions.count == 1)
    // Pixel staircases along slanted edges stick out by up to a pixel.
    #expect(maxDistance(regions[0].polygon, box.corners) <= 2)
}

@Test func unclipGrowsEachSideByAreaTimesRatioOverPerimeter() throws {
    let truth = rectangle(50, 40, 150, 60)
    var post = DBPostProcessing()
    post.dilate = false
    post.unclipRatio = 1.5
    let regions = try post.regions(in: map(width: 200, height: 100, painting: [truth]),
                                   imageSize: Size(width: 200, height: 100))
    let d = 100.0 * 20 * 1.5 / 240
    #expect(regions.count == 1)
    #expect(maxDistance(regions[0].polygon, rectangle(50 - d, 40 - d, 150 + d, 60 + d)) < 0.01)
}

@Test func boxesAreMappedToTheImageWithSeparateScales() throws {
    var post = noUnclip
    post.dilate = false
    let regions = try post.regions(in: map(width: 100, height: 50, painting: [rectangle(10, 10, 50, 20)]),
                                   imageSize: Size(width: 400, height: 300))
    #expect(regions.count == 1)
    #expect(maxDistance(regions[0].polygon, rectangle(40, 60, 200, 120)) < 0.01)
}

@Test func boxesAreClampedToTheImage() throws {
    let regions = try DBPostProcessing().regions(in: map(width: 100, height: 60, painting: [rectangle(0, 0, 40, 10)]),
                                                 imageSize: Size(width: 100, height: 60))
    #expect(regions.count == 1)
    for p in regions[0].polygon { #expect(p.x >= 0 && p.y >= 0 && p.x <= 100 && p.y <= 60) }
}

@Test func weakAndTinyRegionsAreDropped() throws {
    let weak = map(width: 120, height: 60, painting: [rectangle(10, 10, 60, 30)], value: 0.4)
    #expect(try DBPostProcessing().regions(in: weak, imageSize: Size(width: 120, height: 60)).isEmpty)
    let speck = map(width: 120, height: 60, painting: [rectangle(10, 10, 12, 12)])
    #expect(try DBPostProcessing().regions(in: speck, imageSize: Size(width: 120, height: 60)).isEmpty)
    #expect(try DBPostProcessing().regions(in: ProbabilityMap(width: 64, height: 32), imageSize: Size(width: 64, height: 32)).isEmpty)
}

@Test func separateLinesComeBackInReadingOrder() throws {
    let lines = [rectangle(120, 10, 180, 25), rectangle(10, 60, 90, 75), rectangle(10, 10, 100, 25)]
    let regions = try noUnclip.regions(in: map(width: 200, height: 100, painting: lines),
                                       imageSize: Size(width: 200, height: 100))
    #expect(regions.count == 3)
    let lefts = regions.map { Int($0.polygon[0].x.rounded()) }, tops = regions.map { Int($0.polygon[0].y.rounded()) }
    #expect(abs(lefts[0] - 10) <= 1 && abs(tops[0] - 10) <= 1)
    #expect(abs(lefts[1] - 120) <= 1 && abs(tops[1] - 10) <= 1)
    #expect(abs(lefts[2] - 10) <= 1 && abs(tops[2] - 60) <= 1)
}

@Test func malformedMapsAndSizesAreRejected() {
    #expect(throws: RetouchError.self) { try ProbabilityMap(width: 4, height: 4, values: [0, 1]) }
    #expect(throws: RetouchError.self) { try ProbabilityMap(width: 0, height: 4, values: []) }
    #expect(throws: RetouchError.self) {
        try DBPostProcessing().regions(in: ProbabilityMap(width: 4, height: 4), imageSize: Size(width: 0, height: 3))
    }
    var bad = DBPostProcessing()
    bad.threshold = 1.5
    #expect(throws: RetouchError.self) {
        try bad.regions(in: ProbabilityMap(width: 4, height: 4), imageSize: Size(width: 4, height: 3))
    }
}

@Test func minimumAreaRectangleOfAHullIsTight() throws {
    let box = RotatedRect(center: SIMD2(10, 10), width: 8, height: 3, angle: 0.3)
    let hull = convexHull(box.corners + [SIMD2(10, 10), SIMD2(11, 10.5)])
    #expect(hull.count == 4)
    let rect = try #require(RotatedRect.minimumArea(enclosing: hull))
    #expect(abs(rect.area - 24) < 1e-6)
    #expect(abs(rect.angle - 0.3) < 1e-6)
}

@Test func blocksTallerThanAnyTextLineAreDropped() throws {
    let blob = map(width: 200, height: 100, painting: [rectangle(20, 10, 180, 90)])
    #expect(try DBPostProcessing().regions(in: blob, imageSize: Size(width: 200, height: 100)).isEmpty)
}
