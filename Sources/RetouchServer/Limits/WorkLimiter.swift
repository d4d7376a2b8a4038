import Foundation
import Hummingbird
import RetouchCore

/// Admission control for the synchronous endpoints: at most `workers` images are processed at
/// once (on a `BlockingPool`, never on the server's own threads) and at most `queue` more wait.
/// A request beyond that is refused at once with 429 and a `Retry-After` estimated from recent
/// work times, before its body is read, so neither memory nor waiting time grows without bound.
public final class WorkLimiter: @unchecked Sendable {
    public let workers: Int
    public let capacity: Int
    let pool: BlockingPool
    private let lock = NSLock()
    private var admitted = 0
    /// Moving average of recent work times, for `Retry-After`.
    private var averageSeconds = 0.5

    public init(workers: Int, queue: Int) {
        self.workers = max(1, workers)
        capacity = self.workers + max(0, queue)
        pool = BlockingPool(width: self.workers, label: "retouch.server")
    }

    /// Requests admitted and not yet finished: working, waiting for a worker, or uploading.
    public var inFlight: Int { lock.withLock { admitted } }

    /// Requests waiting for a worker thread.
    public var waiting: Int {
        get async {
            let load = await pool.load
            return max(0, load - workers)
        }
    }

    /// Runs `body` holding one of the `capacity` slots, or throws 429 when none is free.
    public func withSlot<T>(_ body: () async throws -> T) async throws -> T {
        try acquire()
        defer { release() }
        return try await body()
    }

    /// Runs blocking work on the pool and learns how long work takes.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer { record(ContinuousClock.now - start) }
        return try await pool.run(work)
    }

    private func acquire() throws {
        let refusal: Int? = lock.withLock {
            guard admitted < capacity else { return retryAfterLocked() }
            admitted += 1
            return nil
        }
        if let seconds = refusal {
            throw APIError(.tooManyRequests, "overloaded",
                           "the server is busy: \(capacity) requests are already working or waiting; retry in \(seconds) s",
                           headers: [.retryAfter: String(seconds)])
        }
    }

    private func release() {
        lock.withLock { admitted -= 1 }
    }

    private func record(_ duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        lock.withLock { averageSeconds = 0.8 * averageSeconds + 0.2 * seconds }
    }

    /// The time for the work ahead to drain, in whole seconds, 1 to 120.
    private func retryAfterLocked() -> Int {
        let drain = averageSeconds * Double(admitted) / Double(workers)
        return Int(min(120, max(1, drain.rounded(.up))))
    }
}
