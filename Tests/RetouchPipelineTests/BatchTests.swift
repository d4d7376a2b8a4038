import Foundation
import Testing
import RetouchCodecs
import RetouchCore
import RetouchOps
@testable import RetouchPipeline

/// A folder of small generated photos, with optional extra files.
func makeBatchFolder(images: Int, extra: [String: [UInt8]] = [:]) throws -> (input: String, output: String) {
    let root = NSTemporaryDirectory() + "retouch-batch-\(UUID().uuidString)"
    let input = root + "/in"
    try FileManager.default.createDirectory(atPath: input + "/sub", withIntermediateDirectories: true)
    for i in 0..<images {
        let buffer = Image8(width: 40 + i, height: 30, channels: 3) { x, y, c in UInt8((x * 3 + y * 5 + c * 70 + i * 11) % 256) }
        try ImageFile.write(Image(buffer), to: input + (i % 2 == 0 ? "/" : "/sub/") + "photo\(i).png")
    }
    for (name, bytes) in extra { try Data(bytes).write(to: URL(fileURLWithPath: input + "/" + name)) }
    return (input, root + "/out")
}

func resources(probability: @escaping @Sendable (TextDetection, TextMask) -> Double = { _, _ in 0 }) -> StepResources {
    StepResources(upscalers: Registry(kind: "upscale model", ResamplerUpscalers.all), textDetector: nil,
                  overlayProbability: probability)
}

func runBatch(_ input: String, _ output: String, _ config: PipelineConfig) async throws -> [ImageRecord] {
    let pipeline = try Pipeline(config: config, resources: resources(), outputDir: output)
    let (entries, _) = try BatchInputs.scan(inputDir: input, outputDir: output, outputFormat: config.outputFormat,
                                            maskDir: config.maskDir)
    let ledger = try ResumeLedger(outputDir: output)
    return await BatchRunner(pipeline: pipeline, ledger: ledger).run(entries, progress: nil, stop: StopFlag())
}

func upscaleOnly(_ scale: Int = 2) -> PipelineConfig {
    var config = PipelineConfig()
    config.steps = ["decode", "upscale", "qa", "encode"]
    config.upscaleScale = scale
    config.outputFormat = "webp"
    return config
}

@Test func everyImageIsWrittenAtTheScaledSize() async throws {
    let (input, output) = try makeBatchFolder(images: 5)
    let records = try await runBatch(input, output, upscaleOnly(3))
    #expect(records.count == 5)
    for record in records {
        #expect(record.status == .processed && record.verdict == .approved, "\(record)")
        let info = try ImageFile.probe(record.output)
        #expect(info.format == .webp && info.height == 90)
        #expect(record.output.hasPrefix(output + "/"))
    }
    #expect(records.map(\.input).contains("sub/photo1.png"))
    #expect(FileManager.default.fileExists(atPath: output + "/sub/photo1.webp"))
}

@Test func aCorruptFileIsReportedAndTheRestFinish() async throws {
    let (input, output) = try makeBatchFolder(images: 3, extra: ["broken.png": [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0],
                                                               "notes.txt": Array("hi".utf8)])
    let records = try await runBatch(input, output, upscaleOnly())
    let failed = records.filter { $0.status == .failed }
    #expect(failed.map(\.input) == ["broken.png"])
    #expect(failed.first?.error?.contains("broken.png") == true)
    #expect(records.filter { $0.status == .processed }.count == 3)
    let summary = BatchSummary(records: records, ignoredFiles: 1, wallSeconds: 1800, cpuSeconds: 3600,
                               rates: CostRates(cpuHour: 0.5, gpuHour: 2, perImage: 0.01), interrupted: false)
    #expect(summary.images == summary.processed + summary.failed + summary.skipped)
    #expect(summary.processed == summary.approved + summary.rejected)
    #expect(abs(summary.cost - (0.5 + 1 + 3 * 0.01)) < 1e-9)
    #expect(abs((summary.costPerApproved ?? 0) - summary.cost / 3) < 1e-9)
}

@Test func aRerunSkipsFinishedWorkUnlessInputOrConfigChanged() async throws {
    let (input, output) = try makeBatchFolder(images: 4)
    let first = try await runBatch(input, output, upscaleOnly())
    #expect(first.allSatisfy { $0.status == .processed })
    let second = try await runBatch(input, output, upscaleOnly())
    #expect(second.allSatisfy { $0.status == .skipped })
    // Change one input and delete another's output: only those two run again.
    let changed = Image8(width: 20, height: 20, channels: 3, fill: 9)
    try ImageFile.write(Image(changed), to: input + "/photo0.png")
    try FileManager.default.removeItem(atPath: output + "/photo2.webp")
    let third = try await runBatch(input, output, upscaleOnly())
    #expect(Set(third.filter { $0.status == .processed }.map(\.input)) == ["photo0.png", "photo2.png"])
    // A different config redoes everything.
    let fourth = try await runBatch(input, output, upscaleOnly(4))
    #expect(fourth.allSatisfy { $0.status == .processed })
}

@Test func unknownStepsAndModelsFailBeforeTheBatchStarts() throws {
    var config = upscaleOnly()
    config.steps = ["decode", "sharpen"]
    #expect(throws: RetouchError.self) { try Pipeline(config: config, resources: resources(), outputDir: "/tmp/x") }
    config = upscaleOnly()
    config.upscaleModel = "nope"
    #expect(throws: RetouchError.self) { try Pipeline(config: config, resources: resources(), outputDir: "/tmp/x") }
}

@Test func theABSampleIsReproducibleAndSplitEvenly() {
    let entries = (0..<50).map { BatchEntry(relativePath: "p\($0).jpg", inputPath: "", outputPath: "", maskPath: nil) }
    let one = ABExperiment.sample(entries, size: 10, seed: 7)
    #expect(one == ABExperiment.sample(entries, size: 10, seed: 7))
    #expect(one != ABExperiment.sample(entries, size: 10, seed: 8))
    #expect(Set(one.map(\.relativePath)).count == 10)
    let (a, b) = ABExperiment.split(one)
    #expect(a.count == 5 && b.count == 5 && Set(a.map(\.relativePath)).isDisjoint(with: b.map(\.relativePath)))
}

@Test func seamScoreSeparatesBlendedFromVisibleFills() {
    let texture = Image8(width: 60, height: 60, channels: 3) { x, y, _ in UInt8(100 + ((x / 3 + y / 3) % 2) * 20) }
    var mask = Image8(width: 60, height: 60, channels: 1)
    for y in 20..<40 { for x in 20..<40 { mask[x, y, 0] = 255 } }
    #expect(SeamScore.measure(texture, filled: mask) < 1)
    var scarred = texture
    for y in 20..<40 { for x in 20..<40 { for c in 0..<3 { scarred[x, y, c] = 250 } } }
    #expect(SeamScore.measure(scarred, filled: mask) > 1)
}

@Test func masksFromTheMaskFolderRemoveObjects() async throws {
    let root = NSTemporaryDirectory() + "retouch-masks-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root + "/in", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: root + "/masks", withIntermediateDirectories: true)
    // A smooth gradient with a red square "photobomber"; the mask (drawn at half size) covers it.
    var photo = Image8(width: 64, height: 48, channels: 3) { x, y, c in UInt8(60 + x + y + c * 20) }
    for y in 16..<28 { for x in 20..<34 { photo[x, y, 0] = 250; photo[x, y, 1] = 10; photo[x, y, 2] = 10 } }
    try ImageFile.write(Image(photo), to: root + "/in/shop.png")
    try ImageFile.write(Image(photo), to: root + "/in/plain.png")
    let mask = Image8(width: 32, height: 24, channels: 1) { x, y, _ in (9..<18).contains(x) && (7..<15).contains(y) ? 255 : 0 }
    try ImageFile.write(Image(mask), to: root + "/masks/shop_mask.png")

    var config = PipelineConfig()
    config.steps = ["decode", "inpaint", "qa", "encode"]
    config.maskDir = root + "/masks"
    config.outputFormat = "png"
    let records = try await runBatch(root + "/in", root + "/out", config)
    #expect(records.allSatisfy { $0.status == .processed && $0.verdict == .approved }, "\(records)")
    let cleaned = try ImageFile.read(root + "/out/shop.png").pixels.eightBit
    let untouched = try ImageFile.read(root + "/out/plain.png").pixels.eightBit
    #expect(untouched == photo)
    for y in 16..<28 { for x in 20..<34 {
        #expect(abs(Int(cleaned[x, y, 0]) - Int(60 + x + y)) < 12, "pixel \(x),\(y) still red")
    } }
}
