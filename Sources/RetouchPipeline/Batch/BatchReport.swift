import Foundation

/// What happened to one image.
public struct ImageRecord: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case processed, failed, skipped }
    public enum Verdict: String, Codable, Sendable { case approved, rejected }

    /// Input path relative to the input folder.
    public var input: String
    public var output: String
    public var status: Status
    public var inputHash: String
    public var configHash: String
    /// "cleaned" when the router sent it through overlay removal, "direct" when not.
    public var route: String?
    public var overlayProbability: Double?
    public var verdict: Verdict?
    public var reasons: [String] = []
    public var error: String?
    public var errorCode: String?
    /// Seconds per step, in the order they ran.
    public var steps: [StepTiming] = []
    public var seconds: Double = 0
    public var cpuSeconds: Double = 0
    public var notes: [String] = []
    /// File stem of the before/after thumbnails in the report's thumbnail folder, if written.
    public var thumbnail: String?

    public init(input: String, output: String, status: Status, inputHash: String, configHash: String) {
        self.input = input; self.output = output; self.status = status
        self.inputHash = inputHash; self.configHash = configHash
    }
}

public struct StepTiming: Codable, Sendable, Equatable {
    public var step: String
    public var seconds: Double
}

/// The totals an operator reads after a run.
public struct BatchSummary: Codable, Sendable, Equatable {
    public var images = 0
    public var processed = 0
    /// Reused from an earlier run (resumed).
    public var skipped = 0
    public var failed = 0
    public var approved = 0
    public var rejected = 0
    public var cleaned = 0
    public var ignoredFiles = 0
    /// Rejected / processed (0 when nothing was processed).
    public var rejectRate = 0.0
    public var wallSeconds = 0.0
    public var cpuSeconds = 0.0
    /// Processed images per wall-clock second.
    public var throughput = 0.0
    public var cost = 0.0
    /// Total cost / approved images (nil when none was approved).
    public var costPerApproved: Double?
    public var currency = "USD"
    /// Wall time spent outside the steps (scheduling, I/O, ledger, report), as a fraction.
    public var overheadFraction = 0.0
    public var interrupted = false

    public init() {}

    /// Adds up the records, so the summary can never disagree with them.
    public init(records: [ImageRecord], ignoredFiles: Int, wallSeconds: Double, cpuSeconds: Double,
                rates: CostRates, interrupted: Bool) {
        images = records.count
        processed = records.filter { $0.status == .processed }.count
        skipped = records.filter { $0.status == .skipped }.count
        failed = records.filter { $0.status == .failed }.count
        approved = records.filter { $0.status == .processed && $0.verdict == .approved }.count
        rejected = records.filter { $0.status == .processed && $0.verdict == .rejected }.count
        cleaned = records.filter { $0.status == .processed && $0.route == "cleaned" }.count
        self.ignoredFiles = ignoredFiles
        rejectRate = processed > 0 ? Double(rejected) / Double(processed) : 0
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        throughput = wallSeconds > 0 ? Double(processed) / wallSeconds : 0
        cost = rates.cost(cpuSeconds: cpuSeconds, wallSeconds: wallSeconds, images: processed)
        costPerApproved = approved > 0 ? cost / Double(approved) : nil
        currency = rates.currency
        let busy = records.filter { $0.status == .processed }.map(\.seconds).reduce(0, +)
        let stepTime = records.flatMap(\.steps).map(\.seconds).reduce(0, +)
        overheadFraction = busy > 0 ? max(0, (busy - stepTime) / busy) : 0
        self.interrupted = interrupted
    }
}

/// The report file: configuration, totals and every image's record.
public struct BatchReport: Codable, Sendable {
    public var inputDir: String
    public var outputDir: String
    public var order: String
    public var config: PipelineConfig
    public var summary: BatchSummary
    public var images: [ImageRecord]

    public init(inputDir: String, outputDir: String, order: String, config: PipelineConfig,
                summary: BatchSummary, images: [ImageRecord]) {
        self.inputDir = inputDir; self.outputDir = outputDir; self.order = order
        self.config = config; self.summary = summary; self.images = images
    }
}
