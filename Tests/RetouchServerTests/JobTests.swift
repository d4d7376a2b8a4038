import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import RetouchCodecs
import RetouchJobs
import ServiceLifecycle
import Testing
@testable import RetouchServer

/// The JSON of a job, as a client reads it.
struct JobJSON: Decodable {
    struct Item: Decodable {
        struct Result: Decodable {
            var verdict: String
            var width: Int
            var height: Int
            var format: String
            var notes: [String]?
        }
        var index: Int
        var name: String
        var hasMask: Bool?
        var state: String
        var resultUrl: String?
        var result: Result?
        var error: String?
    }
    struct Progress: Decodable {
        var total: Int
        var succeeded: Int
        var failed: Int
    }
    var id: String
    var state: String
    var attempts: Int
    var progress: Progress
    var items: [Item]?
    var cancelRequested: Bool
}

struct JobListJSON: Decodable {
    var jobs: [JobJSON]
    var next: String?
}

/// A job request: images and settings, as multipart.
func jobForm(images: [[UInt8]], fields: [String: String] = ["config_json": #"{"steps": ["decode", "upscale", "qa", "encode"], "upscale": {"scale": 2}}"#]) -> (ByteBuffer, String) {
    var form = MultipartBody()
    for (index, image) in images.enumerated() { form.addFile("image_file", filename: "photo\(index).png", image) }
    for (name, value) in fields.sorted(by: { $0.key < $1.key }) { form.addField(name, value) }
    return (form.finished(), form.contentType)
}

extension TestServer {
    func submit(_ client: any TestClientProtocol, images: [[UInt8]], fields: [String: String]? = nil,
                idempotencyKey: String? = nil, key: String? = nil) async throws -> TestResponse {
        let (body, contentType) = fields.map { jobForm(images: images, fields: $0) } ?? jobForm(images: images)
        var headers: HTTPFields = [.authorization: "Bearer \(key ?? self.key)", .contentType: contentType]
        if let idempotencyKey { headers[RetouchAPI.idempotencyHeader] = idempotencyKey }
        return try await client.execute(uri: "/v1/jobs", method: .post, headers: headers, body: body)
    }

    func job(_ client: any TestClientProtocol, _ id: String) async throws -> JobJSON {
        try await client.execute(uri: "/v1/jobs/\(id)", method: .get, headers: auth).json(JobJSON.self)
    }

    /// Polls until the job is final; fails after a minute rather than hanging.
    func waitForFinal(_ client: any TestClientProtocol, _ id: String) async throws -> JobJSON {
        for _ in 0..<1200 {
            let job = try await job(client, id)
            if ["succeeded", "failed", "cancelled"].contains(job.state) { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestTimeout(what: "job \(id) to finish")
    }
}

struct TestTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `body` with `worker` claiming jobs, then shuts it down gracefully.
func withWorker<T: Sendable>(_ worker: JobWorker, _ body: () async throws -> T) async throws -> T {
    let group = ServiceGroup(configuration: .init(services: [worker], logger: quietLogger))
    let running = Task { try await group.run() }
    do {
        let value = try await body()
        await group.triggerGracefulShutdown()
        try await running.value
        return value
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        throw error
    }
}

@Suite("Jobs: submit, process, fetch, page, cancel, purge")
struct JobTests {
    @Test("job lifecycle through the router with a worker", arguments: Backend.allCases)
    func lifecycle(backend: Backend) async throws {
        let server = try await TestServer(backend: backend)
        let images = [try testImage(width: 24, height: 16), try testImage(width: 10, height: 30, format: .jpeg)]
        try await server.withRouter { client in
            let created = try await server.submit(client, images: images, idempotencyKey: "batch-1")
            #expect(created.status == .accepted)
            let queued = try created.json(JobJSON.self)
            #expect(created.headers[.location] == "/v1/jobs/\(queued.id)")
            #expect(queued.state == "queued" && queued.progress.total == 2)
            #expect(queued.items?.map(\.name) == ["photo0.png", "photo1.png"])

            try await client.execute(uri: "/v1/jobs/\(queued.id)/results/0", method: .get, headers: server.auth) { response in
                #expect(response.status == .conflict)
                #expect(response.errorBody()?.code == "no_result")
            }

            let done = try await withWorker(try server.worker()) {
                try await server.waitForFinal(client, queued.id)
            }
            #expect(done.state == "succeeded")
            #expect(done.progress.succeeded == 2 && done.progress.failed == 0)
            #expect(done.attempts == 1)
            let sizes = [(48, 32), (20, 60)]
            for (item, size) in zip(try #require(done.items), sizes) {
                #expect(item.state == "succeeded")
                #expect(item.result?.verdict == "approved")
                #expect(item.result?.width == size.0 && item.result?.height == size.1)
                #expect(item.resultUrl == "/v1/jobs/\(queued.id)/results/\(item.index)")
                try await client.execute(uri: try #require(item.resultUrl), method: .get, headers: server.auth) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[RetouchAPI.verdictHeader] == "approved")
                    let info = try ImageDecoder.probe(response.bytes)
                    #expect(info.width == size.0 && info.height == size.1)
                    #expect(response.headers[.contentType] == info.format.mimeType)
                }
            }
            try await client.execute(uri: "/v1/jobs/\(queued.id)/results/7", method: .get, headers: server.auth) { response in
                #expect(response.status == .notFound)
            }

            let retried = try await server.submit(client, images: images, idempotencyKey: "batch-1")
            #expect(retried.status == .ok)
            #expect(try retried.json(JobJSON.self).id == queued.id)
            let reused = try await server.submit(client, images: [images[0]], idempotencyKey: "batch-1")
            #expect(reused.status == .conflict)
            #expect(reused.errorBody()?.code == "idempotency_key_reused")
        }
        try await server.close()
    }

    @Test("inputs come back as uploaded, and routed results carry the router's p(overlay)")
    func inputsAndOverlay() async throws {
        let server = try await TestServer()
        let image = try TextEndpointTests.captioned()
        struct Routed: Decodable {
            struct Item: Decodable {
                struct Result: Decodable { var route: String?; var overlayProbability: Double? }
                var result: Result?
            }
            var items: [Item]
        }
        try await server.withRouter { client in
            let created = try await server.submit(client, images: [image], fields: ["upscale.scale": "1"])
            let id = try created.json(JobJSON.self).id
            try await client.execute(uri: "/v1/jobs/\(id)/inputs/0", method: .get, headers: server.auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(response.bytes == image)
            }
            try await client.execute(uri: "/v1/jobs/\(id)/inputs/1", method: .get, headers: server.auth) { response in
                #expect(response.status == .notFound)
            }
            _ = try await withWorker(try server.worker()) { try await server.waitForFinal(client, id) }
            let done = try await client.execute(uri: "/v1/jobs/\(id)", method: .get, headers: server.auth).json(Routed.self)
            let result = try #require(done.items.first?.result)
            #expect(result.route != nil)
            let p = try #require(result.overlayProbability)
            #expect((0...1).contains(p))
        }
        try await server.close()
    }

    @Test("paging with limit and after, filtering by state; jobs of other keys are invisible", arguments: Backend.allCases)
    func paging(backend: Backend) async throws {
        let server = try await TestServer(backend: backend)
        let other = try await server.keys.create(name: "other").key.text
        let image = try testImage()
        try await server.withRouter { client in
            var ids: [String] = []
            for _ in 0..<3 {
                ids.append(try await server.submit(client, images: [image]).json(JobJSON.self).id)
            }
            let otherJob = try await server.submit(client, images: [image], key: other).json(JobJSON.self)
            var seen: [String] = []
            var uri = "/v1/jobs?limit=2"
            for _ in 0..<3 {
                let page = try await client.execute(uri: uri, method: .get, headers: server.auth).json(JobListJSON.self)
                seen += page.jobs.map(\.id)
                #expect(page.jobs.allSatisfy { $0.items == nil })
                guard let next = page.next else { break }
                uri = "/v1/jobs?limit=2&after=\(next)"
            }
            #expect(seen == ids.reversed())
            let queuedOnly = try await client.execute(uri: "/v1/jobs?state=queued,running", method: .get,
                                                      headers: server.auth).json(JobListJSON.self)
            #expect(queuedOnly.jobs.count == 3)
            try await client.execute(uri: "/v1/jobs/\(otherJob.id)", method: .get, headers: server.auth) { response in
                #expect(response.status == .notFound)
                #expect(response.errorBody()?.code == "not_found")
            }
            try await client.execute(uri: "/v1/jobs/\(otherJob.id)", method: .delete, headers: server.auth) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/jobs?limit=0", method: .get, headers: server.auth) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/v1/jobs?state=done", method: .get, headers: server.auth) { response in
                #expect(response.status == .badRequest)
            }
        }
        try await server.close()
    }

    @Test("DELETE cancels a queued job at once and leaves a finished one as it is")
    func cancel() async throws {
        let server = try await TestServer()
        try await server.withRouter { client in
            let job = try await server.submit(client, images: [try testImage()]).json(JobJSON.self)
            let cancelled = try await client.execute(uri: "/v1/jobs/\(job.id)", method: .delete, headers: server.auth)
            #expect(cancelled.status == .ok)
            let view = try cancelled.json(JobJSON.self)
            #expect(view.state == "cancelled")
            #expect(view.items?.allSatisfy { $0.state == "cancelled" } == true)
            let again = try await client.execute(uri: "/v1/jobs/\(job.id)", method: .delete, headers: server.auth)
            #expect(try again.json(JobJSON.self).state == "cancelled")
        }
        try await server.close()
    }

    @Test("bad jobs are refused at submission with 400, 413 or 415", arguments: [
        (#"{"steps": ["decode", "upscale", "encode"], "upscale": {"model": "nope"}}"#, "nope"),
        (#"{"inpaint": {"mask_dir": "/etc"}}"#, "inpaint.mask_dir"),
        (#"{"steps": ["decode", "upscale"]}"#, "encode"),
        (#"{"colour": 3}"#, "colour"),
        (#"[1, 2]"#, "object"),
    ])
    func badConfig(json: String, mentioned: String) async throws {
        let server = try await TestServer()
        try await server.withRouter { client in
            let response = try await server.submit(client, images: [try testImage()], fields: ["config_json": json])
            #expect(response.status == .badRequest)
            #expect(response.errorBody()?.message.contains(mentioned) == true, "\(response.errorBody()?.message ?? "")")
        }
        try await server.close()
    }

    @Test("config as TOML text and as single fields; a non-image or oversized image is refused")
    func configFormsAndImages() async throws {
        let server = try await TestServer { $0.maxPixels = 2000 }
        try await server.withRouter { client in
            let toml = """
                steps = ["decode", "upscale", "encode"]
                [upscale]
                scale = 3
                """
            let job = try await server.submit(client, images: [try testImage()],
                                              fields: ["config": toml, "upscale.model": "bicubic"])
            #expect(job.status == .accepted)
            let config = try job.json(ConfigProbe.self).config
            #expect(config.upscaleScale == 3 && config.upscaleModel == "bicubic")
            let text = try await server.submit(client, images: [Array("not an image".utf8)])
            #expect(text.status == .unsupportedMediaType)
            #expect(text.errorBody()?.message.contains("image 0") == true)
            let large = try await server.submit(client, images: [try testImage(width: 100, height: 100)])
            #expect(large.status == .contentTooLarge)
            #expect(large.errorBody()?.code == "image_too_large")
        }
        try await server.close()
    }

    @Test("finished jobs are purged with their blobs once retention ends")
    func retention() async throws {
        let server = try await TestServer { $0.retentionSeconds = 0 }
        try await server.withRouter { client in
            let job = try await server.submit(client, images: [try testImage()]).json(JobJSON.self)
            let done = try await withWorker(try server.worker()) { try await server.waitForFinal(client, job.id) }
            #expect(done.state == "succeeded")
            let purger = RetentionPurger(store: server.jobs.store, blobs: server.jobs.blobs, graceSeconds: 0,
                                         logger: quietLogger)
            #expect(await purger.purgeOnce() == 2)
            try await client.execute(uri: "/v1/jobs/\(job.id)", method: .get, headers: server.auth) { response in
                #expect(response.status == .notFound)
            }
        }
        try await server.close()
    }

    @Test("/metrics reports jobs by state and the queue depth")
    func jobMetrics() async throws {
        let server = try await TestServer()
        try await server.withRouter { client in
            _ = try await server.submit(client, images: [try testImage()])
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get, headers: server.auth).body)
            #expect(text.contains(#"retouch_jobs{state="queued"} 1"#))
            #expect(text.contains("retouch_job_queue_depth 1"))
        }
        try await server.close()
    }
}

struct ConfigProbe: Decodable {
    struct Config: Decodable {
        var upscaleScale: Int
        var upscaleModel: String
    }
    var config: Config
}
