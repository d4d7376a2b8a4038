import Foundation
import GRDB
import RetouchCore

/// The embedded job store: one SQLite file in WAL mode, nothing to start. Several processes on
/// one machine may share the file (writes take SQLite's write lock with `BEGIN IMMEDIATE` and wait
/// for it); a file on a network share is not supported (SQLite's locking is not safe there), which
/// is what the PostgreSQL store is for.
public final class SQLiteJobStore: JobStore {
    private let pool: DatabasePool

    /// Opens (creating it and its directory when missing) the database at `path` and brings its
    /// schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        // Other processes may hold the write lock for a moment; wait rather than fail.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Every committed job survives a power cut, not only a process crash. It costs one
            // fsync per commit, which bounds the enqueue rate (about 1,000 jobs/s measured here).
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteSchema.migrator.migrate(pool)
        } catch {
            throw RetouchError(.io, "cannot open the job database \(path): \(error)")
        }
    }

    public func create(_ job: NewJob, idempotencyKey: String?) async throws -> (job: Job, created: Bool) {
        let job = try job.validated()
        return try await write("create a job") { db in
            if let idempotencyKey,
               let existing = try Self.fetchJob(db, where: "owner = ? AND idempotency_key = ?",
                                                [job.owner, idempotencyKey]) {
                return (existing, false)
            }
            let now = Self.now()
            let id = UUID().uuidString.lowercased()
            try db.cachedStatement(sql: """
                INSERT INTO jobs (id, owner, idempotency_key, state, config, max_attempts,
                                  created_at, updated_at, retention_seconds, items_total)
                VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [id, job.owner, idempotencyKey, job.config, job.maxAttempts,
                                 now, now, job.retentionSeconds, job.inputs.count])
            let insertItem = try db.cachedStatement(sql: """
                INSERT INTO job_items (job_id, idx, input_blob, input_name, mask_blob) VALUES (?, ?, ?, ?, ?)
                """)
            for (index, input) in job.inputs.enumerated() {
                try insertItem.execute(arguments: [id, index, input.blob.hex, input.name, input.mask?.hex])
            }
            let created = Date(timeIntervalSince1970: now)
            let summary = JobSummary(
                id: id, owner: job.owner, state: .queued, config: job.config, idempotencyKey: idempotencyKey,
                attempts: 0, maxAttempts: job.maxAttempts, cancelRequested: false, leaseOwner: nil,
                leaseExpiresAt: nil, createdAt: created, updatedAt: created, retentionSeconds: job.retentionSeconds,
                expiresAt: nil, error: nil, progress: JobProgress(total: job.inputs.count, succeeded: 0, failed: 0))
            return (Job(summary: summary, items: job.pendingItems), true)
        }
    }

    public func get(_ id: String) async throws -> Job? {
        try await read("read job \(id)") { db in try Self.fetchJob(db, where: "id = ?", [id]) }
    }

    public func list(_ query: JobQuery) async throws -> JobPage {
        let query = try query.validated()
        return try await read("list jobs") { db in
            var sql = "SELECT seq, \(Self.summaryColumns) FROM jobs WHERE owner = ?"
            var arguments: StatementArguments = [query.owner]
            if let cursor = query.cursor {
                guard let seq = Int64(cursor) else { throw JobRules.unknownCursor(cursor) }
                sql += " AND seq < ?"
                arguments += [seq]
            }
            if let states = query.states {
                sql += " AND state IN (\(Array(repeating: "?", count: states.count).joined(separator: ", ")))"
                arguments += StatementArguments(states.map(\.rawValue))
            }
            sql += " ORDER BY seq DESC LIMIT ?"
            arguments += [query.limit + 1]
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            let page = rows.prefix(query.limit)
            let nextCursor: String? = rows.count > query.limit
                ? String(try page.last!.decode(Int64.self, forColumn: "seq")) : nil
            return JobPage(jobs: try page.map(Self.summary), nextCursor: nextCursor)
        }
    }

    public func cancel(_ id: String) async throws -> Job {
        try await write("cancel job \(id)") { db in
            let job = try Self.requireJob(db, id)
            switch job.state {
            case .queued:
                try Self.end(db, id, as: .cancelled, error: nil, now: Self.now())
            case .running:
                try db.execute(sql: "UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?",
                               arguments: [Self.now(), id])
            case .succeeded, .failed, .cancelled:
                return job
            }
            return try Self.requireJob(db, id)
        }
    }

    public func claim(workerID: String, leaseSeconds: Double) async throws -> Job? {
        let lease = try JobRules.validLease(leaseSeconds)
        return try await write("claim a job") { db in
            let now = Self.now()
            while let row = try Row.fetchOne(db, sql: """
                SELECT id, state, attempts, max_attempts, cancel_requested, lease_owner FROM jobs
                WHERE state IN ('queued', 'running') AND (state = 'queued' OR lease_expires_at <= ?)
                ORDER BY seq LIMIT 1
                """, arguments: [now]) {
                let id: String = try row.decode(forColumn: "id")
                if try row.decode(String.self, forColumn: "state") == JobState.running.rawValue {
                    if try row.decode(Bool.self, forColumn: "cancel_requested") {
                        try Self.end(db, id, as: .cancelled, error: nil, now: now)
                        continue
                    }
                    let attempts: Int = try row.decode(forColumn: "attempts")
                    if attempts >= (try row.decode(Int.self, forColumn: "max_attempts")) {
                        let error = JobRules.abandonedError(attempts: attempts,
                                                            lastWorker: try row.decode(forColumn: "lease_owner"))
                        try Self.end(db, id, as: .failed, error: error, now: now)
                        continue
                    }
                }
                try db.execute(sql: """
                    UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?,
                                    lease_expires_at = ?, updated_at = ?
                    WHERE id = ?
                    """, arguments: [workerID, now + lease, now, id])
                return try Self.requireJob(db, id)
            }
            return nil
        }
    }

    public func heartbeat(jobID: String, workerID: String, leaseSeconds: Double) async throws -> LeaseRenewal {
        let lease = try JobRules.validLease(leaseSeconds)
        return try await write("renew the lease on job \(jobID)") { db in
            let now = Self.now()
            let job = try Self.fencedJob(db, jobID, workerID, now: now)
            try db.execute(sql: "UPDATE jobs SET lease_expires_at = ? WHERE id = ?", arguments: [now + lease, jobID])
            return job.cancelRequested ? .cancelRequested : .renewed
        }
    }

    @discardableResult
    public func completeItem(jobID: String, index: Int, workerID: String,
                             resultBlob: BlobKey?, resultJSON: String?) async throws -> Bool {
        try await write("record item \(index) of job \(jobID)") { db in
            let job = try Self.fencedJob(db, jobID, workerID, now: Self.now())
            try db.execute(sql: """
                UPDATE job_items SET state = 'succeeded', result_blob = ?, result_json = ?
                WHERE job_id = ? AND idx = ? AND state = 'pending'
                """, arguments: [resultBlob?.hex, resultJSON, jobID, index])
            return try Self.counted(db, job, index: index, column: "items_succeeded")
        }
    }

    @discardableResult
    public func failItem(jobID: String, index: Int, workerID: String, error: String) async throws -> Bool {
        try await write("record item \(index) of job \(jobID)") { db in
            let job = try Self.fencedJob(db, jobID, workerID, now: Self.now())
            try db.execute(sql: """
                UPDATE job_items SET state = 'failed', error = ?
                WHERE job_id = ? AND idx = ? AND state = 'pending'
                """, arguments: [error, jobID, index])
            return try Self.counted(db, job, index: index, column: "items_failed")
        }
    }

    public func finish(jobID: String, workerID: String, state: JobState, error: String?) async throws -> Job {
        try await write("finish job \(jobID)") { db in
            let now = Self.now()
            let job = try Self.fencedJob(db, jobID, workerID, now: now)
            // Items of a running job are pending or have an outcome; cancelled only comes with the job's end.
            let pending = job.progress.total - job.progress.done
            let final = try JobRules.finalState(state, pendingItems: pending, jobID: jobID)
            try Self.end(db, jobID, as: final, error: error, now: now)
            return try Self.requireJob(db, jobID)
        }
    }

    public func release(jobID: String, workerID: String) async throws {
        try await write("release job \(jobID)") { db in
            let now = Self.now()
            let job = try Self.fencedJob(db, jobID, workerID, now: now)
            if job.cancelRequested {
                try Self.end(db, jobID, as: .cancelled, error: nil, now: now)
                return
            }
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), lease_owner = NULL,
                                lease_expires_at = NULL, updated_at = ?
                WHERE id = ?
                """, arguments: [now, jobID])
        }
    }

    public func counts() async throws -> JobCounts {
        try await read("count jobs") { db in
            var byState = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                if let state = JobState(rawValue: try row.decode(forColumn: "state")) {
                    byState[state] = try row.decode(Int.self, forColumn: "n")
                }
            }
            let depth = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM jobs
                WHERE state IN ('queued', 'running') AND (state = 'queued' OR lease_expires_at <= ?)
                """, arguments: [Self.now()]) ?? 0
            return JobCounts(byState: byState, queueDepth: depth)
        }
    }

    public func purgeExpired(now: Date) async throws -> [BlobKey] {
        let cutoff = now.timeIntervalSince1970
        return try await write("purge expired jobs") { db in
            let expired = "SELECT id FROM jobs WHERE expires_at IS NOT NULL AND expires_at <= ?"
            var candidates = Set<String>()
            for row in try Row.fetchAll(db, sql: """
                SELECT input_blob, mask_blob, result_blob FROM job_items WHERE job_id IN (\(expired))
                """, arguments: [cutoff]) {
                candidates.insert(try row.decode(forColumn: "input_blob"))
                if let mask: String = try row.decode(forColumn: "mask_blob") { candidates.insert(mask) }
                if let result: String = try row.decode(forColumn: "result_blob") { candidates.insert(result) }
            }
            try db.execute(sql: "DELETE FROM job_items WHERE job_id IN (\(expired))", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM jobs WHERE id IN (\(expired))", arguments: [cutoff])
            let lookup = try db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM job_items WHERE input_blob = ?1)
                    OR EXISTS (SELECT 1 FROM job_items WHERE mask_blob = ?1)
                    OR EXISTS (SELECT 1 FROM job_items WHERE result_blob = ?1)
                """)
            return try candidates.sorted().filter { key in
                try Bool.fetchOne(lookup, arguments: [key]) != true
            }.map(BlobKey.init(validating:))
        }
    }

    public func referencedBlobs() async throws -> Set<BlobKey> {
        try await read("list referenced blobs") { db in
            var keys = Set<BlobKey>()
            let rows = try Row.fetchCursor(db, sql: "SELECT input_blob, mask_blob, result_blob FROM job_items")
            while let row = try rows.next() {
                for column in ["input_blob", "mask_blob", "result_blob"] {
                    if let key: String = try row.decode(forColumn: column) { keys.insert(try BlobKey(validating: key)) }
                }
            }
            return keys
        }
    }

    public func close() async throws {
        try pool.close()
    }
}

// MARK: - Transactions and row decoding

extension SQLiteJobStore {
    private func write<T: Sendable>(_ action: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw JobRules.storeError(action, error)
        }
    }

    private func read<T: Sendable>(_ action: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw JobRules.storeError(action, error)
        }
    }

    private static func now() -> Double { Date().timeIntervalSince1970 }

    /// The job, after checking (inside the write transaction, so nothing can change in between)
    /// that the worker holds its unexpired lease.
    private static func fencedJob(_ db: Database, _ id: String, _ workerID: String, now: Double) throws -> JobSummary {
        let job = try requireJob(db, id).summary
        try JobRules.checkLease(jobID: id, workerID: workerID, state: job.state, leaseOwner: job.leaseOwner,
                                leaseUnexpired: (job.leaseExpiresAt?.timeIntervalSince1970 ?? 0) > now)
        return job
    }

    /// After a conditional item update: bumps the job's counter when the item changed, tells an
    /// item that already had an outcome (false) from one that does not exist (an error).
    private static func counted(_ db: Database, _ job: JobSummary, index: Int, column: String) throws -> Bool {
        if db.changesCount == 1 {
            try db.execute(sql: "UPDATE jobs SET \(column) = \(column) + 1, updated_at = ? WHERE id = ?",
                           arguments: [now(), job.id])
            return true
        }
        guard (0..<job.progress.total).contains(index) else {
            throw JobRules.itemNotFound(jobID: job.id, index: index, count: job.progress.total)
        }
        return false
    }

    /// Puts a job in a final state, settling its pending items and starting its retention clock.
    private static func end(_ db: Database, _ id: String, as state: JobState, error: String?, now: Double) throws {
        let outcome = JobRules.pendingItemsOutcome(for: state)
        try db.execute(sql: """
            UPDATE job_items SET state = ?, error = ? WHERE job_id = ? AND state = 'pending'
            """, arguments: [outcome.rawValue, outcome == .failed ? (error ?? "not processed") : nil, id])
        let newlyFailed = outcome == .failed ? db.changesCount : 0
        try db.execute(sql: """
            UPDATE jobs SET state = ?, error = ?, lease_owner = NULL, lease_expires_at = NULL,
                            updated_at = ?, expires_at = ? + retention_seconds,
                            items_failed = items_failed + ?
            WHERE id = ?
            """, arguments: [state.rawValue, error, now, now, newlyFailed, id])
    }

    private static let summaryColumns = """
        id, owner, state, config, idempotency_key, attempts, max_attempts, cancel_requested, lease_owner,
        lease_expires_at, created_at, updated_at, retention_seconds, expires_at, error, items_total,
        items_succeeded, items_failed
        """

    private static func requireJob(_ db: Database, _ id: String) throws -> Job {
        guard let job = try fetchJob(db, where: "id = ?", [id]) else { throw JobRules.jobNotFound(id) }
        return job
    }

    private static func fetchJob(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> Job? {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(summaryColumns) FROM jobs WHERE \(condition)",
                                         arguments: arguments) else { return nil }
        let summary = try summary(row)
        let items = try Row.fetchAll(db, sql: """
            SELECT idx, input_blob, input_name, mask_blob, state, result_blob, result_json, error
            FROM job_items WHERE job_id = ? ORDER BY idx
            """, arguments: [summary.id]).map(item)
        return Job(summary: summary, items: items)
    }

    private static func summary(_ row: Row) throws -> JobSummary {
        func date(_ column: String) throws -> Date? {
            try row.decode(Double?.self, forColumn: column).map(Date.init(timeIntervalSince1970:))
        }
        return JobSummary(
            id: try row.decode(forColumn: "id"),
            owner: try row.decode(forColumn: "owner"),
            state: try StoredValue.jobState(try row.decode(forColumn: "state")),
            config: try row.decode(forColumn: "config"),
            idempotencyKey: try row.decode(forColumn: "idempotency_key"),
            attempts: try row.decode(forColumn: "attempts"),
            maxAttempts: try row.decode(forColumn: "max_attempts"),
            cancelRequested: try row.decode(forColumn: "cancel_requested"),
            leaseOwner: try row.decode(forColumn: "lease_owner"),
            leaseExpiresAt: try date("lease_expires_at"),
            createdAt: Date(timeIntervalSince1970: try row.decode(forColumn: "created_at")),
            updatedAt: Date(timeIntervalSince1970: try row.decode(forColumn: "updated_at")),
            retentionSeconds: try row.decode(forColumn: "retention_seconds"),
            expiresAt: try date("expires_at"),
            error: try row.decode(forColumn: "error"),
            progress: JobProgress(total: try row.decode(forColumn: "items_total"),
                                  succeeded: try row.decode(forColumn: "items_succeeded"),
                                  failed: try row.decode(forColumn: "items_failed")))
    }

    private static func item(_ row: Row) throws -> JobItem {
        JobItem(index: try row.decode(forColumn: "idx"),
                inputBlob: try BlobKey(validating: try row.decode(forColumn: "input_blob")),
                inputName: try row.decode(forColumn: "input_name"),
                maskBlob: try row.decode(String?.self, forColumn: "mask_blob").map(BlobKey.init(validating:)),
                state: try StoredValue.itemState(try row.decode(forColumn: "state")),
                resultBlob: try row.decode(String?.self, forColumn: "result_blob").map(BlobKey.init(validating:)),
                resultJSON: try row.decode(forColumn: "result_json"),
                error: try row.decode(forColumn: "error"))
    }
}
