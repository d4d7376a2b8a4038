import Foundation
import Testing
import RetouchCore
@testable import RetouchOps

@Test func routerHasOneWeightPerFeatureAndPair() {
    let names = OverlayFeatures.names
    #expect(Set(OverlayRouter.fittedWeights.keys) == Set(names))
    let pairKeys = names.indices.flatMap { i in names[i...].map { OverlayRouter.pairKey(names[i], $0) } }
    #expect(Set(OverlayRouter.fittedPairWeights.keys) == Set(pairKeys))
    #expect(OverlayRouter().coefficients.count == names.count)
}

@Test func routerAddsEachPairProductOnce() {
    let router = OverlayRouter(coefficients: [1, 0], pairCoefficients: [[0, 2], [0, -1]], intercept: -1)
    var features = OverlayFeatures(values: [0.5, 2])
    // z = -1 + 1*0.5 + 2*0.5*2 - 1*2*2 = -2.5
    #expect(abs(router.probability(features) - 1 / (1 + exp(2.5))) < 1e-12)
    features = OverlayFeatures(values: [0, 0])
    #expect(abs(router.probability(features) - 1 / (1 + exp(1.0))) < 1e-12)
}

@Test func noTextGivesZeroEvidence() throws {
    let detection = TextDetection(imageSize: Size(width: 64, height: 48), regions: [], map: ProbabilityMap(width: 64, height: 48))
    let mask = try TextMaskBuilder().mask(for: [], in: DetectScene.photo(width: 64, height: 48))
    let features = OverlayFeatures(detection: detection, mask: mask)
    #expect(features.values.count == OverlayFeatures.names.count)
    #expect(features.values.allSatisfy { $0 == 0 })
    #expect(OverlayRouter().probability(features) < 0.1)
}

@Test func stackedLeftAlignedLinesAreCountedAsABlock() {
    func line(_ x: Double, _ y: Double, _ w: Double) -> RegionLayout {
        RegionLayout(TextRegion(polygon: [SIMD2(x, y), SIMD2(x + w, y), SIMD2(x + w, y + 20), SIMD2(x, y + 20)], score: 0.9),
                     imageSize: Size(width: 800, height: 600))
    }
    #expect(alignedLinePairs([line(20, 20, 200), line(22, 44, 150), line(21, 68, 180)]) == 2)
    #expect(alignedLinePairs([line(20, 20, 200), line(300, 44, 150), line(21, 200, 180)]) == 0)
}

private func analyzer() throws -> OverlayAnalyzer { OverlayAnalyzer(detector: try installedTextDetector()) }

@Test func realAnalyzerSeesNoOverlayOnAPlainPhoto() throws {
    let analysis = try analyzer().analyse(DetectScene.photo(width: 400, height: 300))
    #expect(analysis.detection.regions.isEmpty)
    #expect(analysis.textMask.coverage == 0)
    #expect(analysis.overlayProbability < 0.1)
}

@Test func realAnalyzerRoutesAStampedCaptionToCleaning() throws {
    var photo = DetectScene.photo(width: 480, height: 320)
    let ink = DetectScene.inkMask("SALE 2024", x: 40, y: 260, cell: 4, size: photo.size)
    DetectScene.draw(ink, colour: [255, 255, 255], on: &photo)
    let analysis = try analyzer().analyse(photo)
    #expect(analysis.overlayProbability >= OverlayRouter.threshold)
    #expect(analysis.needsCleaning)
    var hit = 0, total = 0
    for p in 0..<photo.pixelCount where ink[p] {
        total += 1
        if analysis.textMask.mask.samples[p] >= 128 { hit += 1 }
    }
    #expect(Double(hit) >= 0.97 * Double(total))
}

@Test func realMasksNeverLeaveTheRegions() throws {
    var photo = DetectScene.photo(width: 480, height: 320, grain: 20)
    DetectScene.draw(DetectScene.inkMask("2024 SALE", x: 60, y: 40, cell: 5, size: photo.size), colour: [20, 20, 20], on: &photo)
    DetectScene.draw(DetectScene.inkMask("LESS", x: 200, y: 220, cell: 3, size: photo.size), colour: [255, 220, 0], on: &photo)
    let analysis = try analyzer().analyse(photo)
    #expect(!analysis.detection.regions.isEmpty)
    let dilation = Double(analysis.textMask.regions.isEmpty ? 0 : TextMaskBuilder.Options().dilation)
    let allowed = analysis.textMask.areas.map { Polygon.outset($0, by: dilation) }
    var outside = 0
    for y in 0..<photo.height { for x in 0..<photo.width where analysis.textMask.mask[x, y, 0] >= 128 {
        let centre = SIMD2(Double(x) + 0.5, Double(y) + 0.5)
        if !allowed.contains(where: { Polygon.contains($0, centre) }) { outside += 1 }
    } }
    #expect(outside == 0)
}
