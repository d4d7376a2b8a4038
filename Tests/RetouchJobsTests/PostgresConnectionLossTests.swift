import Foundation
import PostgresNIO
import RetouchCore
import RetouchJobs
import Testing

/// The server dropping a store's connection in the middle of a transaction, as a restart does:
/// the call fails promptly with an io error instead of waiting forever, and the store goes on
/// working on a fresh connection.
@Suite struct PostgresConnectionLossTests {
    @Test func aConnectionDroppedMidTransactionFailsTheCallAndTheStoreRecovers() async throws {
        guard let url = ProcessInfo.processInfo.environment["RETOUCH_TEST_POSTGRES_URL"] else {
            throw MissingTestDatabase()
        }
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let store = try await PostgresJobStore(url: url, schema: schema)
        let admin = PostgresClient(configuration: try PostgresURL.configuration(url, schema: schema),
                                   backgroundLogger: PostgresJobStore.quietLogger)
        let adminRunner = Task { await admin.run() }
        defer { adminRunner.cancel() }
        let logger = PostgresJobStore.quietLogger

        let id = try await store.create(newJob(), idempotencyKey: nil).job.id
        #expect(try await store.claim(workerID: "w", leaseSeconds: 60)?.id == id)
        try await admin.withConnection { locker in
            // Holding the job's row lock makes the store's heartbeat wait inside its transaction,
            // where the server then cuts it off.
            let lockerPID = try await locker.query("SELECT pg_backend_pid() AS pid", logger: logger)
                .collect()[0].decode(Int.self)
            try await locker.query("BEGIN", logger: logger)
            try await locker.query("SELECT id FROM jobs WHERE id = \(id) FOR UPDATE", logger: logger)
            let heartbeat = Outcome()
            Task {
                do {
                    _ = try await store.heartbeat(jobID: id, workerID: "w", leaseSeconds: 60)
                    heartbeat.set(nil)
                } catch {
                    heartbeat.set(error)
                }
            }
            var waiter: Int?
            for _ in 0..<300 where waiter == nil {
                waiter = try await admin.query("SELECT pid FROM pg_stat_activity WHERE \(lockerPID)::int = ANY(pg_blocking_pids(pid))")
                    .collect().first?.decode(Int.self)
                if waiter == nil { try await sleep(seconds: 0.1) }
            }
            try await admin.query("SELECT pg_terminate_backend(\(try #require(waiter))::int)")
            for _ in 0..<300 where heartbeat.value == nil { try await sleep(seconds: 0.1) }
            let outcome = try #require(heartbeat.value, "a heartbeat whose connection the server dropped must not hang")
            let error = try #require(outcome, "the heartbeat cannot have succeeded") as? RetouchError
            #expect(error?.code == .io, "\(String(describing: error))")
            try await locker.query("COMMIT", logger: logger)
        }
        #expect(try await store.heartbeat(jobID: id, workerID: "w", leaseSeconds: 60) == .renewed,
                "the store works again on a new connection")
        #expect(try await store.get(id)?.state == .running)
        try await admin.query("DROP SCHEMA \(unescaped: schema) CASCADE")
        try await store.close()
    }

    /// What a detached call ended with: nil while it runs, then .some(nil) or .some(error).
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: (any Error)??

        var value: (any Error)?? { lock.withLock { stored } }
        func set(_ error: (any Error)?) { lock.withLock { stored = .some(error) } }
    }
}
