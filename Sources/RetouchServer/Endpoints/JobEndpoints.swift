import Foundation
import HTTPTypes
import Hummingbird
import RetouchCodecs
import RetouchCore
import RetouchJobs
import RetouchPipeline

/// `POST /v1/jobs`, `GET /v1/jobs`, `GET /v1/jobs/{id}`, `GET /v1/jobs/{id}/results/{n}`,
/// `GET /v1/jobs/{id}/inputs/{n}`, `DELETE /v1/jobs/{id}`. Jobs belong to the key that created them: another key sees 404.
extension RetouchAPI {
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!
    static let verdictHeader = HTTPField.Name("X-Retouch-Verdict")!

    func addJobRoutes(_ routes: RouteRecorder) {
        routes.on(.post, "/v1/jobs") { [self] request, context in try await createJob(request, context) }
        routes.on(.get, "/v1/jobs") { [self] request, context in try await listJobs(request, context) }
        routes.on(.get, "/v1/jobs/{id}") { [self] _, context in
            let job = try await ownedJob(context)
            return try JSONResponse.make(JobView(job))
        }
        routes.on(.delete, "/v1/jobs/{id}") { [self] _, context in
            let job = try await ownedJob(context)
            return try JSONResponse.make(JobView(try await requireJobs().store.cancel(job.id)))
        }
        routes.on(.get, "/v1/jobs/{id}/results/{n}") { [self] _, context in try await jobResult(context) }
        routes.on(.get, "/v1/jobs/{id}/inputs/{n}") { [self] _, context in try await jobInput(context) }
    }

    func requireJobs() throws -> JobServices {
        guard let jobs else {
            throw APIError(.serviceUnavailable, "jobs_disabled", "this server was started without a job store")
        }
        return jobs
    }

    private func createJob(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let jobs = try requireJobs()
        let owner = try context.requirePrincipal().id
        let idempotencyKey = try Self.idempotencyKey(request)
        let depth = try await jobs.queueDepth.get { try await jobs.store.counts().queueDepth }
        guard depth < settings.maxQueuedJobs else {
            metrics.rejectedOverload()
            throw APIError(.tooManyRequests, "queue_full",
                           "the job queue holds \(depth) jobs, its limit; retry later", headers: [.retryAfter: "30"])
        }
        let query = Self.queryPairs(request)
        let contentType = request.headers[.contentType]
        // The slot covers the body from its first byte until its images are in the blob store.
        let (config, inputs) = try await limiter.withSlot {
            let body = try await collectBody(request)
            let (config, uploads) = try await limiter.run {
                try self.parseJob(body: body, contentType: contentType, query: query)
            }
            var inputs: [JobInput] = []
            for (index, upload) in uploads.enumerated() {
                let key = try await jobs.blobs.put(Data(upload.image.bytes))
                var mask: BlobKey?
                if let bytes = upload.mask { mask = try await jobs.blobs.put(Data(bytes)) }
                inputs.append(JobInput(blob: key, name: Self.displayName(upload.image.filename, index: index), mask: mask))
            }
            return (config, inputs)
        }
        let newJob = NewJob(owner: owner, config: try JobConfig.encode(config), inputs: inputs,
                            retentionSeconds: settings.retentionSeconds)
        let (job, created) = try await jobs.store.create(newJob, idempotencyKey: idempotencyKey)
        let sameInputs = job.items.map { JobInput(blob: $0.inputBlob, name: $0.inputName, mask: $0.maskBlob) } == inputs
        if !created && (job.config != newJob.config || !sameInputs) {
            throw APIError(.conflict, "idempotency_key_reused",
                           "Idempotency-Key '\(idempotencyKey ?? "")' was used for a different job (\(job.id)); "
                           + "use a new key for a new request")
        }
        return try JSONResponse.make(JobView(job), status: created ? .accepted : .ok,
                                     headers: [.location: "/v1/jobs/\(job.id)"])
    }

    /// An image of a new job and its mask's bytes, if it has one.
    struct JobUpload: Sendable {
        var image: UploadedFile
        var mask: [UInt8]?
    }

    /// Parses the upload, checks every image's header and every mask, and resolves the config;
    /// CPU work, on the pool.
    private func parseJob(body: ByteBuffer, contentType: String?, query: [(String, String)]) throws -> (PipelineConfig, [JobUpload]) {
        var input = try RequestInput.parse(body: body, contentType: contentType, query: query)
        guard !input.images.isEmpty else {
            throw APIError.badRequest("a job needs at least one image: send one or more \(RequestInput.imageField) fields")
        }
        guard input.images.count <= settings.maxJobImages else {
            throw APIError(.contentTooLarge, "too_many_images",
                           "a job takes at most \(settings.maxJobImages) images, got \(input.images.count); split it")
        }
        var sizes: [Size] = []
        for (index, file) in input.images.enumerated() {
            do {
                let info = try checkedProbe(file.bytes)
                sizes.append(Size(width: info.width, height: info.height))
            } catch var error as APIError {
                error.message = "image \(index) (\(Self.displayName(file.filename, index: index))): \(error.message)"
                throw error
            } catch let error as RetouchError {
                throw error.about(file: "image \(index) (\(Self.displayName(file.filename, index: index)))")
            }
        }
        let boxes = input.fields.removeValue(forKey: JobMasks.boxesField)
        let masks = try JobMasks.pair(images: input.images, sizes: sizes, masks: input.masks, boxes: boxes,
                                      maxPixels: settings.maxPixels)
        let config = try JobConfig.resolve(base: try requireJobs().baseConfig, fields: input.fields, resources: resources)
        let steps = config.steps ?? Pipeline.defaultSteps(for: config.order)
        if masks.contains(where: { $0 != nil }) && !steps.contains("inpaint") {
            throw APIError.badRequest("masks were given but the job's steps \(steps) have no inpaint step to use them; "
                                      + "add \"inpaint\" to `steps`")
        }
        return (config, zip(input.images, masks).map { JobUpload(image: $0, mask: $1) })
    }

    private func listJobs(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let jobs = try requireJobs()
        var options = RequestOptions(Dictionary(Self.queryPairs(request), uniquingKeysWith: { first, _ in first }))
        let limit = try options.int("limit", default: 50, in: 1...JobQuery.maximumLimit)
        let after = options.optionalString("after")
        let stateNames = options.optionalString("state")
        try options.rejectUnknown()
        var states: Set<JobState>?
        if let stateNames {
            states = Set(try stateNames.split(separator: ",").map { name in
                guard let state = JobState(rawValue: String(name)) else {
                    throw APIError.badRequest("unknown state `\(name.prefix(20))`; use \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return state
            })
        }
        let page = try await jobs.store.list(JobQuery(owner: try context.requirePrincipal().id, states: states,
                                                      limit: limit, cursor: after))
        return try JSONResponse.make(JobListView(jobs: page.jobs.map { JobView($0, items: nil) }, next: page.nextCursor))
    }

    /// The item named by the path's `n`, or 404 naming the valid range.
    private func ownedItem(_ context: APIRequestContext) async throws -> (Job, JobItem) {
        let job = try await ownedJob(context)
        guard let n = context.parameters.get("n", as: Int.self), let item = job.items.first(where: { $0.index == n }) else {
            throw APIError.notFound("job \(job.id) has no item \(context.parameters.get("n") ?? ""); its items are 0 to \(job.items.count - 1)")
        }
        return (job, item)
    }

    /// The image as uploaded, so clients (the batch page) can show it beside its result.
    private func jobInput(_ context: APIRequestContext) async throws -> Response {
        let (_, item) = try await ownedItem(context)
        let bytes = try await requireJobs().blobs.get(item.inputBlob)
        let type = ImageFormat.detect(bytes)?.mimeType ?? "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(data: bytes)))
    }

    private func jobResult(_ context: APIRequestContext) async throws -> Response {
        let (job, item) = try await ownedItem(context)
        let n = item.index
        guard let blob = item.resultBlob else {
            let why = item.state == .pending ? "is still \(job.state == .queued ? "queued" : "being processed")"
                : "has no result (\(item.state.rawValue)\(item.error.map { ": \($0)" } ?? ""))"
            throw APIError(.conflict, "no_result", "item \(n) of job \(job.id) \(why)")
        }
        let bytes = try await requireJobs().blobs.get(blob)
        let result = item.resultJSON.flatMap { try? JSONDecoder().decode(ItemResult.self, from: Data($0.utf8)) }
        var headers: HTTPFields = [.contentType: ImageFormat.detect(bytes)?.mimeType ?? "application/octet-stream"]
        if let result {
            headers[Self.verdictHeader] = result.verdict
            headers[Self.widthHeader] = String(result.width)
            headers[Self.heightHeader] = String(result.height)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: bytes)))
    }

    /// The job named by the path, if it belongs to the caller; 404 otherwise, so ids of other
    /// keys' jobs cannot be probed.
    private func ownedJob(_ context: APIRequestContext) async throws -> Job {
        let id = context.parameters.get("id") ?? ""
        let owner = try context.requirePrincipal().id
        guard let job = try await requireJobs().store.get(id), job.owner == owner else {
            throw APIError.notFound("no job with id '\(id.prefix(80))'")
        }
        return job
    }

    private static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[idempotencyHeader] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters")
        }
        return key
    }

    /// The client's file name without any folders, or `image-N`. Names reach logs, job JSON and
    /// error messages, so control characters (line breaks, terminal escapes) become `?`, and a
    /// bare `.` or `..` is no name at all.
    static func displayName(_ filename: String?, index: Int) -> String {
        let base = filename.flatMap { $0.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) }
        guard let base, !base.isEmpty, base.count <= 200, base != ".", base != ".." else { return "image-\(index)" }
        let visible = base.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }
        return String(String.UnicodeScalarView(visible))
    }
}
