import Foundation
import PostgresNIO
import RetouchCore
import RetouchJobs
import Testing

/// Every job-store test runs against both stores, so they cannot drift apart.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }
}

struct MissingTestDatabase: Error, CustomStringConvertible {
    var description: String {
        "RETOUCH_TEST_POSTGRES_URL is not set, so the PostgreSQL job-store tests cannot run. Start the test "
            + "database and point the tests at it: export RETOUCH_TEST_POSTGRES_URL=\"$(scripts/postgres.sh)\""
    }
}

/// A fresh, empty store for one test: a new SQLite file, or a new schema in the test database
/// (dropped afterwards), so tests running in parallel never see each other's jobs.
func withStore(_ backend: Backend, _ body: (any JobStore) async throws -> Void) async throws {
    try await withStores(backend, count: 1) { stores in try await body(stores[0]) }
}

/// `count` stores opened separately on one fresh database, as separate processes would open it.
func withStores(_ backend: Backend, count: Int, _ body: ([any JobStore]) async throws -> Void) async throws {
    switch backend {
    case .sqlite:
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("retouch-jobs-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("jobs.sqlite").path
        try await closing(try (0..<count).map { _ in try SQLiteJobStore(path: path) }, body)
    case .postgres:
        guard let url = ProcessInfo.processInfo.environment["RETOUCH_TEST_POSTGRES_URL"] else {
            throw MissingTestDatabase()
        }
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var stores: [any JobStore] = []
        for _ in 0..<count { stores.append(try await PostgresJobStore(url: url, schema: schema)) }
        try await closing(stores, body)
        try await dropSchema(schema, url: url)
    }
}

private func closing(_ stores: [any JobStore], _ body: ([any JobStore]) async throws -> Void) async throws {
    do {
        try await body(stores)
    } catch {
        for store in stores { try? await store.close() }
        throw error
    }
    for store in stores { try await store.close() }
}

private func dropSchema(_ schema: String, url: String) async throws {
    guard let components = URLComponents(string: url), let host = components.host else { return }
    let configuration = PostgresClient.Configuration(
        host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
        password: components.password, database: String(components.path.dropFirst()), tls: .disable)
    let client = PostgresClient(configuration: configuration, backgroundLogger: PostgresJobStore.quietLogger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        try await client.query("DROP SCHEMA \(unescaped: schema) CASCADE")
        group.cancelAll()
    }
}

/// A valid blob key that differs per number, for tests that need keys but no bytes.
func blobKey(_ n: Int) -> BlobKey {
    let hex = String(n, radix: 16)
    return try! BlobKey(validating: String(repeating: "0", count: 64 - hex.count) + hex)
}

func newJob(owner: String = "key-1", items: Int = 1, firstBlob: Int = 0, config: String = #"{"steps":["upscale"]}"#,
            retentionSeconds: Double = 3600, maxAttempts: Int = 3) -> NewJob {
    NewJob(owner: owner, config: config,
           inputs: (0..<items).map { JobInput(blob: blobKey(firstBlob + $0), name: "photo\($0).jpg") },
           retentionSeconds: retentionSeconds, maxAttempts: maxAttempts)
}

/// Asserts that `body` throws a RetouchError with `code`, and returns it for further checks.
@discardableResult
func expectError(_ code: RetouchError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                 _ body: () async throws -> Void) async -> RetouchError? {
    do {
        try await body()
        Issue.record("expected a \(code.rawValue) error, got none", sourceLocation: sourceLocation)
    } catch let error as RetouchError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a RetouchError \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

func sleep(seconds: Double) async throws {
    try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
}
