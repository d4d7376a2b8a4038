import Foundation
import Logging
import RetouchJobs
import ServiceLifecycle

/// Deletes finished jobs whose retention ran out with the blobs no job refers to any more, and
/// now and then sweeps the blob store for blobs no job refers to at all (see `BlobSweep`).
///
/// No blob younger than `graceSeconds` is deleted, by either path: the same bytes may have just
/// been uploaded again for a job that is about to be created, and content addressing gives them
/// the same key.
public struct RetentionPurger: Service {
    let store: any JobStore
    let blobs: any BlobStore
    let intervalSeconds: Double
    let sweepIntervalSeconds: Double
    let sweep: BlobSweep
    let logger: Logger

    public init(store: any JobStore, blobs: any BlobStore, intervalSeconds: Double = 60,
                graceSeconds: Double = 3600, sweepIntervalSeconds: Double = 3600, logger: Logger) {
        self.store = store
        self.blobs = blobs
        self.intervalSeconds = intervalSeconds
        self.sweepIntervalSeconds = sweepIntervalSeconds
        sweep = BlobSweep(store: store, blobs: blobs, graceSeconds: graceSeconds)
        self.logger = logger
    }

    public func run() async throws {
        var lastSweep: ContinuousClock.Instant?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await purgeOnce()
            if lastSweep.map({ ContinuousClock.now - $0 >= .seconds(sweepIntervalSeconds) }) ?? true {
                await sweepOnce()
                lastSweep = .now
            }
            do {
                try await cancelOnGracefulShutdown { try await Task.sleep(for: .seconds(intervalSeconds)) }
            } catch {
                return
            }
        }
    }

    /// One pass over expired jobs; returns how many blobs it deleted.
    @discardableResult
    public func purgeOnce(now: Date = Date()) async -> Int {
        do {
            let unreferenced = try await store.purgeExpired(now: now)
            let cutoff = now.addingTimeInterval(-sweep.graceSeconds)
            var deleted = 0
            for key in unreferenced where try await blobs.delete(key, ifModifiedBefore: cutoff) { deleted += 1 }
            if !unreferenced.isEmpty {
                logger.info("purged expired jobs", metadata: ["blobs_deleted": .stringConvertible(deleted),
                                                              "blobs_kept_for_sweep": .stringConvertible(unreferenced.count - deleted)])
            }
            return deleted
        } catch {
            logger.warning("purge failed; will retry", metadata: ["error": .string("\(error)")])
            return 0
        }
    }

    /// One sweep of the blob store; nil when it failed (logged, retried at the next interval).
    @discardableResult
    public func sweepOnce(now: Date = Date()) async -> BlobSweep.Report? {
        do {
            let report = try await sweep.run(now: now)
            if report.deleted > 0 || report.abandonedWrites > 0 {
                logger.info("swept unreferenced blobs", metadata: ["deleted": .stringConvertible(report.deleted),
                                                                   "abandoned_writes": .stringConvertible(report.abandonedWrites),
                                                                   "examined": .stringConvertible(report.examined)])
            }
            return report
        } catch {
            logger.warning("blob sweep failed; will retry", metadata: ["error": .string("\(error)")])
            return nil
        }
    }
}
