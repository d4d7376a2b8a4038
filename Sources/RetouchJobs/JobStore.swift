import Foundation

/// Durable, shared job queue: what the HTTP server writes and the workers drain.
///
/// ## States
/// ```
///            claim                 finish(.succeeded/.failed/.cancelled)
///   queued ─────────▶ running ─────────────────────────────────────────▶ final
///     │  ▲               │  lease runs out: back to the queue (claimable again),
///     │  └── release ────┘  or failed once maxAttempts claims have all run out
///     └── cancel ──▶ cancelled
/// ```
/// `cancel` ends a queued job at once. On a running job it only sets `cancelRequested`; the worker
/// learns it from its next heartbeat and finishes the job as cancelled (a job whose lease ran out
/// with a cancel pending is cancelled by the next claim instead of being handed out).
/// A final job keeps its results until `expiresAt` (finish time + retention), then
/// `purgeExpired` deletes it and names the blobs nothing references any more.
///
/// ## Leases and fencing
/// A claim gives one worker a lease: (`leaseOwner`, `leaseExpiresAt`). The worker heartbeats to
/// extend it. A worker that dies stops heartbeating; once the lease runs out the job is claimable
/// again and the next worker gets only the items still `pending`; items already recorded are
/// kept, not redone. Each claim counts as an attempt; when `maxAttempts` leases have run out the
/// job fails with an error saying so, so a job that kills every worker cannot loop forever.
///
/// Every write a worker makes (`heartbeat`, `completeItem`, `failItem`, `finish`, `release`) runs
/// in one transaction that first locks the job (PostgreSQL: its row, `SELECT ... FOR UPDATE`;
/// SQLite: the database's single write lock), checks that the caller still holds an unexpired
/// lease, and throws `.leaseLost` otherwise. A worker that was paused past its lease
/// and wakes up cannot write anything, because the check and the write are atomic.
///
/// That alone still lets two workers process the same item (the old one up to the moment its
/// lease ran out, the new one after). What keeps a result from being published twice is that an
/// item's outcome is written only while the item is `pending` (`UPDATE ... WHERE state =
/// 'pending'`), so the first recorded outcome wins and any later one, from whichever worker, is
/// a no-op reported as `false`. Results are content-addressed blobs, so a redone item that lost
/// that race leaves at most an unreferenced blob behind, never a second or changed result.
///
/// Timestamps: the SQLite store (one machine) reads the local clock; the PostgreSQL store uses the
/// database server's clock for leases, so workers on machines with skewed clocks still agree.
public protocol JobStore: Sendable {
    /// Enqueues a job. With an idempotency key that the owner already used, nothing is created
    /// and the existing job is returned with `created == false`, so a retried request is safe.
    func create(_ job: NewJob, idempotencyKey: String?) async throws -> (job: Job, created: Bool)

    func get(_ id: String) async throws -> Job?

    /// One owner's jobs, newest first, a page at a time.
    func list(_ query: JobQuery) async throws -> JobPage

    /// Cancels a queued job at once, asks the worker to stop a running one, and leaves a final
    /// job as it is. Returns the job as it is afterwards; throws `.notFound` for an unknown id.
    func cancel(_ id: String) async throws -> Job

    /// Leases the oldest claimable job (queued, or running under a lease that ran out) to the
    /// worker, or returns nil when there is none. The job's `items` tell what is still pending.
    func claim(workerID: String, leaseSeconds: Double) async throws -> Job?

    /// Extends the lease to `leaseSeconds` from now. Throws `.leaseLost` when the worker no longer
    /// holds it: the worker must then drop the job without writing anything.
    func heartbeat(jobID: String, workerID: String, leaseSeconds: Double) async throws -> LeaseRenewal

    /// Records an item's result; put `resultBlob` in the blob store first, so a recorded key always
    /// names stored bytes. Returns false, changing nothing, when the item already has an outcome
    /// (a retry, or another worker was first). Throws `.leaseLost` without a valid lease.
    @discardableResult
    func completeItem(jobID: String, index: Int, workerID: String,
                      resultBlob: BlobKey?, resultJSON: String?) async throws -> Bool

    /// Records that an item could not be processed; same rules as `completeItem`.
    @discardableResult
    func failItem(jobID: String, index: Int, workerID: String, error: String) async throws -> Bool

    /// Ends the job in a final state and gives up the lease. Items still pending are marked failed
    /// (with `error`) or cancelled; finishing as succeeded with items pending is a `.conflict`.
    func finish(jobID: String, workerID: String, state: JobState, error: String?) async throws -> Job

    /// Gives the job back to the queue without counting the attempt (a worker shutting down).
    func release(jobID: String, workerID: String) async throws

    func counts() async throws -> JobCounts

    /// Deletes final jobs whose retention ended by `now` and returns the blobs (inputs and results)
    /// that no remaining job refers to, for the caller to delete from the blob store.
    func purgeExpired(now: Date) async throws -> [BlobKey]

    /// Every blob some job refers to (inputs, masks, results): what a blob sweep must keep.
    func referencedBlobs() async throws -> Set<BlobKey>

    /// Closes connections; the store must not be used afterwards.
    func close() async throws
}
