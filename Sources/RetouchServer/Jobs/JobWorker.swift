import Foundation
import Logging
import RetouchCore
import RetouchJobs
import RetouchOps
import RetouchPipeline
import ServiceLifecycle

/// How a worker takes and runs jobs.
public struct WorkerSettings: Sendable {
    /// Names the worker in leases and results; unique per process.
    public var workerID = WorkerSettings.defaultID()
    /// Jobs processed at once (each job's images one after another).
    public var concurrency = 1
    /// How long a claim lasts without a heartbeat; a worker that dies loses its jobs after this.
    public var leaseSeconds: Double = 30
    /// Pause between claims when the queue is empty.
    public var pollSeconds: Double = 0.5
    public var threadsPerImage = 1
    /// Where inputs and outputs are staged while the pipeline runs.
    public var scratchDirectory = NSTemporaryDirectory()

    public init() {}

    public static func defaultID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(6).lowercased())"
    }

    public func validate() throws {
        guard concurrency >= 1 else { throw RetouchError(.invalidArgument, "--concurrency must be at least 1") }
        guard leaseSeconds >= 1, leaseSeconds.isFinite else { throw RetouchError(.invalidArgument, "--lease-seconds must be at least 1") }
        guard pollSeconds > 0, pollSeconds.isFinite else { throw RetouchError(.invalidArgument, "poll interval must be positive") }
    }
}

/// Claims jobs from the store and runs each pending image through the job's pipeline, holding
/// the lease with heartbeats. Results go to the blob store before the item is recorded, and the
/// store records an item's first outcome only, so a job taken over from a dead worker finishes
/// with exactly one result per image.
///
/// On graceful shutdown (SIGTERM/SIGINT) it claims nothing more, finishes the image in progress
/// and hands each job it holds back to the queue, so another worker continues at once instead of
/// after the lease runs out.
public final class JobWorker: Service, Sendable {
    let store: any JobStore
    let blobs: any BlobStore
    let resources: StepResources
    public let settings: WorkerSettings
    let metrics: ServerMetrics?
    let logger: Logger
    private let pool: BlockingPool
    private let stopping = StopFlag()

    public init(store: any JobStore, blobs: any BlobStore, resources: StepResources, settings: WorkerSettings,
                metrics: ServerMetrics? = nil, logger: Logger) throws {
        try settings.validate()
        self.store = store
        self.blobs = blobs
        self.resources = resources
        self.settings = settings
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "worker"] = .string(settings.workerID)
        self.logger = logger
        pool = BlockingPool(width: settings.concurrency, label: "retouch.worker")
    }

    public func run() async throws {
        logger.info("worker started", metadata: ["concurrency": .stringConvertible(settings.concurrency)])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<settings.concurrency { group.addTask { await self.claimLoop() } }
            }
        } onGracefulShutdown: {
            self.stopping.set()
        }
        try? FileManager.default.removeItem(atPath: scratchRoot)
        logger.info("worker stopped")
    }

    /// This worker's staging folder; each job gets a subfolder, removed when the job ends.
    private var scratchRoot: String { settings.scratchDirectory + "/retouch-\(settings.workerID)" }

    private func claimLoop() async {
        var backoff = RetryBackoff()
        while !stopping.isSet && !Task.isCancelled {
            do {
                let job = try await store.claim(workerID: settings.workerID, leaseSeconds: settings.leaseSeconds)
                backoff.reset()
                if let job {
                    await process(job)
                } else {
                    try? await Task.sleep(for: .seconds(settings.pollSeconds))
                }
            } catch {
                let delay = backoff.next()
                logger.error("cannot claim a job; retrying", metadata: ["error": .string("\(error)"),
                                                                       "retry_in_seconds": .stringConvertible(delay)])
                await pause(seconds: delay)
            }
        }
    }

    /// Sleeps, waking early on shutdown, so a worker backing off from a dead database still stops promptly.
    private func pause(seconds: Double) async {
        let until = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !stopping.isSet && !Task.isCancelled && ContinuousClock.now < until {
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    private enum Ending {
        case finished(JobState, String?)
        /// Shutting down: give the job back.
        case handBack
        /// The lease is gone, or the store cannot be written: leave the job to whoever holds it next.
        case abandon(String)
    }

    private func process(_ job: Job) async {
        let logger = self.logger.with("job", job.id)
        logger.info("claimed job", metadata: ["attempt": .stringConvertible(job.attempts),
                                             "pending": .stringConvertible(job.items.filter { $0.state == .pending }.count)])
        let lease = LeaseFlags()
        let heartbeat = Task { await self.heartbeat(job.id, lease, logger) }
        let ending = await runItems(job, lease, logger)
        heartbeat.cancel()
        do {
            switch ending {
            case .finished(let state, let error):
                let final = try await store.finish(jobID: job.id, workerID: settings.workerID, state: state, error: error)
                logger.info("finished job", metadata: ["state": .string(final.state.rawValue),
                                                       "succeeded": .stringConvertible(final.progress.succeeded),
                                                       "failed": .stringConvertible(final.progress.failed)])
            case .handBack:
                try await store.release(jobID: job.id, workerID: settings.workerID)
                logger.info("handed the job back to the queue")
            case .abandon(let why):
                logger.warning("left the job", metadata: ["reason": .string(why)])
            }
        } catch {
            logger.warning("could not record the end of the job", metadata: ["error": .string("\(error)")])
        }
    }

    private func runItems(_ job: Job, _ lease: LeaseFlags, _ logger: Logger) async -> Ending {
        var config: PipelineConfig
        let pipeline: Pipeline
        let scratch = scratchRoot + "/\(job.id)"
        do {
            config = try JobConfig.decode(job.config)
            config.concurrency = 1
            config.threadsPerImage = settings.threadsPerImage
            pipeline = try Pipeline(config: config, resources: resources, outputDir: scratch + "/out")
        } catch {
            return .finished(.failed, "cannot run this job's pipeline: \(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var succeeded = job.items.filter { $0.state == .succeeded }.count
        for item in job.items where item.state == .pending {
            if lease.isLost { return .abandon("lease lost") }
            if lease.isCancelRequested { return .finished(.cancelled, nil) }
            if stopping.isSet { return .handBack }
            do {
                if try await runItem(job, item, pipeline, scratch, lease) { succeeded += 1 }
            } catch let error as RetouchError where error.code == .leaseLost {
                return .abandon(error.message)
            } catch {
                return .abandon("cannot record item \(item.index): \(error)")
            }
        }
        if lease.isCancelRequested { return .finished(.cancelled, nil) }
        return succeeded > 0 || job.items.isEmpty ? .finished(.succeeded, nil)
            : .finished(.failed, "every image failed; see each item's error")
    }

    /// Processes one item and records its outcome; true when it produced a result.
    private func runItem(_ job: Job, _ item: JobItem, _ pipeline: Pipeline, _ scratch: String,
                         _ lease: LeaseFlags) async throws -> Bool {
        let input: Data
        let mask: Data?
        do {
            input = try await blobs.get(item.inputBlob)
            if let key = item.maskBlob { mask = try await blobs.get(key) } else { mask = nil }
        } catch let error as RetouchError where error.code == .notFound {
            try await store.failItem(jobID: job.id, index: item.index, workerID: settings.workerID,
                                     error: "the uploaded image or its mask is missing from the blob store")
            return false
        }
        let context = OperationContext(threads: settings.threadsPerImage,
                                       isCancelled: { lease.isCancelRequested || lease.isLost })
        let workerID = settings.workerID
        let outcome = try await pool.run {
            ItemProcessor.run(input, mask: mask, index: item.index, name: item.inputName, pipeline: pipeline,
                              scratch: scratch, context: context, workerID: workerID)
        }
        for timing in outcome.timings { metrics?.stepFinished(timing.step, seconds: timing.seconds) }
        guard let bytes = outcome.bytes, let result = outcome.result else {
            let message = outcome.error?.message ?? "no output"
            try await store.failItem(jobID: job.id, index: item.index, workerID: workerID, error: message)
            metrics?.itemFinished(outcome: "failed")
            return false
        }
        let key: BlobKey
        do {
            key = try await blobs.put(Data(bytes))
        } catch let error as RetouchError where error.code == .io {
            // A full disk or a refused write: the item fails with the reason, rather than the
            // job bouncing between workers until its attempts run out with no word of why.
            try await store.failItem(jobID: job.id, index: item.index, workerID: workerID,
                                     error: "cannot store the result: \(error.message)")
            metrics?.itemFinished(outcome: "failed")
            return false
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        let recorded = try await store.completeItem(jobID: job.id, index: item.index, workerID: workerID,
                                                    resultBlob: key, resultJSON: json)
        metrics?.itemFinished(outcome: recorded ? "succeeded" : "duplicate")
        return recorded
    }

    /// Renews the lease a few times per lease period until cancelled; learns of cancel requests
    /// and of a lost lease.
    private func heartbeat(_ jobID: String, _ lease: LeaseFlags, _ logger: Logger) async {
        let interval = settings.leaseSeconds / 3
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(interval))
            if Task.isCancelled { return }
            do {
                if try await store.heartbeat(jobID: jobID, workerID: settings.workerID,
                                             leaseSeconds: settings.leaseSeconds) == .cancelRequested {
                    lease.markCancelRequested()
                }
            } catch let error as RetouchError where error.code == .leaseLost {
                lease.markLost()
                return
            } catch {
                logger.warning("heartbeat failed; retrying", metadata: ["error": .string("\(error)")])
            }
        }
    }
}

/// What the heartbeat learned, read by the item loop and by running operations.
final class LeaseFlags: @unchecked Sendable {
    private let lock = NSLock()
    private var lost = false
    private var cancelRequested = false

    var isLost: Bool { lock.withLock { lost } }
    var isCancelRequested: Bool { lock.withLock { cancelRequested } }
    func markLost() { lock.withLock { lost = true } }
    func markCancelRequested() { lock.withLock { cancelRequested = true } }
}

extension Logger {
    func with(_ key: String, _ value: String) -> Logger {
        var logger = self
        logger[metadataKey: key] = .string(value)
        return logger
    }
}
