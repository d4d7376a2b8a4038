import ArgumentParser
import Foundation
import RetouchCodecs
import RetouchCore
import RetouchOps
import RetouchPipeline

struct AB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ab",
        abstract: "A/B experiment: run remove-first and upscale-first on a reproducible sample and compare them.",
        discussion: """
        The sample is split in two halves (one per order), or with --both every sampled image runs through both \
        orders. With --references DIR (clean images at the output size, matched by file name) PSNR and SSIM are \
        compared too. Writes OUT_DIR/ab-report.json and OUT_DIR/ab-report.html.
        """)

    @Argument(help: "Folder of input images.") var inputDir: String
    @Option(name: [.customShort("o"), .long], help: "Output folder.") var output: String
    @Option(name: .long, help: "Images to sample.") var sample: Int = 20
    @Option(name: .long, help: "Seed of the sample.") var seed: UInt64 = 1
    @Flag(name: .long, help: "Run both orders on every sampled image instead of splitting the sample.") var both = false
    @Option(name: .long, help: "Folder of clean reference images at the output size.") var references: String?
    @OptionGroup var pipelineOptions: PipelineOptions

    func validate() throws {
        guard sample >= 2 else { throw ValidationError("--sample must be at least 2") }
    }

    func run() async throws {
        let base = try pipelineOptions.load()
        let (entries, _) = try BatchInputs.scan(inputDir: inputDir, outputDir: output, outputFormat: base.outputFormat,
                                                maskDir: base.maskDir)
        guard entries.count >= 2 else {
            throw RetouchError(.invalidArgument, "\(inputDir): an A/B run needs at least 2 images, found \(entries.count)")
        }
        let chosen = ABExperiment.sample(entries, size: sample, seed: seed)
        let halves = both ? (chosen, chosen) : ABExperiment.split(chosen)
        let stop = StopFlag()
        let signals = interruptHandler(stop)
        defer { signals.cancel() }
        let a = try await runArm(.removeFirst, halves.0, base: base, stop: stop)
        let b = try await runArm(.upscaleFirst, halves.1, base: base, stop: stop)
        let report = ABReport(sampleSize: chosen.count, seed: seed, bothOrdersOnEveryImage: both, a: a, b: b)
        try writeReport(report, to: output + "/ab-report.json")
        try ImageFile.writeBytes(Array(report.html().utf8), to: output + "/ab-report.html")
        for v in report.verdicts {
            print(String(format: "%@: %@ wins by %.1f%% (A %.4g, B %.4g)", v.measure, v.winner, v.margin * 100, v.a, v.b))
        }
        print("report: \(output)/ab-report.html")
        if stop.isSet { throw ExitCode(130) }
    }

    private func runArm(_ order: PipelineOrder, _ entries: [BatchEntry], base: PipelineConfig,
                        stop: StopFlag) async throws -> ABArm {
        var config = base
        config.order = order
        config.steps = nil
        let dir = output + "/" + order.rawValue
        let armEntries = entries.map { entry in
            var e = entry
            e.outputPath = dir + "/" + String(entry.outputPath.dropFirst(output.count + 1))
            return e
        }
        let pipeline = try Pipeline(config: config, resources: try Registries.stepResources(), outputDir: dir)
        let ledger = try ResumeLedger(outputDir: dir)
        let start = ContinuousClock.now, cpu = processCPUSeconds()
        let progress = ProgressReporter(total: armEntries.count)
        let records = await BatchRunner(pipeline: pipeline, ledger: ledger).run(armEntries, progress: progress, stop: stop)
        let summary = BatchSummary(records: records, ignoredFiles: 0, wallSeconds: secondsSince(start),
                                   cpuSeconds: processCPUSeconds() - cpu, rates: config.costRates,
                                   interrupted: stop.isSet)
        progress.finish(note: "\(order.rawValue): \(summary.processed) processed, \(summary.rejected) rejected")
        let quality = try references.map { try referenceQuality(records, referenceDir: $0) }
        return ABArm(order: order.rawValue, summary: summary, meanPSNR: quality?.psnr, meanSSIM: quality?.ssim,
                     referenced: quality?.count ?? 0, images: records)
    }

    /// Mean PSNR/SSIM of approved and rejected outputs against same-named clean references.
    private func referenceQuality(_ records: [ImageRecord], referenceDir: String) throws -> (psnr: Double?, ssim: Double?, count: Int) {
        var psnrs: [Double] = [], ssims: [Double] = []
        for record in records where record.status != .failed {
            let stem = ((record.input as NSString).lastPathComponent as NSString).deletingPathExtension
            guard let reference = ["png", "jpg", "jpeg", "webp"].map({ "\(referenceDir)/\(stem).\($0)" })
                .first(where: { FileManager.default.fileExists(atPath: $0) }) else { continue }
            let ref = try ImageFile.read(reference).pixels.eightBit.converted(toChannels: 3)
            let out = try ImageFile.read(record.output).pixels.eightBit.converted(toChannels: 3)
            guard ref.size == out.size else { continue }
            let p = try Metrics.psnr(ref, out)
            psnrs.append(p.isFinite ? p : 100)
            ssims.append(try Metrics.ssim(ref, out))
        }
        guard !psnrs.isEmpty else { return (nil, nil, 0) }
        return (psnrs.reduce(0, +) / Double(psnrs.count), ssims.reduce(0, +) / Double(ssims.count), psnrs.count)
    }
}
