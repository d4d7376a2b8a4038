import Foundation
import PostgresNIO

/// Runs one statement so that a dead connection fails it rather than hanging it.
///
/// postgres-nio 1.33.2 hands a query to the connection's channel without a write promise and
/// waits on a promise only its channel handler completes. When the server goes away (a restart,
/// `pg_ctl stop -m fast`, a terminated backend), NIO closes the channel and, a moment later,
/// removes its handlers; a query written after that is dropped by the bare pipeline and its
/// await never returns, while the caller keeps its pooled connection. postgres-nio's own
/// `withTransaction` does exactly that with the ROLLBACK after a failed statement, which left
/// every worker stuck for good after a PostgreSQL restart. Cancelling does not help (the await
/// ignores cancellation), so the statement runs in a task of its own and the caller waits only
/// while the connection is open and `timeout` has not passed.
enum PostgresStatement {
    /// How often a waiting caller looks at the connection; only matters when it has died.
    static let pollInterval: Duration = .milliseconds(100)

    static func rows(_ db: PostgresConnection, _ query: PostgresQuery, logger: Logger,
                     timeout: Duration) async throws -> [PostgresRandomAccessRow] {
        let outcome = Outcome()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.start(continuation)
            // Abandoned (never resumed) when its query was dropped; all it holds is that query.
            Task {
                do {
                    var rows: [PostgresRandomAccessRow] = []
                    for try await row in try await db.query(query, logger: logger) {
                        rows.append(row.makeRandomAccess())
                    }
                    outcome.finish(.success(rows))
                } catch {
                    outcome.finish(.failure(error))
                }
            }
            outcome.watch(Task {
                let deadline = ContinuousClock.now + timeout
                while !Task.isCancelled {
                    if db.isClosed {
                        outcome.finish(.failure(ConnectionLost(reason: "the connection to the server closed")))
                        return
                    }
                    if ContinuousClock.now >= deadline {
                        outcome.finish(.failure(ConnectionLost(reason: "no answer within \(timeout)")))
                        // The server may still hold the statement's locks: closing ends its
                        // transaction there, and the pool replaces the connection.
                        try? await db.close()
                        return
                    }
                    try? await Task.sleep(for: pollInterval)
                }
            })
        }
    }

    struct ConnectionLost: Error, CustomStringConvertible {
        var reason: String
        var description: String { "\(reason) before the statement finished; it may or may not have taken effect" }
    }

    /// Resumes the caller once, with whichever comes first, and stops the watch.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<[PostgresRandomAccessRow], any Error>?
        private var watcher: Task<Void, Never>?
        private var finished = false

        func start(_ continuation: CheckedContinuation<[PostgresRandomAccessRow], any Error>) {
            lock.withLock { self.continuation = continuation }
        }

        func watch(_ task: Task<Void, Never>) {
            let cancelNow = lock.withLock {
                watcher = task
                return finished
            }
            if cancelNow { task.cancel() }
        }

        func finish(_ result: Result<[PostgresRandomAccessRow], any Error>) {
            let (continuation, watcher) = lock.withLock {
                finished = true
                defer { self.continuation = nil }
                return (self.continuation, self.watcher)
            }
            watcher?.cancel()
            continuation?.resume(with: result)
        }
    }
}
