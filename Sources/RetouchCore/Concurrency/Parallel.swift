import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// How many threads CPU-bound work may use. Callers pass an explicit count; 0 means all cores.
public enum Parallelism {
    public static var coreCount: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }

    public static func resolve(_ threads: Int) -> Int { threads <= 0 ? coreCount : threads }
}

/// Runs `body` for each index in `0..<count` on up to `threads` threads, in contiguous chunks.
public func parallelChunks(_ count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let workers = min(Parallelism.resolve(threads), count)
    if workers <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let start = count * w / workers, end = count * (w + 1) / workers
        if start < end { body(start..<end) }
    }
}
