import Foundation
import RetouchCore
import RetouchJobs
import Testing

@Suite("Blob sweep: unreferenced blobs go, referenced and young ones stay")
struct BlobSweepTests {
    /// Sets a blob file's modification time `seconds` into the past, as if written then.
    static func age(_ root: URL, _ key: BlobKey, by seconds: Double) throws {
        try age(path: root.appendingPathComponent("\(key.hex.prefix(2))/\(key.hex.dropFirst(2).prefix(2))/\(key.hex)").path,
                by: seconds)
    }

    static func age(path: String, by seconds: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-seconds)], ofItemAtPath: path)
    }

    static func blobRoot() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("retouch-sweep-\(UUID().uuidString)", isDirectory: true)
    }

    @Test("an old orphan is deleted; an old blob a job refers to (input, mask or result) and a young orphan stay",
          arguments: Backend.allCases)
    func sweep(backend: Backend) async throws {
        let root = Self.blobRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let blobs = try DirectoryBlobStore(root: root)
        try await withStore(backend) { store in
            let input = try await blobs.put(Data("input".utf8))
            let mask = try await blobs.put(Data("mask".utf8))
            let result = try await blobs.put(Data("result".utf8))
            let orphan = try await blobs.put(Data("upload whose job was never created".utf8))
            let young = try await blobs.put(Data("upload in flight".utf8))
            let created = try await store.create(
                NewJob(owner: "k", config: "{}", inputs: [JobInput(blob: input, name: "a.jpg", mask: mask)]),
                idempotencyKey: nil).job
            _ = try #require(try await store.claim(workerID: "w", leaseSeconds: 60))
            #expect(try await store.completeItem(jobID: created.id, index: 0, workerID: "w", resultBlob: result, resultJSON: nil))
            for key in [input, mask, result, orphan] { try Self.age(root, key, by: 7200) }

            let report = try await BlobSweep(store: store, blobs: blobs, graceSeconds: 3600).run()
            #expect(report.examined == 4)
            #expect(report.deleted == 1)
            #expect(try await !blobs.exists(orphan))
            for key in [input, mask, result, young] { #expect(try await blobs.exists(key)) }
            #expect(try await store.get(created.id)?.items.first?.maskBlob == mask)
        }
    }

    @Test("putting an old orphan's bytes again renews it, so the sweep keeps it for the job about to be created")
    func putRenews() async throws {
        let root = Self.blobRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let blobs = try DirectoryBlobStore(root: root)
        try await withStore(.sqlite) { store in
            let key = try await blobs.put(Data("same bytes uploaded twice".utf8))
            try Self.age(root, key, by: 7200)
            #expect(try await blobs.keys(modifiedBefore: Date().addingTimeInterval(-3600)) == [key])
            #expect(try await blobs.put(Data("same bytes uploaded twice".utf8)) == key)
            #expect(try await blobs.keys(modifiedBefore: Date().addingTimeInterval(-3600)).isEmpty)
            #expect(try await BlobSweep(store: store, blobs: blobs, graceSeconds: 3600).run().deleted == 0)
            #expect(try await blobs.exists(key))
        }
    }

    @Test("the conditional delete keeps a blob renewed after the listing, and removes one that was not")
    func conditionalDelete() async throws {
        let root = Self.blobRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let blobs = try DirectoryBlobStore(root: root)
        let renewed = try await blobs.put(Data("renewed".utf8))
        let stale = try await blobs.put(Data("stale".utf8))
        try Self.age(root, stale, by: 7200)
        let cutoff = Date().addingTimeInterval(-3600)
        #expect(try await blobs.delete(renewed, ifModifiedBefore: cutoff) == false)
        #expect(try await blobs.get(renewed) == Data("renewed".utf8))
        #expect(try await blobs.delete(stale, ifModifiedBefore: cutoff))
        #expect(try await !blobs.exists(stale))
        #expect(try await blobs.delete(stale, ifModifiedBefore: cutoff) == false, "already gone")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: root.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "nothing set aside is left behind: \(leftovers)")
    }

    @Test("files of writes that never finished are removed once old; fresh ones are left to their writer")
    func abandonedWrites() async throws {
        let root = Self.blobRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let blobs = try DirectoryBlobStore(root: root)
        let key = try await blobs.put(Data("kept".utf8))
        let directory = root.appendingPathComponent("\(key.hex.prefix(2))/\(key.hex.dropFirst(2).prefix(2))").path
        let old = directory + "/.tmp-killed-writer", fresh = directory + "/.tmp-writing-now"
        #expect(FileManager.default.createFile(atPath: old, contents: Data("half".utf8)))
        #expect(FileManager.default.createFile(atPath: fresh, contents: Data("half".utf8)))
        try Self.age(path: old, by: 7200)
        try await withStore(.sqlite) { store in
            let report = try await BlobSweep(store: store, blobs: blobs, graceSeconds: 3600).run()
            #expect(report.abandonedWrites == 1)
            #expect(report.deleted == 0, "temporary files are never taken for blobs")
        }
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(FileManager.default.fileExists(atPath: fresh))
        #expect(try await blobs.exists(key))
    }
}
