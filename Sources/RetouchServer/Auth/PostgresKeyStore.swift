import Foundation
import Logging
import PostgresNIO
import RetouchCore
import RetouchJobs

/// API keys in the PostgreSQL database the job queue uses, so every server sharing the queue
/// accepts the same keys and a revocation reaches all of them at once.
public final class PostgresKeyStore: KeyStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    public init(url: String, schema: String = "public", logger: Logger = PostgresJobStore.quietLogger) async throws {
        let client = PostgresClient(configuration: try PostgresURL.configuration(url, schema: schema),
                                    backgroundLogger: logger)
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
        do {
            try await client.withTransaction(logger: logger) { connection in
                // The same lock the job store takes for its schema: concurrent starts do not race.
                try await connection.query("SELECT pg_advisory_xact_lock(7305817134)", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS api_keys (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        hash TEXT NOT NULL,
                        created_at DOUBLE PRECISION NOT NULL,
                        revoked_at DOUBLE PRECISION
                    )
                    """, logger: logger)
            }
        } catch {
            runner.cancel()
            throw RetouchError(.io, "cannot set up API keys in \(PostgresURL.redacted(url)): \(String(reflecting: error))")
        }
    }

    deinit { runner.cancel() }

    public func create(name: String) async throws -> (record: APIKeyRecord, key: APIKey) {
        let name = try KeyNames.validated(name)
        let key = APIKey.generate()
        let record = APIKeyRecord(id: key.id, name: name, createdAt: Date(), revokedAt: nil)
        let (id, hash, created) = (record.id, key.hash, record.createdAt.timeIntervalSince1970)
        _ = try await withKeyStoreErrors("create a key") {
            try await self.client.query(
                "INSERT INTO api_keys (id, name, hash, created_at) VALUES (\(id), \(name), \(hash), \(created))",
                logger: self.logger)
        }
        return (record, key)
    }

    public func list() async throws -> [APIKeyRecord] {
        try await withKeyStoreErrors("list keys") {
            try await self.records("SELECT id, name, created_at, revoked_at, hash FROM api_keys ORDER BY created_at, id")
                .map(\.record)
        }
    }

    public func revoke(id: String) async throws -> APIKeyRecord {
        let now = Date().timeIntervalSince1970
        let found = try await withKeyStoreErrors("revoke a key") {
            try await self.client.query("UPDATE api_keys SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL",
                                        logger: self.logger)
            return try await self.records("SELECT id, name, created_at, revoked_at, hash FROM api_keys WHERE id = \(id)").first
        }
        guard let found else {
            throw RetouchError(.notFound, "no API key with id '\(id.prefix(40))'; `retouch keys list` shows the ids")
        }
        return found.record
    }

    public func verify(_ presented: String) async throws -> KeyVerdict {
        guard let key = APIKey(parsing: presented) else { return .invalid }
        let id = key.id
        let stored = try await withKeyStoreErrors("check a key") {
            try await self.records("SELECT id, name, created_at, revoked_at, hash FROM api_keys WHERE id = \(id)").first
        }
        return Self.verdict(presented: presented, stored: stored)
    }

    public func hasActiveKeys() async throws -> Bool {
        try await withKeyStoreErrors("count keys") {
            let rows = try await self.client.query("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL", logger: self.logger)
            for try await count in rows.decode(Int.self) { return count > 0 }
            return false
        }
    }

    public func close() {
        runner.cancel()
    }

    private func records(_ query: PostgresQuery) async throws -> [(record: APIKeyRecord, hash: String)] {
        var result: [(record: APIKeyRecord, hash: String)] = []
        let rows = try await client.query(query, logger: logger)
        for try await (id, name, created, revoked, hash) in rows.decode((String, String, Double, Double?, String).self) {
            result.append((APIKeyRecord(id: id, name: name, createdAt: Date(timeIntervalSince1970: created),
                                        revokedAt: revoked.map(Date.init(timeIntervalSince1970:))), hash))
        }
        return result
    }
}
