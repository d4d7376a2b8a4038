import Foundation
import RetouchCore

/// Where a job is in its life. `succeeded`, `failed` and `cancelled` are final.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case queued, running, succeeded, failed, cancelled

    public var isFinal: Bool {
        switch self {
        case .queued, .running: false
        case .succeeded, .failed, .cancelled: true
        }
    }
}

/// Where one input of a job is. Anything but `pending` is final: the first outcome recorded wins.
public enum ItemState: String, Sendable, Codable, CaseIterable {
    case pending, succeeded, failed, cancelled
}

/// One input of a new job: a blob already in the blob store, the name the client gave it, and
/// optionally a mask blob (white = remove) for the pipeline's inpaint step.
public struct JobInput: Sendable, Equatable, Codable {
    public var blob: BlobKey
    public var name: String
    public var mask: BlobKey?

    public init(blob: BlobKey, name: String, mask: BlobKey? = nil) {
        self.blob = blob
        self.name = name
        self.mask = mask
    }
}

/// What a client asks for. `config` is opaque to the store (the pipeline's JSON).
public struct NewJob: Sendable, Equatable {
    /// The API key (or other principal) the job belongs to; idempotency keys and listings are scoped to it.
    public var owner: String
    public var config: String
    public var inputs: [JobInput]
    /// How long a finished job and its results are kept before `purgeExpired` removes them.
    public var retentionSeconds: Double
    /// How many workers may take the job before it is failed (each lease that runs out costs one).
    public var maxAttempts: Int

    public init(owner: String, config: String, inputs: [JobInput],
                retentionSeconds: Double = 24 * 3600, maxAttempts: Int = 3) {
        self.owner = owner
        self.config = config
        self.inputs = inputs
        self.retentionSeconds = retentionSeconds
        self.maxAttempts = maxAttempts
    }

    /// The items of the job as created: every input pending.
    var pendingItems: [JobItem] {
        inputs.enumerated().map { index, input in
            JobItem(index: index, inputBlob: input.blob, inputName: input.name, maskBlob: input.mask,
                    state: .pending, resultBlob: nil, resultJSON: nil, error: nil)
        }
    }

    func validated() throws -> NewJob {
        if owner.isEmpty {
            throw RetouchError(.invalidArgument, "a job needs an owner (the API key id it belongs to)")
        }
        if inputs.isEmpty {
            throw RetouchError(.invalidArgument, "a job needs at least one input image")
        }
        if maxAttempts < 1 {
            throw RetouchError(.invalidArgument, "maxAttempts is \(maxAttempts); it must be at least 1")
        }
        if !(retentionSeconds >= 0 && retentionSeconds.isFinite) {
            throw RetouchError(.invalidArgument,
                               "retentionSeconds is \(retentionSeconds); give a finite number of seconds >= 0")
        }
        return self
    }
}

/// How many of a job's items have an outcome.
public struct JobProgress: Sendable, Equatable, Codable {
    public var total: Int
    public var succeeded: Int
    public var failed: Int

    public init(total: Int, succeeded: Int, failed: Int) {
        self.total = total
        self.succeeded = succeeded
        self.failed = failed
    }

    public var done: Int { succeeded + failed }
}

/// Everything about a job except its items: what listings return.
public struct JobSummary: Sendable, Equatable, Codable {
    public var id: String
    public var owner: String
    public var state: JobState
    public var config: String
    public var idempotencyKey: String?
    /// How many times a worker has claimed the job.
    public var attempts: Int
    public var maxAttempts: Int
    /// Set by `cancel` on a running job; the worker learns of it from its next heartbeat.
    public var cancelRequested: Bool
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var retentionSeconds: Double
    /// When the job and its results will be purged; set once the job is final.
    public var expiresAt: Date?
    /// Why the job failed, when it did.
    public var error: String?
    public var progress: JobProgress
}

/// One input of a job and, once processed, its outcome.
public struct JobItem: Sendable, Equatable, Codable {
    public var index: Int
    public var inputBlob: BlobKey
    public var inputName: String
    /// The mask uploaded with the input, if any.
    public var maskBlob: BlobKey?
    public var state: ItemState
    public var resultBlob: BlobKey?
    /// Per-item JSON from the pipeline (QA verdicts, timings, ...), opaque to the store.
    public var resultJSON: String?
    public var error: String?
}

/// A job with its items. Summary fields read through directly: `job.state`, `job.progress`.
@dynamicMemberLookup
public struct Job: Sendable, Equatable, Codable {
    public var summary: JobSummary
    public var items: [JobItem]

    public subscript<Value>(dynamicMember keyPath: KeyPath<JobSummary, Value>) -> Value {
        summary[keyPath: keyPath]
    }
}

/// A listing request: one owner's jobs, newest first.
public struct JobQuery: Sendable, Equatable {
    public static let maximumLimit = 1000

    public var owner: String
    /// Only jobs in these states; nil for all.
    public var states: Set<JobState>?
    public var limit: Int
    /// The `nextCursor` of the previous page.
    public var cursor: String?

    public init(owner: String, states: Set<JobState>? = nil, limit: Int = 50, cursor: String? = nil) {
        self.owner = owner
        self.states = states
        self.limit = limit
        self.cursor = cursor
    }

    func validated() throws -> JobQuery {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw RetouchError(.invalidArgument, "limit is \(limit); give 1 to \(Self.maximumLimit)")
        }
        if let states, states.isEmpty {
            throw RetouchError(.invalidArgument, "the state filter is empty; give at least one state or none")
        }
        return self
    }
}

public struct JobPage: Sendable, Equatable {
    public var jobs: [JobSummary]
    /// Pass as `JobQuery.cursor` for the next page; nil on the last page.
    public var nextCursor: String?
}

/// What a heartbeat tells the worker holding the lease.
public enum LeaseRenewal: Sendable, Equatable {
    case renewed
    /// The lease is renewed, but a client cancelled the job: stop and `finish` it as cancelled.
    case cancelRequested
}

/// Figures for /metrics and for refusing work when the queue is full.
public struct JobCounts: Sendable, Equatable {
    public var byState: [JobState: Int]
    /// Jobs a worker could claim now: queued, or running under a lease that ran out.
    public var queueDepth: Int
}
