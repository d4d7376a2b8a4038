import RetouchCore
import RetouchInference
@testable import RetouchOps
import Testing

@Suite struct PlanTests {
    let small = Size(width: 100, height: 100)

    @Test func autoPicksByScaleAndBudget() throws {
        let two = try NeuralPlan.auto(scale: 2, inputSize: small, budgetSeconds: 1000, isInstalled: { _ in true })
        #expect(two.models.map(\.name) == ["waifu2x-photo"] && two.fitScale == nil)
        let generous = try NeuralPlan.auto(scale: 4, inputSize: small, budgetSeconds: 1000, isInstalled: { _ in true })
        #expect(generous.models.map(\.name) == ["waifu2x-photo", "waifu2x-photo"])
        let tight = try NeuralPlan.auto(scale: 4, inputSize: small, budgetSeconds: 0.01, isInstalled: { _ in true })
        #expect(tight.models.map(\.name) == ["retouch-fast-x4"])
        let three = try NeuralPlan.auto(scale: 3, inputSize: small, budgetSeconds: 1000, isInstalled: { _ in true })
        #expect(three.modelScale == 4 && three.fitScale == 3)
        let threeFast = try NeuralPlan.auto(scale: 3, inputSize: small, budgetSeconds: 0.01, isInstalled: { _ in true })
        #expect(threeFast.models.map(\.name) == ["retouch-fast-x4"] && threeFast.fitScale == 3)
    }

    @Test func autoFallsBackToTheAnimeModelWithoutRetouchFast() throws {
        let plan = try NeuralPlan.auto(scale: 4, inputSize: small, budgetSeconds: 0.01, isInstalled: { $0.name != "retouch-fast-x4" })
        #expect(plan.models.map(\.name) == ["realesr-animevideov3-x4"])
        let medium = Size(width: 500, height: 500)
        // 4 MP out: waifu2x twice costs ~16 s, retouch-fast-x4 well under 4 s.
        let budgeted = try NeuralPlan.auto(scale: 4, inputSize: medium, budgetSeconds: 8, isInstalled: { _ in true })
        #expect(budgeted.models.map(\.name) == ["retouch-fast-x4"])
    }

    @Test func autoSkipsModelsThatAreNotInstalled() throws {
        let plan = try NeuralPlan.auto(scale: 4, inputSize: small, budgetSeconds: 0.01, isInstalled: { !$0.name.hasPrefix("realesr") && !$0.name.hasPrefix("retouch") })
        #expect(plan.models.map(\.name) == ["waifu2x-photo", "waifu2x-photo"])
        #expect(throws: RetouchError.self) {
            try NeuralPlan.auto(scale: 2, inputSize: small, budgetSeconds: 1, isInstalled: { _ in false })
        }
        #expect(throws: RetouchError.self) {
            try NeuralPlan.auto(scale: 5, inputSize: small, budgetSeconds: 1, isInstalled: { _ in true })
        }
    }

    @Test func bandAccumulatorBlendsLikeTileBlender() {
        // Two overlapping "tiles" of different constant-plus-ramp content, blended both ways.
        let width = 12, height = 10
        let tiles: [(origin: (x: Int, y: Int), core: Rect, size: Size)] = [
            ((0, 0), Rect(x: 0, y: 0, width: 12, height: 5), Size(width: 12, height: 8)),
            ((0, 2), Rect(x: 0, y: 5, width: 12, height: 5), Size(width: 12, height: 8)),
        ]
        var reference = TileBlender(width: width, height: height, channels: 3)
        var band = NeuralBandAccumulator(width: width, channels: 3)
        var out = Image8(width: width, height: height, channels: 3)
        for (i, t) in tiles.enumerated() {
            let tile = ImageF(width: t.size.width, height: t.size.height, channels: 3) { x, y, c in Float(i * 50 + x * 3 + y + c) / 255 }
            reference.add(tile, at: t.origin, core: t.core, ramp: 2)
            var planes = [Float](repeating: 0, count: 3 * t.size.pixelCount)
            for y in 0..<t.size.height { for x in 0..<t.size.width { for c in 0..<3 {
                planes[c * t.size.pixelCount + y * t.size.width + x] = tile[x, y, c]
            } } }
            band.add(planes: planes, planeWidth: t.size.width, planeHeight: t.size.height, offset: (0, 0),
                     size: t.size, origin: t.origin, core: t.core, ramp: 2)
            if i == 0 { band.flush(upTo: 2, into: &out) }
        }
        band.flush(upTo: height, into: &out)
        #expect(out == reference.result().quantised(to: UInt8.self))
    }
}
