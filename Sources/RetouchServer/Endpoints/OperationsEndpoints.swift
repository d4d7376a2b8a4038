import Foundation
import Hummingbird
import RetouchInference
import RetouchJobs
import RetouchOps

/// Liveness, readiness, metrics, the OpenAPI document and the model list.
extension RetouchAPI {
    func addOperationsRoutes(_ routes: RouteRecorder) {
        routes.on(.get, "/healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        routes.on(.get, "/readyz") { [self] _, _ in try await readiness() }
        routes.on(.get, "/metrics") { [self] _, _ in await metricsResponse() }
        routes.on(.get, "/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
        routes.on(.get, "/v1/models") { [self] _, _ in
            try JSONResponse.make(ModelList(resources.upscalers, inpainters: InpaintEngines.registry,
                                            detector: resources.textDetector))
        }
    }

    /// Ready when the default upscaler can run and the stores answer; never while draining.
    private func readiness() async throws -> Response {
        if draining.isSet {
            return try JSONResponse.make(Readiness(status: "draining", checks: ["shutdown": "in progress: finishing the requests in flight"]),
                                         status: .serviceUnavailable)
        }
        var checks: [String: String] = [:]
        let fallback = resources.upscalers.entries.first { $0.availability().isAvailable }
        checks["models"] = fallback == nil ? "no upscaler is available" : "ok"
        if let keys {
            do {
                checks["key_store"] = try await keys.hasActiveKeys() ? "ok" : "ok (no active keys: every request gets 401)"
            } catch {
                checks["key_store"] = "unreachable: \(error)"
            }
        }
        if let jobs {
            do {
                _ = try await jobs.store.counts()
                checks["job_store"] = "ok"
            } catch {
                checks["job_store"] = "unreachable: \(error)"
            }
        }
        // Upscaling and jobs without detection still work, so a missing detector is reported, not fatal.
        checks["text_detector"] = resources.textDetector == nil
            ? "ok (not installed, so /v1/detect, /v1/erase-text and the detect step answer 503)" : "ok"
        let ready = checks.values.allSatisfy { $0.hasPrefix("ok") }
        return try JSONResponse.make(Readiness(status: ready ? "ready" : "not_ready", checks: checks),
                                     status: ready ? .ok : .serviceUnavailable)
    }

    private func metricsResponse() async -> Response {
        metrics.setGauge("retouch_work_in_flight", Double(limiter.inFlight),
                         help: "Synchronous requests admitted and not finished (uploading, waiting or working)")
        metrics.setGauge("retouch_work_queue_depth", Double(await limiter.waiting),
                         help: "Synchronous requests waiting for a worker thread")
        metrics.setGauge("retouch_work_capacity", Double(limiter.capacity),
                         help: "Requests admitted at most (workers + queue); more get 429")
        if let jobs, let counts = try? await jobs.store.counts() {
            for state in JobState.allCases {
                metrics.setGauge("retouch_jobs", Double(counts.byState[state] ?? 0), labels: [("state", state.rawValue)],
                                 help: "Jobs in the store by state")
            }
            metrics.setGauge("retouch_job_queue_depth", Double(counts.queueDepth),
                             help: "Jobs a worker could claim now")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
    }
}

struct Readiness: Encodable {
    var status: String
    var checks: [String: String]
}

/// `GET /v1/models`: every registered operation, with whether it can run here.
struct ModelList: Encodable {
    struct UpscalerInfo: Encodable {
        var name: String
        var summary: String
        var family: String
        var scales: [Int]
        var available: Bool
        /// What to do to make it available, when it is not.
        var missing: String?
    }

    struct EngineInfo: Encodable {
        var name: String
        var summary: String
    }

    struct DetectorInfo: Encodable {
        var name: String
        var available: Bool
        var missing: String?
    }

    var upscalers: [UpscalerInfo]
    var inpaintEngines: [EngineInfo]
    var textDetectors: [DetectorInfo]

    init(_ upscalers: Registry<Upscaler>, inpainters: Registry<InpaintEngine>, detector: TextDetector?) {
        inpaintEngines = inpainters.entries.map { EngineInfo(name: $0.name, summary: $0.summary) }
        textDetectors = [detector.map { DetectorInfo(name: RetouchAPI.detectorName($0), available: true, missing: nil) }
            ?? DetectorInfo(name: ModelCatalog.textDetector.name, available: false, missing: RetouchAPI.detectorMissing)]
        self.upscalers = upscalers.entries.map { entry in
            let availability = entry.availability()
            var missing: String?
            if case .missing(let why) = availability { missing = why }
            return UpscalerInfo(name: entry.name, summary: entry.summary, family: entry.family.rawValue,
                                scales: entry.scales, available: availability.isAvailable, missing: missing)
        }
    }
}
