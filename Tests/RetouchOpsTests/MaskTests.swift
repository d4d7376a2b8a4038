import Foundation
import Testing
import RetouchCore
@testable import RetouchOps

private func message(_ body: () throws -> Void) -> String? {
    do { try body() } catch let error as RetouchError { return error.message } catch { return "\(error)" }
    return nil
}

struct MaskTests {
    @Test func maskFromGrayUsesLumaThreshold() throws {
        let image = Image8(width: 4, height: 1, channels: 1, samples: [0, 127, 128, 255])
        #expect(try Mask(image: image).isHole == [false, false, true, true])
    }

    @Test func maskFromRGBUsesLuma() throws {
        // Pure red has luma 76 (keep); white and light gray are removed.
        let image = Image8(width: 3, height: 1, channels: 3, samples: [255, 0, 0, 255, 255, 255, 140, 140, 140])
        #expect(try Mask(image: image).isHole == [false, true, true])
    }

    @Test func maskWithTransparencyUsesAlpha() throws {
        // Black strokes on a transparent layer: alpha decides, not colour.
        let image = Image8(width: 3, height: 1, channels: 4, samples: [0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 200])
        #expect(try Mask(image: image).isHole == [true, false, true])
        // An opaque RGBA mask falls back to luma.
        let opaque = Image8(width: 2, height: 1, channels: 4, samples: [0, 0, 0, 255, 255, 255, 255, 255])
        #expect(try Mask(image: opaque).isHole == [false, true])
    }

    @Test func invertAndCoverage() throws {
        let mask = try Mask(width: 2, height: 2, isHole: [true, false, false, false])
        #expect(mask.coverage == 0.25)
        #expect(mask.inverted().isHole == [false, true, true, true])
    }

    @Test func sizeMismatchNamesBothSizesAndTheFlag() throws {
        let mask = Mask(size: Size(width: 10, height: 8))
        let text = message { _ = try mask.fitted(to: Size(width: 20, height: 16), resize: false) }
        #expect(text?.contains("10x8") == true && text?.contains("20x16") == true && text?.contains("--resize-mask") == true)
        let resized = try mask.fitted(to: Size(width: 20, height: 16), resize: true)
        #expect(resized.size == Size(width: 20, height: 16))
    }

    @Test func nearestNeighbourResizeKeepsBlocks() throws {
        let mask = try Mask(width: 2, height: 2, isHole: [true, false, false, true])
        let big = try mask.resized(to: Size(width: 4, height: 4))
        #expect(big.isHole == [true, true, false, false, true, true, false, false,
                               false, false, true, true, false, false, true, true])
    }

    @Test func dilationGrowsAEuclideanDisc() throws {
        var mask = Mask(size: Size(width: 11, height: 11))
        mask[5, 5] = true
        let grown = mask.dilated(by: 2)
        // Pixels within distance 2 of the centre: 1 + 4 + 4 + 4 = 13.
        #expect(grown.holeCount == 13)
        #expect(grown[5, 3] && grown[7, 5] && grown[6, 6] && !grown[7, 7])
    }

    @Test func distanceTransformIsExact() {
        var mask = Mask(size: Size(width: 9, height: 7))
        mask[0, 0] = true
        mask[8, 6] = true
        let d = mask.squaredDistance()
        for y in 0..<7 {
            for x in 0..<9 {
                let expected = min(x * x + y * y, (8 - x) * (8 - x) + (6 - y) * (6 - y))
                #expect(d[y * 9 + x] == expected)
            }
        }
    }

    @Test func featherRampsDownOutsideTheHole() {
        var mask = Mask(size: Size(width: 9, height: 1))
        mask[0, 0] = true
        let w = mask.featherWeights(radius: 3)
        #expect(w[0] == 1)
        #expect(w[1] == 0.75 && w[2] == 0.5 && w[3] == 0.25 && w[4] == 0)
    }

    @Test func componentsHaveBoxesAndCounts() throws {
        var mask = Mask(size: Size(width: 10, height: 6))
        for x in 1...3 { mask[x, 1] = true }
        mask[4, 2] = true          // diagonal neighbour: same region
        mask[8, 5] = true
        let labels = mask.components()
        #expect(labels.components.count == 2)
        #expect(labels.components[0].boundingBox == Rect(x: 1, y: 1, width: 4, height: 2))
        #expect(labels.components[0].pixelCount == 4)
        #expect(labels.components[1].boundingBox == Rect(x: 8, y: 5, width: 1, height: 1))
    }

    @Test func boxesParseAndRejectNonsense() throws {
        #expect(try MaskShape.box(parsing: "10, 20,30,40") == .box(Rect(x: 10, y: 20, width: 30, height: 40)))
        #expect(message { _ = try MaskShape.box(parsing: "10,20,30") }?.contains("x,y,w,h") == true)
        #expect(message { _ = try MaskShape.box(parsing: "1,2,0,4") }?.contains("positive") == true)
    }

    @Test func regionsJSONAcceptsBothLayouts() throws {
        let wrapped = try MaskShape.regions(json: Array(#"{"regions": [{"box": [1, 2, 3, 4]}, {"polygon": [[0, 0], [4, 0], [0, 4]]}]}"#.utf8))
        let bare = try MaskShape.regions(json: Array(#"[{"box": [1, 2, 3, 4], "label": "logo"}, {"polygon": [[0, 0], [4, 0], [0, 4]]}]"#.utf8))
        #expect(wrapped == bare)
        #expect(wrapped.count == 2)
    }

    @Test func malformedRegionsGiveClearErrors() {
        #expect(message { _ = try MaskShape.regions(json: Array("[{\"box\": [1, 2".utf8)) }?.contains("not valid JSON") == true)
        #expect(message { _ = try MaskShape.regions(json: Array(#"{"boxes": []}"#.utf8)) }?.contains("regions") == true)
        #expect(message { _ = try MaskShape.regions(json: Array(#"[{"box": [1, 2, 3]}]"#.utf8)) }?.contains("[x, y, w, h]") == true)
        #expect(message { _ = try MaskShape.regions(json: Array(#"[{"polygon": [[0, 0], [1, 1]]}]"#.utf8)) }?.contains("at least 3") == true)
        #expect(message { _ = try MaskShape.regions(json: Array(#"[{"box": [0, 0, 1, 1], "polygon": [[0, 0], [1, 0], [0, 1]]}]"#.utf8)) }?.contains("exactly one") == true)
    }

    @Test func polygonFillSamplesPixelCentres() throws {
        // A right triangle with legs of 8: pixel centres (x + 0.5, y + 0.5) with x + y + 1 < 8.
        let drawn = try Mask.drawing([.polygon([(0, 0), (8, 0), (0, 8)])], size: Size(width: 8, height: 8))
        for y in 0..<8 {
            for x in 0..<8 { #expect(drawn.mask[x, y] == (Double(x) + Double(y) + 1 < 8)) }
        }
        #expect(drawn.warnings.isEmpty)
    }

    @Test func shapesPastTheEdgeAreClippedAndOutsideIsAnError() throws {
        let drawn = try Mask.drawing([.box(Rect(x: 6, y: 6, width: 10, height: 10))], size: Size(width: 8, height: 8))
        #expect(drawn.mask.holeCount == 4)
        #expect(drawn.warnings.count == 1 && drawn.warnings[0].contains("clipped"))
        let text = message { _ = try Mask.drawing([.box(Rect(x: 20, y: 20, width: 5, height: 5))], size: Size(width: 8, height: 8)) }
        #expect(text?.contains("outside the 8x8 image") == true)
    }
}
