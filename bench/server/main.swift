import Foundation
import RetouchCodecs
import RetouchCore
import RetouchJobs
import RetouchOps
import RetouchPipeline

// retouch-server-bench baseline IMAGE [--threads N] [--seconds S]
//     decode + Lanczos 2x + encode in this process on N threads, as JSON: the figure the server's
//     POST /v1/upscale throughput is compared with.
// retouch-server-bench enqueue --db PATH|URL --blobs DIR --jobs N [--schema S]
//     queues N one-image jobs (decode, encode) straight into the job store, as JSON.
// retouch-server-bench verify --db PATH|URL --jobs N [--schema S]
//     waits until N jobs are final, then checks every one succeeded with exactly one result.
let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String, default value: String) -> String {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return value }
    return arguments[i + 1]
}

func printJSON(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}

func store() async throws -> any JobStore {
    let db = option("--db", default: "")
    let schema = option("--schema", default: "public")
    return db.hasPrefix("postgres") ? try await PostgresJobStore(url: db, schema: schema) : try SQLiteJobStore(path: db)
}

func baseline() throws {
    guard arguments.count >= 2 else { throw RetouchError(.invalidArgument, "baseline needs an image path") }
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: arguments[1])))
    let threads = Int(option("--threads", default: "2")) ?? 2
    let seconds = Double(option("--seconds", default: "20")) ?? 20
    let upscaler = ResamplerUpscalers.all[0]
    let counts = ManagedCounts(threads)
    let start = Date()
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
        while Date().timeIntervalSince(start) < seconds {
            guard let image = try? ImageDecoder.decode(bytes),
                  let pixels = try? upscaler.upscale(image.pixels, scale: 2, context: OperationContext(threads: 1)),
                  (try? ImageEncoder.encode(Image(pixels), as: .jpeg)) != nil else { continue }
            counts.add(thread)
        }
    }
    let elapsed = Date().timeIntervalSince(start)
    printJSON(["case": "in-process upscale", "model": upscaler.name, "threads": threads,
               "images": counts.total, "seconds": elapsed, "images_per_second": Double(counts.total) / elapsed,
               "cpu_ms_per_image": processCPUSeconds() * 1000 / Double(max(1, counts.total))])
}

func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Per-thread counters: each thread writes only its own slot.
final class ManagedCounts: @unchecked Sendable {
    private var slots: [Int]
    init(_ n: Int) { slots = Array(repeating: 0, count: n) }
    func add(_ i: Int) { slots[i] += 1 }
    var total: Int { slots.reduce(0, +) }
}

func enqueue() async throws {
    let jobs = Int(option("--jobs", default: "10000")) ?? 10000
    let store = try await store()
    let blobs = try DirectoryBlobStore(root: URL(fileURLWithPath: option("--blobs", default: "")))
    let image = Image8(width: 16, height: 16, channels: 3) { x, y, c in UInt8((x * 16 + y * 3 + c * 50) % 256) }
    let key = try await blobs.put(Data(try ImageEncoder.encode(Image(image), as: .png)))
    var pipeline = PipelineConfig()
    pipeline.steps = ["decode", "encode"]
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let config = String(decoding: try encoder.encode(pipeline), as: UTF8.self)
    let start = Date()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for lane in 0..<8 {
            group.addTask {
                for n in stride(from: lane, to: jobs, by: 8) {
                    _ = try await store.create(NewJob(owner: "bench", config: config,
                                                      inputs: [JobInput(blob: key, name: "tile-\(n).png")]),
                                               idempotencyKey: "bench-\(n)")
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = Date().timeIntervalSince(start)
    try await store.close()
    printJSON(["case": "enqueue", "jobs": jobs, "seconds": elapsed, "jobs_per_second": Double(jobs) / elapsed])
}

func verify() async throws {
    let jobs = Int(option("--jobs", default: "10000")) ?? 10000
    let store = try await store()
    let start = Date()
    while true {
        let counts = try await store.counts()
        let final = counts.byState.filter { $0.key.isFinal }.values.reduce(0, +)
        if final >= jobs { break }
        try await Task.sleep(for: .milliseconds(200))
    }
    let drained = Date().timeIntervalSince(start)
    var succeeded = 0, results = 0, attempts: [Int: Int] = [:], cursor: String?
    repeat {
        let page = try await store.list(JobQuery(owner: "bench", limit: 1000, cursor: cursor))
        for summary in page.jobs {
            guard let job = try await store.get(summary.id) else { continue }
            if job.state == .succeeded { succeeded += 1 }
            results += job.items.filter { $0.resultBlob != nil }.count
            attempts[job.attempts, default: 0] += 1
        }
        cursor = page.nextCursor
    } while cursor != nil
    try await store.close()
    printJSON(["case": "drain", "jobs": jobs, "succeeded": succeeded, "items_with_one_result": results,
               "attempts": Dictionary(uniqueKeysWithValues: attempts.map { (String($0.key), $0.value) }),
               "seconds_after_start_of_verify": drained])
}

do {
    switch arguments.first {
    case "baseline": try baseline()
    case "enqueue": try await enqueue()
    case "verify": try await verify()
    default: throw RetouchError(.invalidArgument, "usage: retouch-server-bench baseline|enqueue|verify ...")
    }
} catch {
    FileHandle.standardError.write(Data("retouch-server-bench: \(error)\n".utf8))
    exit(1)
}
