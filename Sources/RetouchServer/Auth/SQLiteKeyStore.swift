import Foundation
import GRDB
import RetouchCore

/// API keys in a SQLite file (WAL), by default the job store's own database file.
public final class SQLiteKeyStore: KeyStore {
    private let pool: DatabasePool

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw RetouchError(.io, "cannot open the key database \(path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("keys v1: api_keys") { db in
            try db.execute(sql: """
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    revoked_at REAL
                )
                """)
        }
        return migrator
    }

    public func create(name: String) async throws -> (record: APIKeyRecord, key: APIKey) {
        let name = try KeyNames.validated(name)
        let key = APIKey.generate()
        let record = APIKeyRecord(id: key.id, name: name, createdAt: Date(), revokedAt: nil)
        try await withKeyStoreErrors("create a key") {
            try await self.pool.write { db in
                try db.execute(sql: "INSERT INTO api_keys (id, name, hash, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [record.id, record.name, key.hash, record.createdAt.timeIntervalSince1970])
            }
        }
        return (record, key)
    }

    public func list() async throws -> [APIKeyRecord] {
        try await withKeyStoreErrors("list keys") {
            try await self.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY created_at, id")
                    .map(Self.record)
            }
        }
    }

    public func revoke(id: String) async throws -> APIKeyRecord {
        let found: APIKeyRecord? = try await withKeyStoreErrors("revoke a key") {
            try await self.pool.write { db in
                try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                               arguments: [Date().timeIntervalSince1970, id])
                return try Row.fetchOne(db, sql: "SELECT id, name, created_at, revoked_at FROM api_keys WHERE id = ?",
                                        arguments: [id]).map(Self.record)
            }
        }
        guard let found else {
            throw RetouchError(.notFound, "no API key with id '\(id.prefix(40))'; `retouch keys list` shows the ids")
        }
        return found
    }

    public func verify(_ presented: String) async throws -> KeyVerdict {
        guard let key = APIKey(parsing: presented) else { return .invalid }
        let stored: (APIKeyRecord, String)? = try await withKeyStoreErrors("check a key") {
            try await self.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT id, name, created_at, revoked_at, hash FROM api_keys WHERE id = ?",
                                 arguments: [key.id]).map { (Self.record($0), $0["hash"] as String) }
            }
        }
        return Self.verdict(presented: presented, stored: stored)
    }

    public func hasActiveKeys() async throws -> Bool {
        try await withKeyStoreErrors("count keys") {
            try await self.pool.read { db in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL)") ?? false
            }
        }
    }

    private static func record(_ row: Row) -> APIKeyRecord {
        APIKeyRecord(id: row["id"], name: row["name"],
                     createdAt: Date(timeIntervalSince1970: row["created_at"]),
                     revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
