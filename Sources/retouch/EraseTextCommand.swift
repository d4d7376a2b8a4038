import ArgumentParser
import Foundation
import RetouchCodecs
import RetouchCore
import RetouchOps

struct EraseText: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase-text",
        abstract: "Remove date stamps, captions, watermarks and other text without drawing a mask.",
        discussion: """
            Finds the text, masks the letters' strokes (or whole solid caption plates and price tags),
            and fills the mask with an inpainting engine: \(InpaintEngines.registry.names.joined(separator: ", ")).
            With --route the photo is only changed when the routing classifier says it carries an
            overlay (p >= \(OverlayRouter.threshold)); text that belongs to the scene is then left alone.
            Needs the text detector: scripts/install_models.sh installs it.
            """)

    @Argument(help: "Input image (JPEG, PNG or WebP).")
    var input: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var text: TextOptions
    @OptionGroup var inputOptions: InputOptions

    @Option(name: .long, help: "Inpainting engine: \(InpaintEngines.registry.names.joined(separator: ", ")).")
    var engine: String = "auto"

    @Option(name: .long, help: "Write the mask that was filled here (white = removed).")
    var maskOut: String?

    @Flag(name: .long, help: "Only erase when p(overlay) reaches the router's threshold.")
    var route = false

    @Flag(name: .long, help: "Print what was done as JSON.")
    var json = false

    func validate() throws {
        if let maskOut { _ = try ImageFormat.forOutput(path: maskOut) }
    }

    func run() async throws {
        let start = ContinuousClock.now
        _ = try InpaintEngines.registry.lookup(engine)
        let analyzer = try text.analyzer()
        let image = try readImage(input, inputOptions, keepMetadata: output.keepMetadata)
        try Registries.textDetector.load()
        let workStart = ContinuousClock.now, workCPUStart = processCPUSeconds()
        let pixels = image.pixels.eightBit
        let analysis = try analyzer.analyse(pixels, context: text.context)
        let erase = !route || analysis.needsCleaning
        var textMask = analysis.textMask
        if !erase { textMask.mask = Image8(width: pixels.width, height: pixels.height, channels: 1) }
        let mask = try textMask.removalMask()
        var result = pixels
        var notes = [String]()
        if !erase {
            notes.append("p(overlay) \(analysis.overlayProbability) is below \(OverlayRouter.threshold): left unchanged")
        } else if !mask.isEmpty {
            let filled = try Inpainter.inpaint(pixels, mask: mask, engine: engine, context: text.context)
            result = filled.image
            notes += filled.notes
        }
        let workSeconds = secondsSince(workStart), workCPUSeconds = processCPUSeconds() - workCPUStart
        if image.pixels.bitDepth == 16 { notes.append("the 16-bit input was processed and written at 8 bits") }
        try ImageFile.write(Image(result, metadata: image.metadata), to: output.output, options: output.encodeOptions)
        if let maskOut { try writeMask(textMask, to: maskOut) }
        let report = EraseTextReport(input: input, output: output.output, engine: engine,
                                     overlayProbability: (analysis.overlayProbability * 10000).rounded() / 10000,
                                     erased: erase && !mask.isEmpty,
                                     regions: analysis.detection.regions.map(RegionReport.init),
                                     maskCoverage: (mask.coverage * 1_000_000).rounded() / 1_000_000,
                                     notes: notes, seconds: secondsSince(start), workSeconds: workSeconds,
                                     workCPUSeconds: workCPUSeconds)
        if json {
            try printJSON(report)
        } else {
            report.printText()
        }
    }
}

struct EraseTextReport: Codable {
    var input: String
    var output: String
    var engine: String
    var overlayProbability: Double
    var erased: Bool
    var regions: [RegionReport]
    var maskCoverage: Double
    var notes: [String]
    /// The whole command, from start to the written output.
    var seconds: Double
    /// Detection, masks, routing and the fill alone: no model load, decoding or encoding.
    var workSeconds: Double
    /// The CPU seconds of that work, all threads together.
    var workCPUSeconds: Double

    enum CodingKeys: String, CodingKey {
        case input, output, engine, erased, regions, notes, seconds
        case workSeconds = "work_seconds"
        case workCPUSeconds = "work_cpu_seconds"
        case overlayProbability = "overlay_probability"
        case maskCoverage = "mask_coverage"
    }

    func printText() {
        for note in notes { print("note: \(note)") }
        let percent = (maskCoverage * 10000).rounded() / 100, time = (seconds * 100).rounded() / 100
        let what = erased ? "erased \(regions.count) text region(s), \(percent)% of the image" : "nothing erased"
        print("\(output): \(what), p(overlay) \(overlayProbability), \(time) s")
    }
}
