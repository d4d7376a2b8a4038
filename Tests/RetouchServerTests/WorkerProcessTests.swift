import Foundation
import HummingbirdTesting
import RetouchCodecs
import RetouchJobs
import Testing
@testable import RetouchServer

/// The built `retouch` binary, which sits next to the test bundle.
func retouchBinary() throws -> URL {
    let exe = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    return exe.deletingLastPathComponent().appendingPathComponent("retouch")
}

/// A long-running `retouch` process (serve, worker) with its output in a log file.
final class RetouchProcess {
    let process = Process()
    let logPath: String

    /// - Parameter fileSizeLimitKB: run under RLIMIT_FSIZE with SIGXFSZ ignored, so a write past
    ///   the limit fails with EFBIG as on a full disk, without mounting anything.
    init(_ arguments: [String], logPath: String, fileSizeLimitKB: Int? = nil) throws {
        if let limit = fileSizeLimitKB {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "trap '' XFSZ; ulimit -f \(limit); exec \"$@\"", "bash", try retouchBinary().path] + arguments
        } else {
            process.executableURL = try retouchBinary()
            process.arguments = arguments
        }
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// A `retouch worker` on a test server's stores.
    convenience init(worker server: TestServer, leaseSeconds: Double, name: String) throws {
        let db = switch server.backend {
        case .sqlite: ["--db", server.database]
        case .postgres: ["--db", try testPostgresURL(), "--schema", server.database]
        }
        try self.init(workerOn: db, blobs: server.directory + "/blobs", leaseSeconds: leaseSeconds,
                      logPath: server.directory + "/\(name).log")
    }

    /// A `retouch worker` on the given `--db [--schema]` arguments.
    convenience init(workerOn db: [String], blobs: String, leaseSeconds: Double, logPath: String) throws {
        try self.init(["worker", "--blobs", blobs, "--lease-seconds", String(leaseSeconds), "--log-level", "debug"] + db,
                      logPath: logPath)
    }

    /// The port a `retouch serve --port 0` printed.
    func listeningPort() async throws -> Int {
        try await waitForLog("listening on http://")
        guard let port = log.split(separator: "\n").first(where: { $0.hasPrefix("retouch: listening on") })
            .flatMap({ $0.split(separator: ":").last }).flatMap({ Int($0) }) else {
            throw TestTimeout(what: "a port in the log: \(log)")
        }
        return port
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit (at most a minute) and returns its status.
    func waitForExit() async throws -> Int32 {
        for _ in 0..<1200 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        guard !process.isRunning else {
            signal(SIGKILL)
            throw TestTimeout(what: "retouch to exit; its log: \(log)")
        }
        return process.terminationStatus
    }

    /// Waits until the log holds `text` (at most a minute).
    func waitForLog(_ text: String) async throws {
        for _ in 0..<1200 {
            if log.contains(text) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestTimeout(what: "`\(text)` in the log: \(log)")
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

@Suite("Worker processes: killed, stopped, taken over")
struct WorkerProcessTests {
    /// Images big enough that each takes a noticeable moment, so a worker can be stopped mid-job.
    static func images() throws -> [[UInt8]] {
        try (0..<6).map { _ in try testImage(width: 240, height: 160, format: .jpeg) }
    }
    static let fields = ["config_json": #"{"steps": ["decode", "upscale", "qa", "encode"], "upscale": {"scale": 4}}"#]

    /// Polls the store until `condition` holds for the job.
    static func waitFor(_ server: TestServer, _ id: String, _ what: String, worker: RetouchProcess,
                        _ condition: (Job) -> Bool) async throws -> Job {
        for _ in 0..<1800 {
            if let job = try await server.jobs.store.get(id), condition(job) { return job }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestTimeout(what: "\(what); worker log: \(worker.log)")
    }

    @Test("a worker killed with SIGKILL mid-job: its lease runs out, another worker finishes, one result per image",
          arguments: Backend.allCases)
    func killedMidJob(backend: Backend) async throws {
        let server = try await TestServer(backend: backend)
        let id = try await server.withRouter { client in
            try await server.submit(client, images: try Self.images(), fields: Self.fields).json(JobJSON.self).id
        }
        let first = try RetouchProcess(worker: server, leaseSeconds: 4, name: "first")
        let started = try await Self.waitFor(server, id, "the first image to finish", worker: first) { $0.progress.done >= 1 }
        first.signal(SIGKILL)
        #expect(try await first.waitForExit() == SIGKILL)
        let killedAt = try #require(try await server.jobs.store.get(id))
        #expect(killedAt.state == .running, "the dead worker still holds the lease")
        #expect(killedAt.progress.done < 6, "the job must still have work left when the worker dies")

        let second = try RetouchProcess(worker: server, leaseSeconds: 4, name: "second")
        let done = try await Self.waitFor(server, id, "the job to finish on the second worker", worker: second) { $0.state.isFinal }
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)

        #expect(done.state == .succeeded, "\(done.error ?? "") \(second.log)")
        #expect(done.attempts >= 2)
        #expect(done.progress.succeeded == 6 && done.progress.failed == 0)
        #expect(done.items.allSatisfy { $0.state == .succeeded && $0.resultBlob != nil })
        let workers = done.items.compactMap { item in
            item.resultJSON.flatMap { try? JSONDecoder().decode(ItemResult.self, from: Data($0.utf8)) }?.worker
        }
        #expect(workers.count == 6)
        #expect(Set(workers).count == 2, "both workers produced results: \(workers)")
        #expect(started.progress.done <= done.items.count)
        for item in done.items {
            let bytes = try await server.jobs.blobs.get(try #require(item.resultBlob))
            let info = try ImageDecoder.probe([UInt8](bytes))
            #expect(info.width == 960 && info.height == 640)
        }
        try await server.close()
    }

    @Test("SIGTERM: the worker finishes its image, hands the job back at once, exits 0; another worker completes it")
    func stoppedMidJob() async throws {
        let server = try await TestServer()
        let id = try await server.withRouter { client in
            try await server.submit(client, images: try Self.images(), fields: Self.fields).json(JobJSON.self).id
        }
        // A lease far longer than the test: only a hand-back can free the job in time.
        let first = try RetouchProcess(worker: server, leaseSeconds: 600, name: "first")
        _ = try await Self.waitFor(server, id, "the first image to finish", worker: first) { $0.progress.done >= 1 }
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0, "\(first.log)")
        let handedBack = try #require(try await server.jobs.store.get(id))
        #expect(handedBack.state == .queued, "\(first.log)")
        #expect(handedBack.leaseOwner == nil)
        #expect(handedBack.progress.done < 6)
        #expect(first.log.contains("handed the job back"))

        let second = try RetouchProcess(worker: server, leaseSeconds: 600, name: "second")
        let done = try await Self.waitFor(server, id, "the job to finish", worker: second) { $0.state.isFinal }
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
        #expect(done.state == .succeeded)
        #expect(done.progress.succeeded == 6)
        try await server.close()
    }
}
