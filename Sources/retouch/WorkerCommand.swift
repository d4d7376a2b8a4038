import ArgumentParser
import Foundation
import RetouchServer
import ServiceLifecycle

/// `retouch worker`: drains the job queue. Any number of workers, on any number of machines, may
/// share a PostgreSQL queue and a blob folder.
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Process queued jobs (from POST /v1/jobs) until stopped.",
        discussion: """
        Claims a job, runs its pipeline on each image and records the results, renewing its lease as it goes. \
        If the worker dies, its lease runs out and another worker takes the job over, keeping the images already \
        done. SIGTERM or SIGINT: finish the current image, hand the job back to the queue, exit.
        """)

    @Option(name: .long, help: "Job database: a postgres:// URL (shared queue) or a SQLite file (one machine).")
    var db: String = DataLocations.defaultDatabase

    @Option(name: .long, help: "PostgreSQL schema holding the tables, to keep deployments apart in one database.")
    var schema = "public"

    @Option(name: .long, help: "Blob folder, the same one the server uses.")
    var blobs: String = DataLocations.defaultBlobs

    @Option(name: .long, help: "Jobs processed at once.")
    var concurrency = 1

    @Option(name: .long, help: "Seconds a claim lasts without a heartbeat (heartbeats come every third of it).")
    var leaseSeconds: Double = 30

    @Option(name: .long, help: "Threads per image operation (0 = all cores).")
    var threadsPerImage = 1

    @Option(name: .long, help: "Log format: text or json.")
    var logFormat = "text"

    @Option(name: .long, help: "Log level.")
    var logLevel = "info"

    func run() async throws {
        let logger = bootstrapLogging(format: logFormat, level: logLevel, label: "retouch.worker")
        var settings = WorkerSettings()
        settings.concurrency = concurrency
        settings.leaseSeconds = leaseSeconds
        settings.threadsPerImage = threadsPerImage
        let store = try await DataLocations.openJobStoreWaiting(db, schema: schema, logger: logger)
        let worker = try JobWorker(store: store, blobs: try DataLocations.openBlobStore(blobs),
                                   resources: try Registries.stepResources(), settings: settings, logger: logger)
        FileHandle.standardOutput.write(Data("retouch: worker \(settings.workerID) started\n".utf8))
        let group = ServiceGroup(configuration: .init(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
        try await store.close()
    }
}
