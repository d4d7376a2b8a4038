import Foundation
import RetouchCore
import RetouchInference
@testable import RetouchOps
import Testing

/// A photo-like test image: gradients, hard edges and noise, from a fixed seed.
func testImage(width: Int, height: Int, channels: Int = 3) -> Image8 {
    var state: UInt32 = 12345
    return Image8(width: width, height: height, channels: channels) { x, y, c in
        state = state &* 1_664_525 &+ 1_013_904_223
        let noise = Int(state >> 27) - 16
        let gradient = (x * 255 / max(1, width - 1) + y * 128 / max(1, height - 1) + c * 60) % 256
        let edge = ((x / 9 + y / 7) % 2 == 0) ? 40 : -40
        return UInt8(clamping: gradient + edge + noise)
    }
}

func neural(_ name: String, tileSize: Int? = nil, maxOutputPixels: Int = 200_000_000) throws -> Upscaler {
    let config = try installedConfig()
    let upscalers = NeuralUpscalers.all(config: config, options: NeuralOptions(maxOutputPixels: maxOutputPixels, tileSize: tileSize))
    return try Registry(kind: "upscale model", upscalers).lookup(name)
}

func maxDifference(_ a: Image8, _ b: Image8) -> Int {
    zip(a.samples, b.samples).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

@Suite struct UpscalerTests {
    @Test(arguments: ["waifu2x-photo", "realesr-animevideov3"])
    func tiledMatchesUntiledWithin1Of255(name: String) throws {
        let image = testImage(width: 90, height: 70)
        let tiled = try neural(name, tileSize: 32).upscale(.u8(image), scale: 2)
        let whole = try neural(name, tileSize: 4096).upscale(.u8(image), scale: 2)
        #expect(tiled.size == Size(width: 180, height: 140))
        #expect(maxDifference(tiled.eightBit, whole.eightBit) <= 1)
    }

    @Test func untiledUpscaleEqualsTheModelOnTheReflectPaddedImage() throws {
        let (_, session, spec) = try installedModel("waifu2x-photo")
        let image = testImage(width: 40, height: 30)
        let out = try neural("waifu2x-photo").upscale(.u8(image), scale: 2).eightBit
        let padded = image.padded(EdgeInsets(all: spec.padding.pixels), mode: .reflect)
        var planes = [Float](repeating: 0, count: 3 * padded.pixelCount)
        for p in 0..<padded.pixelCount { for c in 0..<3 { planes[c * padded.pixelCount + p] = Float(padded.samples[p * 3 + c]) / 255 } }
        let result = try #require(try session.run([spec.inputName: Tensor(shape: [1, 3, padded.height, padded.width], values: planes)])[spec.outputName])
        #expect(result.shape == [1, 3, 60, 80])
        var worst = 0
        for y in 0..<60 { for x in 0..<80 { for c in 0..<3 {
            let expected = Int(UInt8(normalised: result.values[(c * 60 + y) * 80 + x]))
            worst = max(worst, abs(expected - Int(out[x, y, c])))
        } } }
        // Within rounding: x/255 and x*(1/255) can differ in the last float bit.
        #expect(worst <= 1)
    }

    @Test func alphaIsUpscaledSeparatelyAndKept() throws {
        let rgb = testImage(width: 30, height: 20)
        let alpha = Image8(width: 30, height: 20, channels: 1) { x, _, _ in x < 15 ? 0 : 255 }
        let rgba = rgb.attachingAlpha(alpha)
        let upscaler = try neural("waifu2x-photo")
        let out = try upscaler.upscale(.u8(rgba), scale: 2).eightBit
        #expect(out.channels == 4 && out.size == Size(width: 60, height: 40))
        let (color, outAlpha) = out.splitAlpha()
        #expect(color == (try upscaler.upscale(.u8(rgb), scale: 2).eightBit), "alpha must not change the colour")
        let a = try #require(outAlpha)
        #expect(a[2, 10, 0] == 0 && a[57, 10, 0] == 255)
        #expect(a[29, 10, 0] < a[30, 10, 0])
    }

    @Test func grayAnd16BitKeepTheirFormat() throws {
        let upscaler = try neural("waifu2x-photo")
        let gray = testImage(width: 24, height: 16, channels: 1)
        let grayOut = try upscaler.upscale(.u8(gray), scale: 2)
        #expect(grayOut.channels == 1 && grayOut.size == Size(width: 48, height: 32))
        let deep = testImage(width: 24, height: 16).map { UInt16($0) * 257 }
        guard case .u16(let deepOut) = try upscaler.upscale(.u16(deep), scale: 2) else {
            Issue.record("16-bit input must give 16-bit output"); return
        }
        let eight = try upscaler.upscale(.u8(testImage(width: 24, height: 16)), scale: 2).eightBit
        #expect(maxDifference(Pixels.u16(deepOut).eightBit, eight) <= 1)
    }

    @Test func progressIsReportedPerTile() throws {
        let config = try installedConfig()
        let upscaler = try Registry(kind: "m", NeuralUpscalers.all(config: config, options: NeuralOptions(tileSize: 16))).lookup("waifu2x-photo")
        let calls = ProgressLog()
        _ = try upscaler.upscale(.u8(testImage(width: 40, height: 30)), scale: 2,
                                 context: OperationContext(progress: { calls.append($0, $1) }))
        let log = calls.entries
        #expect(log.count == 6)   // 3 x 2 tiles
        #expect(log.map(\.0) == Array(1...6) && log.allSatisfy { $0.1 == 6 })
    }

    @Test func cancellationStopsTheRun() throws {
        let upscaler = try neural("waifu2x-photo", tileSize: 16)
        #expect(throws: RetouchError.self) {
            try upscaler.upscale(.u8(testImage(width: 40, height: 30)), scale: 2, context: OperationContext(isCancelled: { true }))
        }
    }

    @Test func outputOverTheLimitIsAClearError() throws {
        let upscaler = try neural("waifu2x-photo", maxOutputPixels: 1000)
        let error = #expect(throws: RetouchError.self) { try upscaler.upscale(.u8(testImage(width: 40, height: 30)), scale: 2) }
        #expect(error?.code == .imageTooLarge)
    }

    @Test func wrongScaleIsRejected() throws {
        #expect(throws: RetouchError.self) { try neural("waifu2x-photo").upscale(.u8(testImage(width: 8, height: 8)), scale: 4) }
    }

    @Test func autoThreeTimesChainsAndFits() throws {
        let config = try installedConfig()
        let auto = try Registry(kind: "m", NeuralUpscalers.all(config: config, options: NeuralOptions(autoBudgetSeconds: 1000))).lookup("auto")
        let out = try auto.upscale(.u8(testImage(width: 20, height: 14)), scale: 3)
        #expect(out.size == Size(width: 60, height: 42))
    }

    @Test func missingModelsMakeUpscalersUnavailableWithTheFix() throws {
        let upscalers = NeuralUpscalers.all(config: InferenceConfig(modelsDirectory: "/nonexistent"))
        #expect(upscalers.count == 9)
        for upscaler in upscalers {
            guard case .missing(let why) = upscaler.availability() else { Issue.record("\(upscaler.name) available"); continue }
            #expect(why.contains("scripts/install_models.sh"))
            #expect(upscaler.family == .neural)
        }
        let error = #expect(throws: RetouchError.self) { try upscalers[0].upscale(.u8(testImage(width: 8, height: 8)), scale: 2) }
        #expect(error?.code == .modelMissing)
    }
}

final class ProgressLog: @unchecked Sendable {
    private var log: [(Int, Int)] = []
    private let lock = NSLock()
    func append(_ done: Int, _ total: Int) { lock.withLock { log.append((done, total)) } }
    var entries: [(Int, Int)] { lock.withLock { log } }
}
