import ArgumentParser
import Foundation
import Logging
import RetouchCore
import RetouchPipeline
import RetouchServer
import ServiceLifecycle

/// `retouch serve`: the HTTP API, with graceful shutdown on SIGTERM/SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP API (see README, section HTTP API, and GET /openapi.yaml).",
        discussion: """
        Requests need `Authorization: Bearer KEY` (create keys with `retouch keys create NAME`), except \
        /healthz, /readyz and /openapi.yaml. SIGTERM or SIGINT turns /readyz to 503, keeps serving for \
        --drain-seconds, then stops accepting connections and finishes the requests in flight before exiting.
        """)

    @Option(name: .long, help: "Address to listen on; 0.0.0.0 for every interface.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on; 0 picks a free one (printed at start).")
    var port = 8080

    @Option(name: .long, help: "Pipeline config (retouch.toml) that jobs start from; each job may override its keys.")
    var config: String?

    @Option(name: .long, help: "Job database and API keys: a SQLite file (created when missing) or a postgres:// URL.")
    var db: String = DataLocations.defaultDatabase

    @Option(name: .long, help: "PostgreSQL schema holding the tables, to keep deployments apart in one database.")
    var schema = "public"

    @Option(name: .long, help: "Folder for uploads and results (content-addressed; may be shared by several machines).")
    var blobs: String = DataLocations.defaultBlobs

    @Option(name: .long, help: "Jobs this process runs at once (an in-process worker); 0 leaves jobs to `retouch worker`.")
    var jobWorkers = 1

    @Option(name: .long, help: "Hours a finished job and its results are kept before they are deleted.")
    var retentionHours: Double = 24

    @Option(name: .long, help: "Most images in one job.")
    var maxJobImages = ServerSettings().maxJobImages

    @Option(name: .long, help: "Most jobs waiting in the queue; POST /v1/jobs beyond it gets 429.")
    var maxQueuedJobs = ServerSettings().maxQueuedJobs

    @Option(name: .long, help: "Largest request body in MB (413 beyond).")
    var maxBodyMb = 32

    @Option(name: .long, help: "Largest input image in pixels, checked from its header (413 beyond).")
    var maxPixels = ServerSettings().maxPixels

    @Option(name: .long, help: "Largest output image in pixels (413 beyond).")
    var maxOutputPixels = ServerSettings().maxOutputPixels

    @Option(name: .long, help: "Images processed at once by the synchronous endpoints.")
    var workers = ServerSettings().workers

    @Option(name: .long, help: "Requests that may wait for a worker; beyond workers + queue: 429 with Retry-After.")
    var queue = ServerSettings().queue

    @Option(name: .long, help: "Threads per image operation (0 = all cores).")
    var threadsPerImage = 1

    @Option(name: .long, help: "Seconds between SIGTERM and closing the listener, with /readyz answering 503 meanwhile.")
    var drainSeconds: Double = 0

    @Option(name: .long, help: "Seconds a request's headers may take to arrive (408 beyond).")
    var headerTimeout: Double = ServerSettings().headTimeoutSeconds

    @Option(name: .long, help: "Seconds a request's body may take to arrive (408 beyond).")
    var bodyTimeout: Double = ServerSettings().bodyTimeoutSeconds

    @Option(name: .long, help: "Minutes an unreferenced blob must have been left alone before the sweep deletes it.")
    var blobGraceMinutes: Double = 60

    @Flag(name: .long, help: "Accept requests without an API key. Refused unless --host is a loopback address.")
    var noAuth = false

    @Option(name: .long, help: "Seconds a valid API key is trusted before the key store is asked again (a revoked key works at most this long); 0 checks every request.")
    var keyCacheSeconds: Double = ServerSettings().keyCacheSeconds

    @Option(name: .long, help: "Log format: text or json (one object per line).")
    var logFormat = "text"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard (1...4096).contains(maxBodyMb) else { throw ValidationError("--max-body-mb must be 1-4096") }
        guard jobWorkers >= 0 else { throw ValidationError("--job-workers must be 0 or more") }
    }

    var settings: ServerSettings {
        var settings = ServerSettings()
        settings.host = host
        settings.port = port
        settings.maxBodyBytes = maxBodyMb * 1024 * 1024
        settings.maxPixels = maxPixels
        settings.maxOutputPixels = maxOutputPixels
        settings.workers = workers
        settings.queue = queue
        settings.threadsPerImage = threadsPerImage
        settings.requireAuth = !noAuth
        settings.keyCacheSeconds = keyCacheSeconds
        settings.retentionSeconds = retentionHours * 3600
        settings.maxJobImages = maxJobImages
        settings.maxQueuedJobs = maxQueuedJobs
        settings.drainSeconds = drainSeconds
        settings.headTimeoutSeconds = headerTimeout
        settings.bodyTimeoutSeconds = bodyTimeout
        return settings
    }

    func run() async throws {
        let logger = bootstrapLogging(format: logFormat, level: logLevel, label: "retouch.serve")
        let settings = self.settings
        try settings.validate()
        let keys = try await DataLocations.openKeyStore(db, schema: schema)
        if !noAuth, try await !keys.hasActiveKeys() {
            logger.warning("no active API keys: every request will get 401; create one with `retouch keys create NAME --db \(db)`")
        }
        let resources = try Registries.stepResources()
        let store = try await DataLocations.openJobStore(db, schema: schema)
        let blobStore = try DataLocations.openBlobStore(blobs)
        let jobs = JobServices(store: store, blobs: blobStore, baseConfig: try baseConfig())
        let api = try RetouchAPI(settings: settings, resources: resources, keys: keys, jobs: jobs)
        guard blobGraceMinutes > 0, blobGraceMinutes.isFinite else {
            throw RetouchError(.invalidArgument, "--blob-grace-minutes must be positive")
        }
        var services: [any Service] = [RetentionPurger(store: store, blobs: blobStore, graceSeconds: blobGraceMinutes * 60,
                                                       logger: logger)]
        if jobWorkers > 0 {
            var worker = WorkerSettings()
            worker.concurrency = jobWorkers
            worker.threadsPerImage = threadsPerImage
            services.append(try JobWorker(store: store, blobs: blobStore, resources: resources, settings: worker,
                                          metrics: api.metrics, logger: logger))
        }
        let host = settings.host
        let app = api.makeApplication(logger: logger, services: services) { port in
            FileHandle.standardOutput.write(Data("retouch: listening on http://\(host):\(port)\n".utf8))
        }
        // The drain service comes last so that it hears of shutdown first (see drainService).
        let group = ServiceGroup(configuration: .init(services: [app, api.drainService()],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try await store.close()
    }

    private func baseConfig() throws -> ConfigDocument {
        guard let config else { return ConfigDocument(source: "server defaults") }
        guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
            throw RetouchError(.io, "\(config): cannot read the config file")
        }
        let document = try ConfigDocument(parsing: text, source: config)
        _ = try PipelineConfig(document)
        return document
    }
}

/// Sets up swift-log once for the process and returns the command's logger.
func bootstrapLogging(format: String, level: String, label: String) -> Logger {
    let logLevel = Logger.Level(rawValue: level) ?? .info
    LoggingSystem.bootstrap { label in
        var handler: any LogHandler = format == "json" ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
        handler.logLevel = logLevel
        return handler
    }
    var logger = Logger(label: label)
    logger.logLevel = logLevel
    return logger
}
