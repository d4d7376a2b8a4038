import Foundation
import RetouchCore
import RetouchJobs
import Testing

@Suite struct JobStoreTests {
    @Test(arguments: Backend.allCases)
    func createdJobReadsBackWithItsItems(backend: Backend) async throws {
        try await withStore(backend) { store in
            let (job, created) = try await store.create(newJob(items: 3, firstBlob: 10), idempotencyKey: nil)
            #expect(created)
            #expect(job.state == .queued)
            #expect(job.attempts == 0)
            #expect(job.progress == JobProgress(total: 3, succeeded: 0, failed: 0))
            #expect(job.leaseOwner == nil && job.expiresAt == nil)
            #expect(job.items.map(\.inputBlob) == [blobKey(10), blobKey(11), blobKey(12)])
            #expect(job.items.map(\.inputName) == ["photo0.jpg", "photo1.jpg", "photo2.jpg"])
            #expect(job.items.allSatisfy { $0.state == .pending && $0.resultBlob == nil })

            let read = try #require(try await store.get(job.id))
            #expect(read == job)
            #expect(read.config == #"{"steps":["upscale"]}"#)
            #expect(try await store.get("no-such-job") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func listingPagesThroughOneOwnersJobsNewestFirst(backend: Backend) async throws {
        try await withStore(backend) { store in
            var mine: [String] = []
            for _ in 0..<5 { mine.append(try await store.create(newJob(owner: "a"), idempotencyKey: nil).job.id) }
            _ = try await store.create(newJob(owner: "b"), idempotencyKey: nil)

            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await store.list(JobQuery(owner: "a", limit: 2, cursor: cursor))
                seen += page.jobs.map(\.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == Array(mine.reversed()))
            #expect(pages == 3)

            _ = try await store.cancel(mine[1])
            let cancelled = try await store.list(JobQuery(owner: "a", states: [.cancelled]))
            #expect(cancelled.jobs.map(\.id) == [mine[1]])
            #expect(cancelled.nextCursor == nil)
            let queued = try await store.list(JobQuery(owner: "a", states: [.queued, .running]))
            #expect(queued.jobs.count == 4)

            await expectError(.invalidArgument) { _ = try await store.list(JobQuery(owner: "a", limit: 0)) }
            await expectError(.invalidArgument) { _ = try await store.list(JobQuery(owner: "a", cursor: "x")) }
        }
    }

    @Test(arguments: Backend.allCases)
    func anIdempotencyKeyGivesBackTheSameJob(backend: Backend) async throws {
        try await withStore(backend) { store in
            let first = try await store.create(newJob(owner: "a"), idempotencyKey: "retry-1")
            let again = try await store.create(newJob(owner: "a", items: 2), idempotencyKey: "retry-1")
            #expect(first.created && !again.created)
            #expect(again.job == first.job)
            #expect(again.job.idempotencyKey == "retry-1")

            // The key is scoped to its owner, and jobs without a key are always new.
            let otherOwner = try await store.create(newJob(owner: "b"), idempotencyKey: "retry-1")
            #expect(otherOwner.created && otherOwner.job.id != first.job.id)
            let plain1 = try await store.create(newJob(owner: "a"), idempotencyKey: nil)
            let plain2 = try await store.create(newJob(owner: "a"), idempotencyKey: nil)
            #expect(plain1.job.id != plain2.job.id)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentRetriesWithOneKeyCreateOneJob(backend: Backend) async throws {
        try await withStore(backend) { store in
            let results = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let result = try await store.create(newJob(owner: "a"), idempotencyKey: "same")
                        return (result.job.id, result.created)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results.map(\.0)).count == 1)
            #expect(results.filter(\.1).count == 1)
            #expect(try await store.counts().byState[.queued] == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func badJobsAreRefusedWithReasons(backend: Backend) async throws {
        try await withStore(backend) { store in
            let empty = await expectError(.invalidArgument) {
                _ = try await store.create(newJob(items: 0), idempotencyKey: nil)
            }
            #expect(empty?.message.contains("at least one input") == true)
            await expectError(.invalidArgument) { _ = try await store.create(newJob(owner: ""), idempotencyKey: nil) }
            await expectError(.invalidArgument) {
                _ = try await store.create(newJob(maxAttempts: 0), idempotencyKey: nil)
            }
            await expectError(.invalidArgument) { _ = try await store.claim(workerID: "w", leaseSeconds: 0) }
            await expectError(.notFound) { _ = try await store.cancel("missing") }
        }
    }

    @Test(arguments: Backend.allCases)
    func cancellingAQueuedJobEndsItAtOnce(backend: Backend) async throws {
        try await withStore(backend) { store in
            let job = try await store.create(newJob(items: 2, retentionSeconds: 60), idempotencyKey: nil).job
            let cancelled = try await store.cancel(job.id)
            #expect(cancelled.state == .cancelled)
            #expect(cancelled.items.allSatisfy { $0.state == .cancelled })
            let expiresAt = try #require(cancelled.expiresAt)
            #expect(abs(expiresAt.timeIntervalSince(cancelled.updatedAt) - 60) < 1)
            #expect(try await store.claim(workerID: "w", leaseSeconds: 30) == nil)
            // Cancelling a final job changes nothing.
            #expect(try await store.cancel(job.id) == cancelled)
        }
    }

    @Test(arguments: Backend.allCases)
    func cancellingARunningJobReachesItsWorkerAtTheHeartbeat(backend: Backend) async throws {
        try await withStore(backend) { store in
            let job = try await store.create(newJob(items: 2), idempotencyKey: nil).job
            _ = try #require(try await store.claim(workerID: "w", leaseSeconds: 30))
            #expect(try await store.heartbeat(jobID: job.id, workerID: "w", leaseSeconds: 30) == .renewed)
            try await store.completeItem(jobID: job.id, index: 0, workerID: "w", resultBlob: blobKey(99), resultJSON: nil)

            let requested = try await store.cancel(job.id)
            #expect(requested.state == .running && requested.cancelRequested)
            #expect(try await store.heartbeat(jobID: job.id, workerID: "w", leaseSeconds: 30) == .cancelRequested)

            let finished = try await store.finish(jobID: job.id, workerID: "w", state: .cancelled, error: nil)
            #expect(finished.state == .cancelled)
            #expect(finished.items.map(\.state) == [.succeeded, .cancelled])
            #expect(finished.items[0].resultBlob == blobKey(99))
            #expect(finished.leaseOwner == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func aCancelledJobWhoseWorkerDiedIsCancelledNotHandedOut(backend: Backend) async throws {
        try await withStore(backend) { store in
            let job = try await store.create(newJob(), idempotencyKey: nil).job
            _ = try #require(try await store.claim(workerID: "dead", leaseSeconds: 0.3))
            _ = try await store.cancel(job.id)
            try await sleep(seconds: 0.6)
            #expect(try await store.claim(workerID: "w", leaseSeconds: 30) == nil)
            #expect(try await store.get(job.id)?.state == .cancelled)
        }
    }

    @Test(arguments: Backend.allCases)
    func finishingChecksTheItems(backend: Backend) async throws {
        try await withStore(backend) { store in
            let job = try await store.create(newJob(items: 3), idempotencyKey: nil).job
            _ = try #require(try await store.claim(workerID: "w", leaseSeconds: 30))
            try await store.completeItem(jobID: job.id, index: 0, workerID: "w",
                                         resultBlob: blobKey(50), resultJSON: #"{"qa":"pass"}"#)
            #expect(try await store.failItem(jobID: job.id, index: 1, workerID: "w", error: "corrupt JPEG"))

            let conflict = await expectError(.conflict) {
                _ = try await store.finish(jobID: job.id, workerID: "w", state: .succeeded, error: nil)
            }
            #expect(conflict?.message.contains("1 pending") == true)
            await expectError(.invalidArgument) {
                _ = try await store.finish(jobID: job.id, workerID: "w", state: .running, error: nil)
            }
            await expectError(.notFound) {
                try await store.completeItem(jobID: job.id, index: 3, workerID: "w", resultBlob: nil, resultJSON: nil)
            }

            let failed = try await store.finish(jobID: job.id, workerID: "w", state: .failed, error: "model crashed")
            #expect(failed.state == .failed && failed.error == "model crashed")
            #expect(failed.items.map(\.state) == [.succeeded, .failed, .failed])
            #expect(failed.items[0].resultJSON == #"{"qa":"pass"}"#)
            #expect(failed.items[1].error == "corrupt JPEG")
            #expect(failed.items[2].error == "model crashed")
            #expect(failed.progress == JobProgress(total: 3, succeeded: 1, failed: 2))
            #expect(failed.expiresAt != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func countsFollowTheStates(backend: Backend) async throws {
        try await withStore(backend) { store in
            var ids: [String] = []
            for _ in 0..<4 { ids.append(try await store.create(newJob(), idempotencyKey: nil).job.id) }
            _ = try await store.claim(workerID: "w", leaseSeconds: 30)
            _ = try await store.cancel(ids[3])
            let counts = try await store.counts()
            #expect(counts.byState == [.queued: 2, .running: 1, .succeeded: 0, .failed: 0, .cancelled: 1])
            #expect(counts.queueDepth == 2)

            // A running job whose lease ran out is claimable again, so it is queue depth too.
            _ = try await store.claim(workerID: "dying", leaseSeconds: 0.2)
            try await sleep(seconds: 0.5)
            #expect(try await store.counts().queueDepth == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func purgeRemovesExpiredJobsAndNamesOnlyUnreferencedBlobs(backend: Backend) async throws {
        try await withStore(backend) { store in
            // Two jobs share input blob 1; only the first finishes.
            let short = try await store.create(
                NewJob(owner: "a", config: "{}", inputs: [JobInput(blob: blobKey(1), name: "a.jpg"),
                                                           JobInput(blob: blobKey(2), name: "b.jpg")],
                       retentionSeconds: 60), idempotencyKey: nil).job
            let kept = try await store.create(
                NewJob(owner: "a", config: "{}", inputs: [JobInput(blob: blobKey(1), name: "a.jpg")]),
                idempotencyKey: nil).job
            _ = try #require(try await store.claim(workerID: "w", leaseSeconds: 30))
            try await store.completeItem(jobID: short.id, index: 0, workerID: "w", resultBlob: blobKey(3), resultJSON: nil)
            try await store.completeItem(jobID: short.id, index: 1, workerID: "w", resultBlob: blobKey(4), resultJSON: nil)
            let finished = try await store.finish(jobID: short.id, workerID: "w", state: .succeeded, error: nil)
            let expiresAt = try #require(finished.expiresAt)

            #expect(try await store.purgeExpired(now: expiresAt.addingTimeInterval(-5)).isEmpty)
            #expect(try await store.get(short.id) != nil)

            let purged = try await store.purgeExpired(now: expiresAt.addingTimeInterval(1))
            #expect(Set(purged) == [blobKey(2), blobKey(3), blobKey(4)])
            #expect(try await store.get(short.id) == nil)
            #expect(try await store.get(kept.id)?.items.first?.inputBlob == blobKey(1))
            #expect(try await store.purgeExpired(now: expiresAt.addingTimeInterval(1)).isEmpty)
        }
    }

    /// Prints a figure, asserts none. Serialized so the two stores are not timed against each other.
    @Test(.serialized, arguments: Backend.allCases)
    func enqueueRate(backend: Backend) async throws {
        try await withStore(backend) { store in
            let count = 1000
            let start = ContinuousClock.now
            for n in 0..<count {
                _ = try await store.create(newJob(items: 2, firstBlob: n * 2), idempotencyKey: "k\(n)")
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print("enqueue rate (\(backend.rawValue), one job of 2 items per transaction): "
                  + "\(Int(Double(count) / seconds)) jobs/s over \(count) jobs")
            #expect(try await store.counts().byState[.queued] == count)
        }
    }
}
