import Foundation
import RetouchCore
import RetouchJobs
import Testing

/// Claims, leases and fencing: the guarantees that let workers die without losing or doubling work.
@Suite struct LeaseTests {
    @Test(arguments: Backend.allCases)
    func claimsTakeTheOldestJobFirst(backend: Backend) async throws {
        try await withStore(backend) { store in
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await store.create(newJob(), idempotencyKey: nil).job.id) }
            var claimed: [String] = []
            while let job = try await store.claim(workerID: "w", leaseSeconds: 30) {
                #expect(job.state == .running && job.attempts == 1 && job.leaseOwner == "w")
                #expect((job.leaseExpiresAt?.timeIntervalSince(job.updatedAt) ?? 0) > 29)
                claimed.append(job.id)
            }
            #expect(claimed == ids)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentClaimersNeverShareAJob(backend: Backend) async throws {
        try await withStore(backend) { store in
            let jobCount = 60
            for _ in 0..<jobCount { _ = try await store.create(newJob(), idempotencyKey: nil) }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var mine: [String] = []
                        while let job = try await store.claim(workerID: "w\(worker)", leaseSeconds: 60) {
                            mine.append(job.id)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == jobCount)
            #expect(Set(claimed).count == jobCount)
            #expect(try await store.counts().byState[.running] == jobCount)
        }
    }

    @Test(arguments: Backend.allCases)
    func storesOpenedSeparatelyShareOneQueueWithoutDoubleClaims(backend: Backend) async throws {
        try await withStores(backend, count: 3) { stores in
            let perStore = 15
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores {
                    group.addTask { for _ in 0..<perStore { _ = try await store.create(newJob(), idempotencyKey: nil) } }
                }
                try await group.waitForAll()
            }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for (n, store) in (stores + stores).enumerated() {
                    group.addTask {
                        var mine: [String] = []
                        while let job = try await store.claim(workerID: "w\(n)", leaseSeconds: 60) {
                            try await store.completeItem(jobID: job.id, index: 0, workerID: "w\(n)",
                                                         resultBlob: blobKey(n), resultJSON: nil)
                            _ = try await store.finish(jobID: job.id, workerID: "w\(n)", state: .succeeded, error: nil)
                            mine.append(job.id)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let total = perStore * stores.count
            #expect(claimed.count == total && Set(claimed).count == total)
            #expect(try await stores[0].counts().byState[.succeeded] == total)
        }
    }

    @Test(arguments: Backend.allCases)
    func aDeadWorkersJobGoesToAnotherWhichDoesOnlyWhatIsLeft(backend: Backend) async throws {
        try await withStore(backend) { store in
            let job = try await store.create(newJob(items: 3), idempotencyKey: nil).job
            _ = try #require(try await store.claim(workerID: "dies", leaseSeconds: 30))
            #expect(try await store.completeItem(jobID: job.id, index: 0, workerID: "dies",
                                                 resultBlob: blobKey(100), resultJSON: #"{"by":"dies"}"#))
            // While the lease holds, nobody else gets the job.
            #expect(try await store.claim(workerID: "other", leaseSeconds: 30) == nil)
            // Its last heartbeat leaves a short lease, then the worker dies.
            _ = try await store.heartbeat(jobID: job.id, workerID: "dies", leaseSeconds: 0.3)
            try await sleep(seconds: 0.6)

            let resumed = try #require(try await store.claim(workerID: "takes-over", leaseSeconds: 30))
            #expect(resumed.id == job.id && resumed.attempts == 2 && resumed.leaseOwner == "takes-over")
            #expect(resumed.items.map(\.state) == [.succeeded, .pending, .pending])
            for item in resumed.items where item.state == .pending {
                #expect(try await store.completeItem(jobID: job.id, index: item.index, workerID: "takes-over",
                                                     resultBlob: blobKey(200 + item.index), resultJSON: nil))
            }
            let done = try await store.finish(jobID: job.id, workerID: "takes-over", state: .succeeded, error: nil)
            #expect(done.state == .succeeded)
            #expect(done.items.map(\.resultBlob) == [blobKey(100), blobKey(201), blobKey(202)])
            #expect(done.items[0].resultJSON == #"{"by":"dies"}"#)
            #expect(done.progress == JobProgress(total: 3, succeeded: 3, failed: 0))
        }
    }

    @Test(arguments: Backend.allCases)
    func aWorkerThatLostItsLeaseCannotWrite(backend: Backend) async throws {
        try await withStore(backend) { store in
            let job = try await store.create(newJob(items: 2), idempotencyKey: nil).job
            _ = try #require(try await store.claim(workerID: "stale", leaseSeconds: 0.3))
            try await sleep(seconds: 0.6)

            // Expired: refused even before anyone else claims the job.
            let expired = await expectError(.leaseLost) {
                try await store.completeItem(jobID: job.id, index: 0, workerID: "stale",
                                             resultBlob: blobKey(1), resultJSON: nil)
            }
            #expect(expired?.message.contains("ran out") == true)

            _ = try #require(try await store.claim(workerID: "fresh", leaseSeconds: 30))
            #expect(try await store.completeItem(jobID: job.id, index: 0, workerID: "fresh",
                                                 resultBlob: blobKey(2), resultJSON: nil))
            // Taken over: every kind of write from the old worker is refused, naming the new holder.
            let takenOver = await expectError(.leaseLost) {
                try await store.completeItem(jobID: job.id, index: 0, workerID: "stale",
                                             resultBlob: blobKey(3), resultJSON: nil)
            }
            #expect(takenOver?.message.contains("fresh") == true)
            await expectError(.leaseLost) {
                try await store.failItem(jobID: job.id, index: 1, workerID: "stale", error: "x")
            }
            await expectError(.leaseLost) {
                _ = try await store.heartbeat(jobID: job.id, workerID: "stale", leaseSeconds: 30)
            }
            await expectError(.leaseLost) {
                _ = try await store.finish(jobID: job.id, workerID: "stale", state: .failed, error: "x")
            }
            await expectError(.leaseLost) { try await store.release(jobID: job.id, workerID: "stale") }

            // A retry by the holder is a no-op: the first result stays.
            #expect(try await !store.completeItem(jobID: job.id, index: 0, workerID: "fresh",
                                                  resultBlob: blobKey(4), resultJSON: nil))
            #expect(try await !store.failItem(jobID: job.id, index: 0, workerID: "fresh", error: "late"))
            let current = try #require(try await store.get(job.id))
            #expect(current.items[0].resultBlob == blobKey(2) && current.items[0].state == .succeeded)
            #expect(current.progress.succeeded == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func aHeartbeatSetsTheLeaseFromNow(backend: Backend) async throws {
        try await withStore(backend) { store in
            let job = try await store.create(newJob(items: 2), idempotencyKey: nil).job
            let claimed = try #require(try await store.claim(workerID: "w", leaseSeconds: 5))
            let claimedUntil = try #require(claimed.leaseExpiresAt)
            #expect(try await store.heartbeat(jobID: job.id, workerID: "w", leaseSeconds: 60) == .renewed)
            let extended = try #require(try await store.get(job.id)?.leaseExpiresAt)
            #expect(extended.timeIntervalSince(claimedUntil) > 50)
            #expect(try await store.claim(workerID: "other", leaseSeconds: 30) == nil)
            #expect(try await store.completeItem(jobID: job.id, index: 0, workerID: "w",
                                                 resultBlob: nil, resultJSON: #"{"faces":0}"#))

            // A short renewal is honoured too: once it runs out, the job moves on.
            _ = try await store.heartbeat(jobID: job.id, workerID: "w", leaseSeconds: 0.3)
            try await sleep(seconds: 0.6)
            let next = try #require(try await store.claim(workerID: "other", leaseSeconds: 30))
            #expect(next.items.map(\.state) == [.succeeded, .pending])
            await expectError(.notFound) {
                _ = try await store.heartbeat(jobID: "missing", workerID: "w", leaseSeconds: 30)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func aJobThatOutlivesEveryLeaseFailsAfterMaxAttempts(backend: Backend) async throws {
        try await withStore(backend) { store in
            let job = try await store.create(newJob(items: 2, maxAttempts: 2), idempotencyKey: nil).job
            for worker in ["first", "second"] {
                _ = try #require(try await store.claim(workerID: worker, leaseSeconds: 0.3))
                try await sleep(seconds: 0.6)
            }
            #expect(try await store.claim(workerID: "third", leaseSeconds: 30) == nil)
            let failed = try #require(try await store.get(job.id))
            #expect(failed.state == .failed && failed.attempts == 2)
            #expect(failed.error?.contains("2 attempt") == true)
            #expect(failed.error?.contains("second") == true)
            #expect(failed.items.allSatisfy { $0.state == .failed })
            #expect(failed.progress.failed == 2)
            #expect(failed.expiresAt != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func releasingHandsTheJobBackWithoutCostingAnAttempt(backend: Backend) async throws {
        try await withStore(backend) { store in
            let job = try await store.create(newJob(items: 2), idempotencyKey: nil).job
            _ = try #require(try await store.claim(workerID: "stopping", leaseSeconds: 30))
            try await store.completeItem(jobID: job.id, index: 0, workerID: "stopping", resultBlob: blobKey(7), resultJSON: nil)
            try await store.release(jobID: job.id, workerID: "stopping")
            let queued = try #require(try await store.get(job.id))
            #expect(queued.state == .queued && queued.attempts == 0 && queued.leaseOwner == nil)

            let again = try #require(try await store.claim(workerID: "next", leaseSeconds: 30))
            #expect(again.attempts == 1)
            #expect(again.items.map(\.state) == [.succeeded, .pending])
        }
    }
}
