import Foundation
import Testing
import RetouchCodecs
import RetouchCore
import RetouchInference
import RetouchOps
@testable import RetouchPipeline

/// Resources with the installed detector; the test fails (never skips) when it is missing.
private func realResources(probability: @escaping @Sendable (TextDetection, TextMask) -> Double) throws -> StepResources {
    let inference = try InferenceConfig.fromEnvironment()
    guard let detector = StandardRegistries.textDetector(inference: inference) else {
        Issue.record("text detector missing: run scripts/install_models.sh")
        throw RetouchError(.modelMissing, "text detector missing")
    }
    return StepResources(upscalers: Registry(kind: "upscale model", ResamplerUpscalers.all), textDetector: detector,
                         overlayProbability: probability)
}

/// A smooth photo with a white block-letter caption near the bottom; returns the caption's box.
private func stampedPhoto() -> (Image8, Rect) {
    var photo = Image8(width: 320, height: 200, channels: 3) { x, y, c in UInt8(60 + x / 5 + y / 4 + c * 20) }
    let glyph = [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"]  // "A"
    for letter in 0..<6 {
        for (r, row) in glyph.enumerated() {
            for (col, v) in row.enumerated() where v == "#" {
                for dy in 0..<3 { for dx in 0..<3 {
                    let x = 30 + letter * 18 + col * 3 + dx, y = 160 + r * 3 + dy
                    for c in 0..<3 { photo[x, y, c] = 255 }
                } }
            }
        }
    }
    return (photo, Rect(x: 30, y: 160, width: 6 * 18, height: 21))
}

private func folder(with image: Image8) throws -> (String, String) {
    let root = NSTemporaryDirectory() + "retouch-route-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root + "/in", withIntermediateDirectories: true)
    try ImageFile.write(Image(image), to: root + "/in/stamped.png")
    return (root + "/in", root + "/out")
}

private func run(_ input: String, _ output: String, _ config: PipelineConfig, _ resources: StepResources) async throws -> ImageRecord {
    let pipeline = try Pipeline(config: config, resources: resources, outputDir: output)
    let (entries, _) = try BatchInputs.scan(inputDir: input, outputDir: output, outputFormat: "png", maskDir: nil)
    let records = await BatchRunner(pipeline: pipeline, ledger: try ResumeLedger(outputDir: output))
        .run(entries, progress: nil, stop: StopFlag())
    return try #require(records.first)
}

@Test(arguments: [(0.59, Route.direct), (0.6, Route.cleaned), (0.61, Route.cleaned)])
func theRouterCleansAtOrAboveTheThreshold(p: Double, expected: Route) async throws {
    let (photo, _) = stampedPhoto()
    let (input, output) = try folder(with: photo)
    var config = PipelineConfig()
    config.outputFormat = "png"
    config.qaEnabled = true
    let record = try await run(input, output, config, try realResources(probability: { _, _ in p }))
    #expect(record.status == .processed, "\(record)")
    #expect(record.route == expected.rawValue)
    #expect(record.overlayProbability == p)
}

@Test func routingOffCleansEvenImagesTheRouterWouldPass() async throws {
    let (photo, _) = stampedPhoto()
    let (input, output) = try folder(with: photo)
    var config = PipelineConfig()
    config.route = false
    config.outputFormat = "png"
    let record = try await run(input, output, config, try realResources(probability: { _, _ in 0 }))
    #expect(record.route == Route.cleaned.rawValue)
}

@Test(arguments: PipelineOrder.allCases)
func bothOrdersEraseTheCaptionAndUpscale(order: PipelineOrder) async throws {
    let (photo, caption) = stampedPhoto()
    let (input, output) = try folder(with: photo)
    var config = PipelineConfig()
    config.order = order
    config.outputFormat = "png"
    config.upscaleScale = 2
    let record = try await run(input, output, config, try realResources(probability: { d, _ in d.regions.isEmpty ? 0 : 0.9 }))
    #expect(record.status == .processed, "\(record)")
    #expect(record.route == Route.cleaned.rawValue)
    #expect(record.steps.map(\.step) == Pipeline.defaultSteps(for: order))
    let result = try ImageFile.read(record.output).pixels.eightBit
    #expect(result.size == Size(width: 640, height: 400))
    // Where the white letters were, the result is back near the background.
    var white = 0
    for y in caption.y * 2..<caption.maxY * 2 { for x in caption.x * 2..<caption.maxX * 2 where result[x, y, 0] > 235 { white += 1 } }
    #expect(white < caption.width * caption.height / 20, "\(white) near-white pixels left of the caption")
}
