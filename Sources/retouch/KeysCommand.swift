import ArgumentParser
import Foundation
import RetouchServer

/// `retouch keys create|list|revoke`: API keys for the HTTP API.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the API keys the HTTP API accepts (stored as SHA-256 hashes in the job database).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct DatabaseOption: ParsableArguments {
        @Option(name: .long, help: "Job database: a SQLite file path or a postgres:// URL (the one `retouch serve --db` uses).")
        var db: String = DataLocations.defaultDatabase

        @Option(name: .long, help: "PostgreSQL schema holding the tables, to keep deployments apart in one database.")
        var schema = "public"

        func open() async throws -> any KeyStore {
            try await DataLocations.openKeyStore(db, schema: schema)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print it once; only its hash is kept, so store it now.")

        @Argument(help: "A label for the key (who or what uses it).")
        var name: String

        @OptionGroup var database: DatabaseOption

        @Flag(name: .long, help: "Print id, name and key as JSON.")
        var json = false

        func run() async throws {
            let (record, key) = try await database.open().create(name: name)
            if json {
                try printJSON(["id": record.id, "name": record.name, "key": key.text])
            } else {
                print(key.text)
                FileHandle.standardError.write(Data("""
                    created key \(record.id) (\(record.name)); it is shown only this once.
                    Use it as: Authorization: Bearer \(key.text)

                    """.utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys: id, name, created, revoked (never the key).")

        @OptionGroup var database: DatabaseOption

        @Flag(name: .long, help: "Print as JSON.")
        var json = false

        func run() async throws {
            let records = try await database.open().list()
            if json {
                try printJSON(records)
                return
            }
            if records.isEmpty { print("no keys; create one with `retouch keys create NAME`") }
            let formatter = ISO8601DateFormatter()
            for record in records {
                let state = record.revokedAt.map { "revoked \(formatter.string(from: $0))" } ?? "active"
                print("\(record.id)  \(formatter.string(from: record.createdAt))  \(state)  \(record.name)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id; running servers refuse it within their --key-cache-seconds (10 s by default).")

        @Argument(help: "The key's id (see `retouch keys list`).")
        var id: String

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let record = try await database.open().revoke(id: id)
            print("revoked \(record.id) (\(record.name))")
        }
    }
}
