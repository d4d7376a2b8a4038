import Foundation
import PostgresNIO
import RetouchCore

/// The shared job store: any number of servers and workers, on any number of machines, on one
/// PostgreSQL database. Claims take the oldest claimable row with `FOR UPDATE SKIP LOCKED`, so
/// concurrent claimers never wait on each other and never get the same job; every worker write
/// locks the job row (`FOR UPDATE`) before its lease check.
public final class PostgresJobStore: JobStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let statementTimeout: Duration

    /// Connects to `url` and creates the tables in `schema` when missing. Fails when the server
    /// does not answer within `connectTimeoutSeconds` (the client itself would keep retrying).
    /// A statement that gets no answer within `statementTimeoutSeconds` fails and its connection
    /// is closed. The default logger reports errors only; pass one to see the connection pool's own messages.
    public init(url: String, schema: String = "public", connectTimeoutSeconds: Double = 30,
                statementTimeoutSeconds: Double = 60,
                logger: Logger = PostgresJobStore.quietLogger) async throws {
        let schema = try PostgresSchema.validName(schema)
        let client = PostgresClient(configuration: try PostgresURL.configuration(url, schema: schema),
                                    backgroundLogger: logger)
        self.client = client
        self.logger = logger
        statementTimeout = .milliseconds(Int(max(statementTimeoutSeconds, 0.001) * 1000))
        runner = Task { await client.run() }
        do {
            try await Self.withTimeout(seconds: connectTimeoutSeconds) { [self] in
                try await client.withConnection { db in
                    try await self.inTransaction(db) { db in
                        for statement in PostgresSchema.statements(schema: schema) {
                            try await self.rows(db, PostgresQuery(unsafeSQL: statement))
                        }
                    }
                }
            }
        } catch {
            runner.cancel()
            throw RetouchError(.io, "cannot set up the job store in \(PostgresURL.redacted(url)): "
                               + "\(String(reflecting: error)); is the server running and the URL right?")
        }
    }

    /// The default: errors only, because the pool logs every retry of a refused connection.
    public static var quietLogger: Logger {
        var logger = Logger(label: "retouch.jobs.postgres")
        logger.logLevel = .error
        return logger
    }

    public func create(_ job: NewJob, idempotencyKey: String?) async throws -> (job: Job, created: Bool) {
        let job = try job.validated()
        let id = UUID().uuidString.lowercased()
        // One statement, so one round trip and atomic without BEGIN/COMMIT; the items are inserted
        // only when the job row is (not when the idempotency key matched an existing job).
        let inserted = try await connection("create a job") { db in
            try await self.rows(db, """
                WITH job AS (
                    INSERT INTO jobs (id, owner, idempotency_key, state, config, max_attempts,
                                      created_at, updated_at, retention_seconds, items_total)
                    VALUES (\(id), \(job.owner), \(idempotencyKey), 'queued', \(job.config), \(job.maxAttempts),
                            now(), now(), \(job.retentionSeconds), \(job.inputs.count))
                    ON CONFLICT (owner, idempotency_key) DO NOTHING
                    RETURNING \(unescaped: Self.summaryColumns)
                ), items AS (
                    INSERT INTO job_items (job_id, idx, input_blob, input_name, mask_blob)
                    SELECT job.id, t.idx, t.blob, t.name, NULLIF(t.mask, '')
                    FROM job, unnest(\(Array(job.inputs.indices))::bigint[], \(job.inputs.map(\.blob.hex))::text[],
                                     \(job.inputs.map(\.name))::text[],
                                     \(job.inputs.map { $0.mask?.hex ?? "" })::text[]) AS t (idx, blob, name, mask)
                )
                SELECT * FROM job
                """)
        }
        if let summary = try inserted.first.map(Self.summary) {
            return (Job(summary: summary, items: job.pendingItems), true)
        }
        // Only an idempotency key can conflict, and the insert waited for the row it clashed with
        // to commit, so this read finds it.
        return try await transaction("read the job for idempotency key \(idempotencyKey ?? "")") { db in
            let existing = try await self.rows(db, """
                SELECT id FROM jobs WHERE owner = \(job.owner) AND idempotency_key = \(idempotencyKey)
                """)
            guard let existingID = try existing.first?["id"].decode(String.self) else {
                throw RetouchError(.io, "job store: idempotency key conflict without a job to return")
            }
            return (try await self.requireJob(db, existingID), false)
        }
    }

    public func get(_ id: String) async throws -> Job? {
        try await connection("read job \(id)") { db in try await self.fetchJob(db, id) }
    }

    public func list(_ query: JobQuery) async throws -> JobPage {
        let query = try query.validated()
        let afterSeq: Int? = try query.cursor.map { cursor in
            guard let seq = Int(cursor) else { throw JobRules.unknownCursor(cursor) }
            return seq
        }
        let states = query.states.map { $0.map(\.rawValue) }
        let rows = try await connection("list jobs") { db in
            try await self.rows(db, """
                SELECT seq, \(unescaped: Self.summaryColumns) FROM jobs
                WHERE owner = \(query.owner)
                  AND (\(afterSeq)::bigint IS NULL OR seq < \(afterSeq))
                  AND (\(states)::text[] IS NULL OR state = ANY(\(states)::text[]))
                ORDER BY seq DESC LIMIT \(query.limit + 1)
                """)
        }
        let page = rows.prefix(query.limit)
        let nextCursor: String? = rows.count > query.limit ? String(try page.last!["seq"].decode(Int.self)) : nil
        return JobPage(jobs: try page.map(Self.summary), nextCursor: nextCursor)
    }

    public func cancel(_ id: String) async throws -> Job {
        try await transaction("cancel job \(id)") { db in
            let job = try await self.lockedJob(db, id)
            switch job.state {
            case .queued:
                try await self.end(db, id, as: .cancelled, error: nil)
            case .running:
                try await self.rows(db, "UPDATE jobs SET cancel_requested = true, updated_at = now() WHERE id = \(id)")
            case .succeeded, .failed, .cancelled:
                break
            }
            return try await self.requireJob(db, id)
        }
    }

    public func claim(workerID: String, leaseSeconds: Double) async throws -> Job? {
        let lease = try JobRules.validLease(leaseSeconds)
        return try await transaction("claim a job") { db in
            while let row = try await self.rows(db, """
                SELECT id, state, attempts, max_attempts, cancel_requested, lease_owner FROM jobs
                WHERE state IN ('queued', 'running') AND (state = 'queued' OR lease_expires_at <= now())
                ORDER BY seq LIMIT 1
                FOR UPDATE SKIP LOCKED
                """).first {
                let id = try row["id"].decode(String.self)
                if try StoredValue.jobState(try row["state"].decode(String.self)) == .running {
                    if try row["cancel_requested"].decode(Bool.self) {
                        try await self.end(db, id, as: .cancelled, error: nil)
                        continue
                    }
                    let attempts = try row["attempts"].decode(Int.self)
                    if attempts >= (try row["max_attempts"].decode(Int.self)) {
                        let error = JobRules.abandonedError(attempts: attempts,
                                                            lastWorker: try row["lease_owner"].decode(String?.self))
                        try await self.end(db, id, as: .failed, error: error)
                        continue
                    }
                }
                try await self.rows(db, """
                    UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = \(workerID),
                                    lease_expires_at = now() + make_interval(secs => \(lease)), updated_at = now()
                    WHERE id = \(id)
                    """)
                return try await self.requireJob(db, id)
            }
            return nil
        }
    }

    public func heartbeat(jobID: String, workerID: String, leaseSeconds: Double) async throws -> LeaseRenewal {
        let lease = try JobRules.validLease(leaseSeconds)
        return try await transaction("renew the lease on job \(jobID)") { db in
            let job = try await self.fencedJob(db, jobID, workerID)
            try await self.rows(db, """
                UPDATE jobs SET lease_expires_at = now() + make_interval(secs => \(lease)) WHERE id = \(jobID)
                """)
            return job.cancelRequested ? .cancelRequested : .renewed
        }
    }

    @discardableResult
    public func completeItem(jobID: String, index: Int, workerID: String,
                             resultBlob: BlobKey?, resultJSON: String?) async throws -> Bool {
        try await transaction("record item \(index) of job \(jobID)") { db in
            let job = try await self.fencedJob(db, jobID, workerID)
            let changed = try await self.rows(db, """
                UPDATE job_items SET state = 'succeeded', result_blob = \(resultBlob?.hex), result_json = \(resultJSON)
                WHERE job_id = \(jobID) AND idx = \(index) AND state = 'pending'
                RETURNING idx
                """)
            return try await self.counted(db, job, index: index, changed: !changed.isEmpty, column: "items_succeeded")
        }
    }

    @discardableResult
    public func failItem(jobID: String, index: Int, workerID: String, error: String) async throws -> Bool {
        try await transaction("record item \(index) of job \(jobID)") { db in
            let job = try await self.fencedJob(db, jobID, workerID)
            let changed = try await self.rows(db, """
                UPDATE job_items SET state = 'failed', error = \(error)
                WHERE job_id = \(jobID) AND idx = \(index) AND state = 'pending'
                RETURNING idx
                """)
            return try await self.counted(db, job, index: index, changed: !changed.isEmpty, column: "items_failed")
        }
    }

    public func finish(jobID: String, workerID: String, state: JobState, error: String?) async throws -> Job {
        try await transaction("finish job \(jobID)") { db in
            let job = try await self.fencedJob(db, jobID, workerID)
            // Items of a running job are pending or have an outcome; cancelled only comes with the job's end.
            let pending = job.progress.total - job.progress.done
            let final = try JobRules.finalState(state, pendingItems: pending, jobID: jobID)
            try await self.end(db, jobID, as: final, error: error)
            return try await self.requireJob(db, jobID)
        }
    }

    public func release(jobID: String, workerID: String) async throws {
        try await transaction("release job \(jobID)") { db in
            let job = try await self.fencedJob(db, jobID, workerID)
            if job.cancelRequested {
                try await self.end(db, jobID, as: .cancelled, error: nil)
                return
            }
            try await self.rows(db, """
                UPDATE jobs SET state = 'queued', attempts = GREATEST(attempts - 1, 0), lease_owner = NULL,
                                lease_expires_at = NULL, updated_at = now()
                WHERE id = \(jobID)
                """)
        }
    }

    public func counts() async throws -> JobCounts {
        try await connection("count jobs") { db in
            var byState = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for row in try await self.rows(db, "SELECT state, count(*) AS n FROM jobs GROUP BY state") {
                if let state = JobState(rawValue: try row["state"].decode(String.self)) {
                    byState[state] = try row["n"].decode(Int.self)
                }
            }
            let depth = try await self.rows(db, """
                SELECT count(*) AS n FROM jobs
                WHERE state IN ('queued', 'running') AND (state = 'queued' OR lease_expires_at <= now())
                """).first?["n"].decode(Int.self) ?? 0
            return JobCounts(byState: byState, queueDepth: depth)
        }
    }

    public func purgeExpired(now: Date) async throws -> [BlobKey] {
        try await transaction("purge expired jobs") { db in
            let ids = try await self.rows(db, """
                SELECT id FROM jobs WHERE expires_at IS NOT NULL AND expires_at <= \(now)
                FOR UPDATE SKIP LOCKED
                """).map { try $0["id"].decode(String.self) }
            if ids.isEmpty { return [] }
            let candidates = try await self.rows(db, """
                SELECT DISTINCT key FROM job_items,
                    LATERAL (VALUES (input_blob), (mask_blob), (result_blob)) AS blobs (key)
                WHERE job_id = ANY(\(ids)::text[]) AND key IS NOT NULL
                """).map { try $0["key"].decode(String.self) }
            try await self.rows(db, "DELETE FROM job_items WHERE job_id = ANY(\(ids)::text[])")
            try await self.rows(db, "DELETE FROM jobs WHERE id = ANY(\(ids)::text[])")
            return try await self.rows(db, """
                SELECT key FROM unnest(\(candidates)::text[]) AS candidates (key)
                WHERE NOT EXISTS (SELECT 1 FROM job_items WHERE input_blob = key)
                  AND NOT EXISTS (SELECT 1 FROM job_items WHERE mask_blob = key)
                  AND NOT EXISTS (SELECT 1 FROM job_items WHERE result_blob = key)
                ORDER BY key
                """).map { try BlobKey(validating: try $0["key"].decode(String.self)) }
        }
    }

    public func referencedBlobs() async throws -> Set<BlobKey> {
        try await connection("list referenced blobs") { db in
            var keys = Set<BlobKey>()
            let rows = try await self.rows(db, """
                SELECT input_blob AS key FROM job_items
                UNION SELECT mask_blob FROM job_items WHERE mask_blob IS NOT NULL
                UNION SELECT result_blob FROM job_items WHERE result_blob IS NOT NULL
                """)
            for row in rows {
                keys.insert(try BlobKey(validating: try row["key"].decode(String.self)))
            }
            return keys
        }
    }

    public func close() async throws {
        runner.cancel()
        await runner.value
    }
}

// MARK: - Transactions and row decoding

extension PostgresJobStore {
    /// Runs `body` in one transaction (rolled back when it throws) and reports failures as
    /// RetouchErrors; the store's own errors (lease lost, not found, ...) come through unchanged.
    private func transaction<T>(_ action: String, isolation: isolated (any Actor)? = #isolation,
                                _ body: (PostgresConnection) async throws -> sending T) async throws -> sending T {
        do {
            return try await client.withConnection(isolation: isolation) { db in
                try await self.inTransaction(db, isolation: isolation, body)
            }
        } catch {
            throw JobRules.storeError(action, error)
        }
    }

    /// BEGIN, `body`, COMMIT, or ROLLBACK when `body` throws. Not postgres-nio's `withTransaction`:
    /// its ROLLBACK bypasses `rows` and hangs for good on a connection the server has dropped.
    private func inTransaction<T>(_ db: PostgresConnection, isolation: isolated (any Actor)? = #isolation,
                                  _ body: (PostgresConnection) async throws -> sending T) async throws -> sending T {
        try await rows(db, "BEGIN")
        let value: T
        do {
            value = try await body(db)
        } catch {
            // On a dropped connection the server has already rolled back; this then fails fast.
            _ = try? await rows(db, "ROLLBACK")
            throw error
        }
        try await rows(db, "COMMIT")
        return value
    }

    /// Like `transaction`, for a single statement that is atomic on its own, or reads (which in
    /// READ COMMITTED see a fresh snapshot per statement whether in a transaction or not).
    private func connection<T>(_ action: String, _ body: (PostgresConnection) async throws -> sending T)
        async throws -> sending T {
        do {
            return try await client.withConnection(body)
        } catch {
            throw JobRules.storeError(action, error)
        }
    }

    /// Every statement goes through here, so none can hang on a dead connection (see PostgresStatement).
    @discardableResult
    private func rows(_ db: PostgresConnection, _ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await PostgresStatement.rows(db, query, logger: logger, timeout: statementTimeout)
    }

    /// The job row, locked until the transaction ends, after checking that the worker holds its
    /// unexpired lease: the check and whatever the caller writes next are one atomic step.
    private func fencedJob(_ db: PostgresConnection, _ id: String, _ workerID: String) async throws -> JobSummary {
        guard let row = try await rows(db, """
            SELECT \(unescaped: Self.summaryColumns), lease_expires_at > now() AS lease_unexpired
            FROM jobs WHERE id = \(id) FOR UPDATE
            """).first else { throw JobRules.jobNotFound(id) }
        let job = try Self.summary(row)
        try JobRules.checkLease(jobID: id, workerID: workerID, state: job.state, leaseOwner: job.leaseOwner,
                                leaseUnexpired: try row["lease_unexpired"].decode(Bool?.self) ?? false)
        return job
    }

    private func lockedJob(_ db: PostgresConnection, _ id: String) async throws -> JobSummary {
        guard let row = try await rows(db, "SELECT \(unescaped: Self.summaryColumns) FROM jobs WHERE id = \(id) FOR UPDATE")
            .first else { throw JobRules.jobNotFound(id) }
        return try Self.summary(row)
    }

    /// After a conditional item update: bumps the job's counter when the item changed, tells an
    /// item that already had an outcome (false) from one that does not exist (an error).
    private func counted(_ db: PostgresConnection, _ job: JobSummary, index: Int, changed: Bool,
                         column: String) async throws -> Bool {
        if changed {
            try await rows(db, """
                UPDATE jobs SET \(unescaped: column) = \(unescaped: column) + 1, updated_at = now() WHERE id = \(job.id)
                """)
            return true
        }
        guard (0..<job.progress.total).contains(index) else {
            throw JobRules.itemNotFound(jobID: job.id, index: index, count: job.progress.total)
        }
        return false
    }

    /// Puts a job in a final state, settling its pending items and starting its retention clock.
    private func end(_ db: PostgresConnection, _ id: String, as state: JobState, error: String?) async throws {
        let outcome = JobRules.pendingItemsOutcome(for: state)
        let settled = try await rows(db, """
            UPDATE job_items SET state = \(outcome.rawValue), error = \(outcome == .failed ? (error ?? "not processed") : nil)
            WHERE job_id = \(id) AND state = 'pending'
            RETURNING idx
            """)
        let newlyFailed = outcome == .failed ? settled.count : 0
        try await rows(db, """
            UPDATE jobs SET state = \(state.rawValue), error = \(error), lease_owner = NULL, lease_expires_at = NULL,
                            updated_at = now(), expires_at = now() + make_interval(secs => retention_seconds),
                            items_failed = items_failed + \(newlyFailed)
            WHERE id = \(id)
            """)
    }

    private static let summaryColumns = """
        id, owner, state, config, idempotency_key, attempts, max_attempts, cancel_requested, lease_owner,
        lease_expires_at, created_at, updated_at, retention_seconds, expires_at, error, items_total,
        items_succeeded, items_failed
        """

    private func requireJob(_ db: PostgresConnection, _ id: String) async throws -> Job {
        guard let job = try await fetchJob(db, id) else { throw JobRules.jobNotFound(id) }
        return job
    }

    private func fetchJob(_ db: PostgresConnection, _ id: String) async throws -> Job? {
        guard let row = try await rows(db, "SELECT \(unescaped: Self.summaryColumns) FROM jobs WHERE id = \(id)").first
        else { return nil }
        let items = try await rows(db, """
            SELECT idx, input_blob, input_name, mask_blob, state, result_blob, result_json, error
            FROM job_items WHERE job_id = \(id) ORDER BY idx
            """).map(Self.item)
        return Job(summary: try Self.summary(row), items: items)
    }

    private static func summary(_ row: PostgresRandomAccessRow) throws -> JobSummary {
        JobSummary(
            id: try row["id"].decode(String.self),
            owner: try row["owner"].decode(String.self),
            state: try StoredValue.jobState(try row["state"].decode(String.self)),
            config: try row["config"].decode(String.self),
            idempotencyKey: try row["idempotency_key"].decode(String?.self),
            attempts: try row["attempts"].decode(Int.self),
            maxAttempts: try row["max_attempts"].decode(Int.self),
            cancelRequested: try row["cancel_requested"].decode(Bool.self),
            leaseOwner: try row["lease_owner"].decode(String?.self),
            leaseExpiresAt: try row["lease_expires_at"].decode(Date?.self),
            createdAt: try row["created_at"].decode(Date.self),
            updatedAt: try row["updated_at"].decode(Date.self),
            retentionSeconds: try row["retention_seconds"].decode(Double.self),
            expiresAt: try row["expires_at"].decode(Date?.self),
            error: try row["error"].decode(String?.self),
            progress: JobProgress(total: try row["items_total"].decode(Int.self),
                                  succeeded: try row["items_succeeded"].decode(Int.self),
                                  failed: try row["items_failed"].decode(Int.self)))
    }

    private static func item(_ row: PostgresRandomAccessRow) throws -> JobItem {
        JobItem(index: try row["idx"].decode(Int.self),
                inputBlob: try BlobKey(validating: try row["input_blob"].decode(String.self)),
                inputName: try row["input_name"].decode(String.self),
                maskBlob: try row["mask_blob"].decode(String?.self).map(BlobKey.init(validating:)),
                state: try StoredValue.itemState(try row["state"].decode(String.self)),
                resultBlob: try row["result_blob"].decode(String?.self).map(BlobKey.init(validating:)),
                resultJSON: try row["result_json"].decode(String?.self),
                error: try row["error"].decode(String?.self))
    }

    private struct Timeout: Error, CustomStringConvertible {
        var seconds: Double
        var description: String { "no answer within \(seconds) s" }
    }

    private static func withTimeout(seconds: Double, _ work: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(operation: work)
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                throw Timeout(seconds: seconds)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

}
