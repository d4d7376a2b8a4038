import Foundation
import Logging
import RetouchJobs
import ServiceLifecycle

/// Deletes finished jobs whose retention ran out, and the blobs no job refers to any more.
public struct RetentionPurger: Service {
    let store: any JobStore
    let blobs: any BlobStore
    let intervalSeconds: Double
    let logger: Logger

    public init(store: any JobStore, blobs: any BlobStore, intervalSeconds: Double = 60, logger: Logger) {
        self.store = store
        self.blobs = blobs
        self.intervalSeconds = intervalSeconds
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await purgeOnce()
            do {
                try await cancelOnGracefulShutdown { try await Task.sleep(for: .seconds(intervalSeconds)) }
            } catch {
                return
            }
        }
    }

    /// One pass; returns how many blobs it deleted.
    @discardableResult
    public func purgeOnce() async -> Int {
        do {
            let unreferenced = try await store.purgeExpired(now: Date())
            for key in unreferenced { try await blobs.delete(key) }
            if !unreferenced.isEmpty {
                logger.info("purged expired jobs", metadata: ["blobs_deleted": .stringConvertible(unreferenced.count)])
            }
            return unreferenced.count
        } catch {
            logger.warning("purge failed; will retry", metadata: ["error": .string("\(error)")])
            return 0
        }
    }
}
