import Foundation
import RetouchCore
import RetouchJobs
import Testing

@Suite struct BlobStoreTests {
    private func withBlobStore(_ body: (DirectoryBlobStore, URL) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("retouch-blobs-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try await body(try DirectoryBlobStore(root: root), root)
    }

    @Test func bytesComeBackUnderTheirSHA256() async throws {
        try await withBlobStore { store, root in
            let bytes = Data("retouch".utf8)
            let key = try await store.put(bytes)
            // sha256("retouch"), as printed by `printf retouch | sha256sum`.
            #expect(key.hex == "6a2e82b49dcd76feb8959cb5e1d2f07493124e27a86cd04a49451a6c6f65ef13")
            #expect(try await store.get(key) == bytes)
            #expect(try await store.exists(key))
            let path = root.appendingPathComponent("6a/2e/\(key.hex)").path
            #expect(FileManager.default.fileExists(atPath: path))

            try await store.delete(key)
            #expect(try await !store.exists(key))
            try await store.delete(key)
            await expectError(.notFound) { _ = try await store.get(key) }
        }
    }

    @Test func theSameBytesPutConcurrentlyMakeOneFileAndNoLeftovers() async throws {
        try await withBlobStore { store, root in
            let bytes = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let keys = try await withThrowingTaskGroup(of: BlobKey.self) { group in
                for _ in 0..<16 { group.addTask { try await store.put(bytes) } }
                return try await group.reduce(into: Set<BlobKey>()) { $0.insert($1) }
            }
            #expect(keys.count == 1)
            let key = try #require(keys.first)
            #expect(try await store.get(key) == bytes)
            let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }
                .filter { !$0.hasSuffix("/") && $0.split(separator: "/").count == 3 } ?? []
            #expect(files == ["\(key.hex.prefix(2))/\(key.hex.dropFirst(2).prefix(2))/\(key.hex)"])
        }
    }

    @Test func emptyAndDistinctBlobsGetDistinctKeys() async throws {
        try await withBlobStore { store, _ in
            let empty = try await store.put(Data())
            let one = try await store.put(Data([1]))
            #expect(empty != one)
            #expect(try await store.get(empty).isEmpty)
        }
    }

    @Test(arguments: ["", "../../etc/passwd", String(repeating: "a", count: 63), String(repeating: "A", count: 64),
                      String(repeating: "g", count: 64), String(repeating: "a", count: 62) + "/a",
                      String(repeating: "a", count: 65)])
    func keysThatAreNotSHA256HexAreRefused(text: String) async throws {
        let error = await expectError(.invalidArgument) { _ = try BlobKey(validating: text) }
        #expect(error?.message.contains("64 lowercase hex") == true)
    }

    @Test func keysRoundTripThroughJSONAndRejectBadOnes() throws {
        let key = blobKey(42)
        let json = try JSONEncoder().encode([key])
        #expect(try JSONDecoder().decode([BlobKey].self, from: json) == [key])
        #expect(throws: RetouchError.self) {
            _ = try JSONDecoder().decode([BlobKey].self, from: Data(#"["../x"]"#.utf8))
        }
    }
}
