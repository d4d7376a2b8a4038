import Foundation
import RetouchCore

/// The decisions both stores make the same way, kept out of their SQL so they cannot drift apart.
enum JobRules {
    /// The lease fence: a worker may write to a job only while it is running under that worker's
    /// unexpired lease.
    static func checkLease(jobID: String, workerID: String, state: JobState,
                           leaseOwner: String?, leaseUnexpired: Bool) throws {
        if state == .running && leaseOwner == workerID && leaseUnexpired { return }
        let why: String
        if state != .running {
            why = "the job is \(state.rawValue)"
        } else if leaseOwner != workerID {
            why = "worker \(leaseOwner ?? "none") holds it now"
        } else {
            why = "the lease ran out"
        }
        throw RetouchError(.leaseLost,
                           "worker \(workerID) no longer holds the lease on job \(jobID) (\(why)); "
                           + "drop the job without writing more of it")
    }

    static func validLease(_ seconds: Double) throws -> Double {
        guard seconds > 0 && seconds.isFinite else {
            throw RetouchError(.invalidArgument, "leaseSeconds is \(seconds); give a positive number of seconds")
        }
        return seconds
    }

    static func finalState(_ state: JobState, pendingItems: Int, jobID: String) throws -> JobState {
        guard state.isFinal else {
            throw RetouchError(.invalidArgument,
                               "a job can only be finished as succeeded, failed or cancelled, not \(state.rawValue)")
        }
        if state == .succeeded && pendingItems > 0 {
            throw RetouchError(.conflict,
                               "job \(jobID) still has \(pendingItems) pending item(s); complete or fail "
                               + "them before finishing it as succeeded")
        }
        return state
    }

    /// What a job's pending items become when the job ends in `state`.
    static func pendingItemsOutcome(for state: JobState) -> ItemState {
        state == .cancelled ? .cancelled : .failed
    }

    static func abandonedError(attempts: Int, lastWorker: String?) -> String {
        "gave up after \(attempts) attempt(s): each worker lost its lease before finishing "
            + "(last: \(lastWorker ?? "unknown")); the job may crash or stall the worker"
    }

    static func jobNotFound(_ id: String) -> RetouchError {
        RetouchError(.notFound, "no job with id '\(id)'")
    }

    static func itemNotFound(jobID: String, index: Int, count: Int) -> RetouchError {
        RetouchError(.notFound, "job \(jobID) has no item \(index); its items are numbered 0..<\(count)")
    }

    static func unknownCursor(_ cursor: String) -> RetouchError {
        RetouchError(.invalidArgument,
                     "cursor '\(cursor.prefix(80))' is not one this listing gave out; start again without a cursor")
    }

    static func storeError(_ action: String, _ error: any Error) -> any Error {
        if error is RetouchError { return error }
        // String(reflecting:) because PSQLError's plain description hides the server's message.
        return RetouchError(.io, "job store: cannot \(action): \(String(reflecting: error))")
    }
}

/// Enum values read back from a database; anything else means the row was written by something else.
enum StoredValue {
    static func jobState(_ text: String) throws -> JobState {
        guard let state = JobState(rawValue: text) else { throw corrupt("job state", text) }
        return state
    }

    static func itemState(_ text: String) throws -> ItemState {
        guard let state = ItemState(rawValue: text) else { throw corrupt("item state", text) }
        return state
    }

    private static func corrupt(_ what: String, _ text: String) -> RetouchError {
        RetouchError(.io, "job store: unknown \(what) '\(text.prefix(40))' in the database; "
                     + "was it written by a newer version of Retouch?")
    }
}
