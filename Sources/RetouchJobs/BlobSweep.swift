import Foundation

/// Deletes blobs that no job refers to: uploads whose job was never created (the request failed
/// after its images were stored), results of a worker that lost the race to record an item, and
/// files of writes that never finished.
///
/// A blob younger than `graceSeconds` is never deleted, so an upload between its put and the job
/// row that refers to it, or a result between its put and `completeItem`, survives. The order
/// matters: the store is listed first, the referenced set read second, so a job created in
/// between is seen; a put in between renews the blob, which the conditional delete then keeps.
public struct BlobSweep: Sendable {
    public let store: any JobStore
    public let blobs: any BlobStore
    public let graceSeconds: Double

    public init(store: any JobStore, blobs: any BlobStore, graceSeconds: Double = 3600) {
        self.store = store
        self.blobs = blobs
        self.graceSeconds = graceSeconds
    }

    public struct Report: Sendable, Equatable {
        /// Blobs old enough to be considered.
        public var examined = 0
        public var deleted = 0
        public var abandonedWrites = 0
    }

    public func run(now: Date = Date()) async throws -> Report {
        let cutoff = now.addingTimeInterval(-graceSeconds)
        var report = Report()
        let candidates = try await blobs.keys(modifiedBefore: cutoff)
        report.examined = candidates.count
        if !candidates.isEmpty {
            let referenced = try await store.referencedBlobs()
            for key in candidates where !referenced.contains(key) {
                if try await blobs.delete(key, ifModifiedBefore: cutoff) { report.deleted += 1 }
            }
        }
        report.abandonedWrites = try await blobs.removeAbandonedWrites(modifiedBefore: cutoff)
        return report
    }
}
