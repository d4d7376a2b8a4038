import Foundation
import RetouchCodecs
import RetouchCore
import RetouchOps

/// Set when the user asks a batch to stop (Ctrl-C): no new image starts, the ones running finish.
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    public init() {}
    public var isSet: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
    public func set() { lock.lock(); stopped = true; lock.unlock() }
}

/// Runs a pipeline over a batch with bounded concurrency, resuming from the ledger and recording
/// every image, whatever happens to it.
public struct BatchRunner: Sendable {
    public let pipeline: Pipeline
    public let ledger: ResumeLedger
    public let pool: BlockingPool
    public let configHash: String
    /// Where before/after thumbnails for the HTML report go; nil writes none.
    public let thumbnailDir: String?

    public init(pipeline: Pipeline, ledger: ResumeLedger, thumbnailDir: String? = nil) {
        self.pipeline = pipeline
        self.ledger = ledger
        self.thumbnailDir = pipeline.config.reportThumbnailSize > 0 ? thumbnailDir : nil
        pool = BlockingPool(width: pipeline.config.concurrency, label: "retouch.batch")
        configHash = Self.hash(pipeline.config)
    }

    /// Hash of everything in the config that changes outputs; concurrency and cost rates do not.
    static func hash(_ config: PipelineConfig) -> String {
        var relevant = config
        relevant.concurrency = 1
        relevant.threadsPerImage = 1
        relevant.costPerCPUHour = 0
        relevant.costPerImage = 0
        relevant.currency = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return fingerprint((try? encoder.encode(relevant)) ?? Data())
    }

    public func run(_ entries: [BatchEntry], progress: ProgressReporter?, stop: StopFlag) async -> [ImageRecord] {
        var records: [ImageRecord] = []
        await withTaskGroup(of: ImageRecord.self) { group in
            var next = 0
            func startNext() -> Bool {
                guard next < entries.count, !stop.isSet else { return false }
                let entry = entries[next]
                next += 1
                group.addTask { await self.handle(entry) }
                return true
            }
            // Keep exactly `concurrency` images in flight; more would only queue inside the pool.
            for _ in 0..<pipeline.config.concurrency where !startNext() { break }
            while let record = await group.next() {
                records.append(record)
                progress?.record(record)
                _ = startNext()
            }
        }
        let order = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.relativePath, $0) })
        return records.sorted { order[$0.input, default: 0] < order[$1.input, default: 0] }
    }

    private func handle(_ entry: BatchEntry) async -> ImageRecord {
        let inputHash = (try? Data(contentsOf: URL(fileURLWithPath: entry.inputPath))).map { fingerprint($0) } ?? "unreadable"
        if var done = ledger.reusable(input: entry.relativePath, inputHash: inputHash, configHash: configHash) {
            done.status = .skipped
            return done
        }
        let pipeline = self.pipeline, thumbnailDir = self.thumbnailDir
        let threads = pipeline.config.threadsPerImage
        let outcome = try? await pool.run { () -> (WorkItem, [StepTiming], RetouchError?, Double, Double, String?) in
            let start = ContinuousClock.now, cpu = threadCPUSeconds()
            let (item, timings, error) = pipeline.process(entry, context: OperationContext(threads: threads))
            let elapsed = seconds(since: start), used = threadCPUSeconds() - cpu
            let thumbnail = thumbnailDir.flatMap { Self.writeThumbnails(item, to: $0, size: pipeline.config.reportThumbnailSize) }
            return (item, timings, error, elapsed, used, thumbnail)
        }
        var record = ImageRecord(input: entry.relativePath, output: entry.outputPath, status: .processed,
                                 inputHash: inputHash, configHash: configHash)
        guard let (item, timings, error, wall, cpu, thumbnail) = outcome else { return record }
        record.thumbnail = thumbnail
        record.steps = timings
        record.seconds = wall
        record.cpuSeconds = cpu
        record.route = item.route?.rawValue
        record.overlayProbability = item.overlayProbability
        record.notes = item.notes
        if let error {
            record.status = .failed
            record.error = error.message.hasPrefix(entry.inputPath) ? error.message : "\(entry.relativePath): \(error.message)"
            record.errorCode = error.code.rawValue
        } else {
            record.verdict = item.verdict ?? .approved
            record.reasons = item.reasons
            record.output = item.writtenPath ?? entry.outputPath
        }
        try? ledger.append(record)
        return record
    }

    /// Writes the before and after thumbnails of a finished image; returns their shared file
    /// stem, or nil when there is nothing to show or they could not be written (the report then
    /// shows the row without pictures; the image itself is unaffected).
    static func writeThumbnails(_ item: WorkItem, to dir: String, size: Int) -> String? {
        guard let before = item.sourceThumbnail, let after = item.image else { return nil }
        let stem = fingerprint(Array(item.entry.relativePath.utf8))
        var options = EncodeOptions()
        options.quality = 80
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try ImageFile.write(Image(before), to: "\(dir)/\(stem)-before.jpg", format: .jpeg, options: options)
            let small = Thumbnail.make(after.pixels.eightBit, longSide: size)
            try ImageFile.write(Image(small), to: "\(dir)/\(stem)-after.jpg", format: .jpeg, options: options)
            return stem
        } catch {
            return nil
        }
    }
}

/// CPU time of the calling thread, to charge each image for what it used.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU time of the whole process (all threads), for the batch's cost.
public func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}
