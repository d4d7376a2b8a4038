import ArgumentParser
import Dispatch
import Foundation
import RetouchCodecs
import RetouchCore
import RetouchOps
import RetouchPipeline

/// Config file and overrides shared by `process` and `ab`.
struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: "Pipeline config file (retouch.toml). Without it the embedded defaults apply.")
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override any config key, e.g. --set upscale.model=bicubic (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .long, help: "remove-first or upscale-first.")
    var order: String?

    @Flag(name: .long, help: "Send every image through cleaning instead of routing by p(overlay).")
    var noRoute = false

    @Option(name: .long, help: "p(overlay) above which an image is cleaned (default 0.6).")
    var threshold: Double?

    @Option(name: .long, help: "Upscale factor: 1 (none), 2, 3 or 4.")
    var scale: Int?

    @Option(name: .long, help: "Upscaler name (see `retouch models`).")
    var upscaleModel: String?

    @Option(name: .long, help: "Images processed at once.")
    var concurrency: Int?

    @Option(name: .long, help: "Folder of object masks matched by file name (white = remove).")
    var maskDir: String?

    /// The config file, then `--set`, then the dedicated flags, each overriding the one before.
    func load() throws -> PipelineConfig {
        var document = ConfigDocument()
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                throw RetouchError(.io, "\(config): cannot read the config file")
            }
            document = try ConfigDocument(parsing: text, source: config)
        }
        for override in overrides { try document.set(override: override) }
        if let order { document.set("order", .string(order)) }
        if noRoute { document.set("route", .bool(false)) }
        if let threshold { document.set("threshold", .number(threshold)) }
        if let scale { document.set("upscale.scale", .integer(scale)) }
        if let upscaleModel { document.set("upscale.model", .string(upscaleModel)) }
        if let concurrency { document.set("concurrency", .integer(concurrency)) }
        if let maskDir { document.set("inpaint.mask_dir", .string(maskDir)) }
        return try PipelineConfig(document)
    }
}

struct Process: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the pipeline over a folder: route, clean, upscale, QA, and write a report.",
        discussion: """
        Images whose p(overlay) is above the threshold are cleaned (text and overlays erased), the rest go \
        straight to the upscaler. A rerun skips images already done with the same input and config. Ctrl-C \
        finishes the images in progress and writes the report; a second Ctrl-C abandons them. \
        Exit status: 0 all done, 3 some images failed (see the report), 130 interrupted.
        """)

    @Argument(help: "Folder of input images (searched recursively).")
    var inputDir: String

    @Option(name: [.customShort("o"), .long], help: "Output folder; rejected outputs go to its rejected/ subfolder.")
    var output: String

    @OptionGroup var pipelineOptions: PipelineOptions

    @Option(name: .long, help: "Report file (JSON). Default: OUT_DIR/report.json; the per-image JSON Lines, the HTML page and its thumbnails go beside it.")
    var report: String?

    func run() async throws {
        let config = try pipelineOptions.load()
        let pipeline = try Pipeline(config: config, resources: try Registries.stepResources(), outputDir: output)
        let (entries, ignored) = try BatchInputs.scan(inputDir: inputDir, outputDir: output,
                                                      outputFormat: config.outputFormat, maskDir: config.maskDir)
        let ledger = try ResumeLedger(outputDir: output)
        let stop = StopFlag()
        let signals = interruptHandler(stop)
        defer { signals.cancel() }

        let files = ReportFiles(json: report ?? output + "/report.json")
        let start = ContinuousClock.now, cpuStart = processCPUSeconds()
        let progress = ProgressReporter(total: entries.count)
        let runner = BatchRunner(pipeline: pipeline, ledger: ledger, thumbnailDir: files.thumbnailDir)
        let records = await runner.run(entries, progress: progress, stop: stop)
        let summary = BatchSummary(records: records, ignoredFiles: ignored.count, wallSeconds: secondsSince(start),
                                   cpuSeconds: processCPUSeconds() - cpuStart, rates: config.costRates,
                                   interrupted: stop.isSet)
        try files.write(BatchReport(inputDir: inputDir, outputDir: output, order: config.order.rawValue,
                                    config: config, summary: summary, images: records))
        progress.finish(note: summaryLine(summary) + "\nreport: \(files.json) (and \(files.html))")
        if stop.isSet { throw ExitCode(130) }
        if summary.failed > 0 { throw ExitCode(3) }
    }

    private func summaryLine(_ s: BatchSummary) -> String {
        String(format: "%d images: %d processed (%d cleaned), %d skipped, %d failed; %d approved, %d rejected (%.1f%%); "
               + "%.2f img/s; cost %.4f %@ (%@ per approved)",
               s.images, s.processed, s.cleaned, s.skipped, s.failed, s.approved, s.rejected, s.rejectRate * 100,
               s.throughput, s.cost, s.currency, s.costPerApproved.map { String(format: "%.5f", $0) } ?? "n/a")
    }
}

/// First Ctrl-C: stop starting images. Second: leave at once (the ledger keeps what finished).
func interruptHandler(_ stop: StopFlag) -> DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler {
        if stop.isSet {
            FileHandle.standardError.write(Data("\nabandoning the images in progress\n".utf8))
            exit(130)
        }
        stop.set()
        FileHandle.standardError.write(Data("\nstopping: finishing the images in progress (Ctrl-C again to abandon)\n".utf8))
    }
    source.resume()
    return source
}

/// The report's files, all beside the JSON one: NAME.json, NAME.jsonl (one image per line),
/// NAME.html and the HTML page's NAME-thumbs/ folder.
struct ReportFiles {
    let json: String
    var base: String { (json as NSString).deletingPathExtension }
    var jsonLines: String { base + ".jsonl" }
    var html: String { base + ".html" }
    var thumbnailDir: String { base + "-thumbs" }

    func write(_ report: BatchReport) throws {
        try writeReport(report, to: json)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lines: [UInt8] = []
        for record in report.images {
            lines += Array(try encoder.encode(record)) + [0x0A]
        }
        try ImageFile.writeBytes(lines, to: jsonLines)
        let href = (thumbnailDir as NSString).lastPathComponent
        try ImageFile.writeBytes(Array(BatchHTMLReport(report: report, thumbnailsHref: href).render().utf8), to: html)
    }
}

func writeReport<T: Encodable>(_ report: T, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try ImageFile.writeBytes(Array(try encoder.encode(report)), to: path)
}
