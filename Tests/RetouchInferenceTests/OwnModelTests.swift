import Foundation
import RetouchCore
@testable import RetouchInference
@testable import RetouchOps
import Testing

/// Retouch's own models (training/sr): committed under models-shipped/, installed by
/// install_models.sh, pinned in the catalog.
@Suite struct OwnModelTests {
    @Test func shippedFileMatchesTheCatalog() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let spec = try ModelCatalog.spec(named: "retouch-fast-x4")
        let shipped = root.appendingPathComponent("models-shipped").appendingPathComponent(spec.file).path
        #expect(try SHA256.hexDigest(ofFile: shipped) == spec.sha256)
        #expect(spec.recipe?.contains("training/sr/train.py") == true)
    }

    @Test func upscalesAGeneratedImageByFour() throws {
        let image = testImage(width: 37, height: 23)
        let out = try neural("retouch-fast-x4").upscale(.u8(image), scale: 4)
        #expect(out.size == Size(width: 148, height: 92))
        // A flat image stays flat: the model adds detail, not a colour cast.
        let flat = Image8(width: 20, height: 16, channels: 3) { _, _, c in UInt8(60 + 50 * c) }
        let up = try neural("retouch-fast-x4").upscale(.u8(flat), scale: 4).eightBit
        let worst = (0..<up.pixelCount * 3).map { abs(Int(up.samples[$0]) - Int(flat.samples[$0 % 3])) }.max() ?? 0
        #expect(worst <= 2)
    }

    @Test func tiledMatchesUntiledWithin1Of255() throws {
        let image = testImage(width: 90, height: 70)
        let tiled = try neural("retouch-fast-x4", tileSize: 32).upscale(.u8(image), scale: 4)
        let whole = try neural("retouch-fast-x4", tileSize: 4096).upscale(.u8(image), scale: 4)
        #expect(tiled.size == Size(width: 360, height: 280))
        #expect(maxDifference(tiled.eightBit, whole.eightBit) <= 1)
    }

    @Test func autoUsesItWhenTheBudgetRulesOutWaifu2x() throws {
        let config = try installedConfig()
        let auto = try Registry(kind: "m", NeuralUpscalers.all(config: config, options: NeuralOptions(autoBudgetSeconds: 0.001)))
            .lookup("auto")
        let image = testImage(width: 30, height: 20)
        let viaAuto = try auto.upscale(.u8(image), scale: 4)
        let direct = try neural("retouch-fast-x4").upscale(.u8(image), scale: 4)
        #expect(viaAuto == direct)
    }
}
