import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RetouchCodecs
import RetouchCore
import RetouchJobs
import RetouchPipeline
import Testing
@testable import RetouchServer

/// Faults from outside: processes killed at random, a server killed mid-upload, a full disk, the
/// database restarted under running workers. `scripts/crash.sh` runs the long version
/// (RETOUCH_CRASH_JOBS=50); CI runs a few jobs.
@Suite("Crashes and faults: nothing lost, nothing twice, nothing corrupt", .serialized)
struct CrashTests {
    static var jobCount: Int {
        ProcessInfo.processInfo.environment["RETOUCH_CRASH_JOBS"].flatMap(Int.init) ?? 5
    }

    /// A noisy image: compresses badly, so its results are large.
    static func noise(width: Int, height: Int, seed: Int = 1) throws -> [UInt8] {
        var state = UInt64(seed) &* 0x9E3779B97F4A7C15 | 1
        let buffer = Image8(width: width, height: height, channels: 3) { _, _, _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        return try ImageEncoder.encode(Image(buffer), as: .png)
    }

    static func config(_ steps: [String], scale: Int = 2) throws -> String {
        var config = PipelineConfig()
        config.steps = steps
        config.upscaleScale = scale
        config.outputFormat = "png"
        return try JobConfig.encode(config)
    }

    /// Queues `count` two-image jobs straight into the store, with attempts enough to survive
    /// every kill (the API's default of 3 is the poison-job guard, not what is tested here).
    static func enqueue(_ store: any JobStore, _ blobs: any BlobStore, count: Int) async throws -> [String] {
        let config = try config(["decode", "upscale", "encode"], scale: 4)
        var ids: [String] = []
        for n in 0..<count {
            var inputs: [JobInput] = []
            for i in 0..<2 {
                let key = try await blobs.put(Data(try testImage(width: 160 + n % 7, height: 100 + i, format: .png)))
                inputs.append(JobInput(blob: key, name: "job\(n)-\(i).png"))
            }
            ids.append(try await store.create(NewJob(owner: "crash", config: config, inputs: inputs, maxAttempts: 1000),
                                              idempotencyKey: nil).job.id)
        }
        return ids
    }

    /// Every job succeeded, every item once, and every result is an intact image of the right size.
    static func verify(_ store: any JobStore, _ blobs: any BlobStore, _ ids: [String]) async throws {
        for id in ids {
            let job = try #require(try await store.get(id))
            #expect(job.state == .succeeded, "\(id): \(job.state) \(job.error ?? "")")
            #expect(job.progress.succeeded == job.items.count && job.progress.failed == 0,
                    "the counters match the items: none counted twice")
            for item in job.items {
                #expect(item.state == .succeeded)
                let key = try #require(item.resultBlob)
                let bytes = try await blobs.get(key)
                #expect(try await blobs.put(bytes) == key, "the stored bytes are the bytes that were hashed")
                let input = try ImageDecoder.probe([UInt8](try await blobs.get(item.inputBlob)))
                let output = try ImageDecoder.decode([UInt8](bytes))
                #expect(output.size == Size(width: input.width * 4, height: input.height * 4))
            }
        }
    }

    static func waitUntil(_ what: String, seconds: Int = 180, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<(seconds * 10) {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestTimeout(what: what)
    }

    @Test("workers SIGKILLed at random points: every job finishes once, with valid outputs", arguments: Backend.allCases)
    func randomKills(backend: Backend) async throws {
        let server = try await TestServer(backend: backend)
        let store = server.jobs.store, blobs = server.jobs.blobs
        let ids = try await Self.enqueue(store, blobs, count: Self.jobCount)
        var delays: [Double] = []
        // The clock starts at the worker's first claim, so every kill lands inside job work (a slow
        // start under load would otherwise use up the delay before any job is touched).
        for round in 0..<Self.jobCount {
            guard try await store.counts().byState.filter({ !$0.key.isFinal }).values.reduce(0, +) > 0 else { break }
            let worker = try RetouchProcess(worker: server, leaseSeconds: 2, name: "killed-\(round)")
            try await worker.waitForLog("claimed job")
            let delay = Double.random(in: 0.05...1.5)
            delays.append(delay)
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            worker.signal(SIGKILL)
            #expect(try await worker.waitForExit() == SIGKILL)
        }
        let finisher = try RetouchProcess(worker: server, leaseSeconds: 2, name: "finisher")
        // The last killed worker may have finished every job already; a SIGTERM sent before the
        // worker traps it would end the process with the signal's default action instead of a drain.
        try await finisher.waitForLog("worker started")
        try await Self.waitUntil("every job to finish; kill delays \(delays); log: \(finisher.log)") {
            try await store.counts().byState.filter { !$0.key.isFinal }.values.reduce(0, +) == 0
        }
        finisher.signal(SIGTERM)
        #expect(try await finisher.waitForExit() == 0, "\(finisher.log)")
        try await Self.verify(store, blobs, ids)
        let taken = try await ids.asyncFilter { try await store.get($0)?.attempts ?? 0 > 1 }
        print("random kills (\(backend.rawValue)): \(ids.count) jobs, \(delays.count) workers killed after \(delays.map { String(format: "%.1f", $0) }) s, \(taken.count) jobs taken over")
        try await server.close()
    }

    @Test("the server killed mid-upload: on restart no job and no blob exist for it, and uploads work again")
    func serverKilledMidUpload() async throws {
        let directory = try scratchDirectory()
        let db = directory + "/retouch.sqlite", blobRoot = directory + "/blobs"
        let key = try runRetouch(["keys", "create", "crash", "--db", db]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let arguments = ["serve", "--port", "0", "--db", db, "--blobs", blobRoot]
        let first = try RetouchProcess(arguments, logPath: directory + "/first.log")
        let port = try await first.listeningPort()
        var form = MultipartBody()
        form.addFile("image_file", filename: "big.png", try Self.noise(width: 400, height: 300))
        form.addField("config_json", #"{"steps": ["decode", "upscale", "encode"]}"#)
        let body = Array(form.finished().readableBytesView), contentType = form.contentType
        let head = "POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(key)\r\n"
            + "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\r\n"
        let socket = try RawSocket.connect(port: port)
        let half = Array(head.utf8) + body.prefix(body.count / 2)
        #expect(send(socket, half, half.count, 0) == half.count)
        try await Task.sleep(for: .milliseconds(300))
        first.signal(SIGKILL)
        #expect(try await first.waitForExit() == SIGKILL)
        close(socket)

        let second = try RetouchProcess(arguments, logPath: directory + "/second.log")
        let secondPort = try await second.listeningPort()
        let store = try SQLiteJobStore(path: db)
        let blobs = try DirectoryBlobStore(root: URL(fileURLWithPath: blobRoot))
        #expect(try await store.counts().byState.values.reduce(0, +) == 0, "the cut-off upload queued nothing")
        #expect(try await blobs.keys(modifiedBefore: .distantFuture).isEmpty, "and stored nothing")
        try await TestClient.withClient(host: "127.0.0.1", port: secondPort) { client in
            let created = try await client.post("/v1/jobs", headers: [.authorization: "Bearer \(key)", .contentType: contentType],
                                                body: ByteBuffer(bytes: body))
            #expect(created.status == .accepted)
        }
        try await Self.waitUntil("the job to run on the restarted server: \(second.log)") {
            try await store.counts().byState[.succeeded] == 1
        }
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
        try await store.close()
    }

    @Test("a full disk (file size limit): uploads and results that do not fit get clean errors, nothing corrupt is kept, small work goes on")
    func fullDisk() async throws {
        let directory = try scratchDirectory()
        let db = directory + "/retouch.sqlite", blobRoot = directory + "/blobs"
        let key = try runRetouch(["keys", "create", "disk", "--db", db]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // 256 KB per file: the database and small images fit, a 360 KB upload or a 1 MB result does not.
        let server = try RetouchProcess(["serve", "--port", "0", "--db", db, "--blobs", blobRoot],
                                        logPath: directory + "/serve.log", fileSizeLimitKB: 256)
        let port = try await server.listeningPort()
        let auth: HTTPFields = [.authorization: "Bearer \(key)"]
        @Sendable func submit(_ client: TestClient, _ image: [UInt8], scale: Int) async throws -> TestClient.Response {
            var form = MultipartBody()
            form.addFile("image_file", filename: "photo.png", image)
            form.addField("config_json", #"{"steps": ["decode", "upscale", "encode"], "upscale": {"scale": \#(scale)}}"#)
            var headers = auth
            headers[.contentType] = form.contentType
            return try await client.post("/v1/jobs", headers: headers, body: form.finished())
        }
        @Sendable func finalJob(_ client: TestClient, _ id: String) async throws -> JobJSON {
            var job = try apiJSON(JobJSON.self, try await client.get("/v1/jobs/\(id)", headers: auth).body)
            for _ in 0..<1200 where !["succeeded", "failed", "cancelled"].contains(job.state) {
                try await Task.sleep(for: .milliseconds(100))
                job = try apiJSON(JobJSON.self, try await client.get("/v1/jobs/\(id)", headers: auth).body)
            }
            return job
        }
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let tooBig = try await submit(client, try Self.noise(width: 400, height: 300), scale: 2)
            #expect(tooBig.status == .internalServerError, "\(String(buffer: tooBig.body ?? ByteBuffer()))")
            let error = try apiJSON(ErrorBody.self, tooBig.body).error
            #expect(error.code == "io_error" && error.message.contains("File too large"), "\(error.code): \(error.message)")
            #expect(try await client.get("/healthz").status == .ok, "the server lives on")

            let bigResult = try await submit(client, try Self.noise(width: 200, height: 150), scale: 4)
            #expect(bigResult.status == .accepted)
            let failed = try await finalJob(client, try apiJSON(JobJSON.self, bigResult.body).id)
            #expect(failed.state == "failed")
            #expect(failed.items?.first?.error?.contains("File too large") == true, "\(failed.items ?? [])")

            let small = try await submit(client, try testImage(), scale: 2)
            let done = try await finalJob(client, try apiJSON(JobJSON.self, small.body).id)
            #expect(done.state == "succeeded", "small work still runs")
        }
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        let blobs = try DirectoryBlobStore(root: URL(fileURLWithPath: blobRoot))
        for key in try await blobs.keys(modifiedBefore: .distantFuture) {
            let bytes = try await blobs.get(key)
            #expect(try await blobs.put(bytes) == key)
            _ = try ImageDecoder.decode([UInt8](bytes))
        }
        let leftovers = (FileManager.default.subpaths(atPath: blobRoot) ?? []).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "failed writes leave no partial files: \(leftovers)")
    }

    @Test("PostgreSQL restarted during a batch: workers reconnect and every job finishes once")
    func postgresRestart() async throws {
        _ = try testPostgresURL()
        let instance = PostgresInstance(port: 55433, directory: "/tmp/retouch-pg-restart")
        let url = try instance.run("start")
        let schema = "restart_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let directory = try scratchDirectory()
        let store = try await PostgresJobStore(url: url, schema: schema)
        let blobs = try DirectoryBlobStore(root: URL(fileURLWithPath: directory + "/blobs"))
        let ids = try await Self.enqueue(store, blobs, count: max(12, Self.jobCount))
        let workers = try (0..<2).map { n in
            try RetouchProcess(workerOn: ["--db", url, "--schema", schema], blobs: directory + "/blobs", leaseSeconds: 3,
                               logPath: directory + "/worker\(n).log")
        }
        try await Self.waitUntil("the first results") { try await store.counts().byState[.succeeded] ?? 0 >= 1 }
        _ = try instance.run("stop")
        try await Task.sleep(for: .seconds(2))
        _ = try instance.run("start")
        var finishedBeforeRestart = ids.count
        try await Self.waitUntil("the test's own store to reconnect") {
            finishedBeforeRestart = try await store.counts().byState[.succeeded] ?? 0
            return true
        }
        #expect(finishedBeforeRestart < ids.count, "the workers still had jobs to do across the restart")
        try await Self.waitUntil("every job to finish after the restart: \(workers.map(\.log))") {
            try await store.counts().byState.filter { !$0.key.isFinal }.values.reduce(0, +) == 0
        }
        for worker in workers {
            worker.signal(SIGTERM)
            #expect(try await worker.waitForExit() == 0, "\(worker.log)")
        }
        try await Self.verify(store, blobs, ids)
        try await store.close()
        _ = try instance.run("stop")
    }
}

/// A PostgreSQL server of its own, through scripts/postgres.sh, so restarting it disturbs no other suite.
struct PostgresInstance {
    var port: Int
    var directory: String

    func run(_ command: String) throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/postgres.sh")
        let environment = ProcessInfo.processInfo.environment.merging(
            ["RETOUCH_PG_PORT": String(port), "RETOUCH_PG_DIR": directory]) { $1 }
        let (status, output) = try spawnAndWait(script.path, [command], environment: environment)
        guard status == 0 else {
            throw TestTimeout(what: "scripts/postgres.sh \(command) to succeed (status \(status))")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Runs a short command to its end and returns its exit status and standard output.
///
/// Not through Foundation's `Process`: with `retouch worker` children of the same test process
/// running, its `waitUntilExit` missed the script's exit (the script sat as a zombie and the test
/// hung). posix_spawn and a blocking waitpid on that one pid cannot miss it.
func spawnAndWait(_ path: String, _ arguments: [String], environment: [String: String]) throws -> (Int32, String) {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw TestTimeout(what: "a pipe for \(path)") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
    close(pipeEnds[1])
    let reader = FileHandle(fileDescriptor: pipeEnds[0], closeOnDealloc: true)
    guard spawned == 0 else { throw TestTimeout(what: "\(path) to start (errno \(spawned))") }
    let output = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    // WIFEXITED/WEXITSTATUS are macros Swift does not import.
    return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
}

extension Array where Element: Sendable {
    func asyncFilter(_ keep: (Element) async throws -> Bool) async rethrows -> [Element] {
        var kept: [Element] = []
        for element in self where try await keep(element) { kept.append(element) }
        return kept
    }
}
