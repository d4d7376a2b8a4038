import Foundation
import PostgresNIO
import RetouchCore

/// Connection settings from a `postgres://user:password@host:port/database?sslmode=...` URL.
public enum PostgresURL {
    public static func configuration(_ text: String, schema: String) throws -> PostgresClient.Configuration {
        let hint = "give postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]"
        guard let url = URLComponents(string: text),
              url.scheme == "postgres" || url.scheme == "postgresql",
              let host = url.host, !host.isEmpty else {
            throw RetouchError(.invalidArgument, "'\(redacted(text))' is not a PostgreSQL URL: \(hint)")
        }
        let user = url.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let database = String(url.path.drop(while: { $0 == "/" }))
        var configuration = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: user,
            password: url.password.flatMap { $0.removingPercentEncoding },
            database: database.isEmpty ? user : database,
            tls: try tls(url.queryItems?.first(where: { $0.name == "sslmode" })?.value, hint: hint))
        // Every connection resolves the store's table names in its own schema.
        configuration.options.additionalStartupParameters = [("search_path", schema)]
        return configuration
    }

    private static func tls(_ mode: String?, hint: String) throws -> PostgresClient.Configuration.TLS {
        switch mode ?? "prefer" {
        case "disable": .disable
        case "prefer": .prefer(.makeClientConfiguration())
        case "require": .require(.makeClientConfiguration())
        default: throw RetouchError(.invalidArgument, "sslmode '\(mode ?? "")' is not supported: \(hint)")
        }
    }

    /// The URL without its password, for error messages and logs.
    public static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? text
    }
}

/// The PostgreSQL schema. Created with IF NOT EXISTS under an advisory lock, so any number of
/// servers and workers may start at once against the same database.
enum PostgresSchema {
    static func validName(_ name: String) throws -> String {
        let first = name.utf8.first.map { (97...122).contains($0) || $0 == 95 } ?? false
        let rest = name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
        guard first, rest, name.utf8.count <= 63 else {
            throw RetouchError(.invalidArgument,
                               "schema name '\(name.prefix(80))' is not usable: give lowercase letters, digits "
                               + "and underscores, starting with a letter, at most 63 characters")
        }
        return name
    }

    static func statements(schema: String) -> [String] {
        [
            "SELECT pg_advisory_xact_lock(7305817134)",
            "CREATE SCHEMA IF NOT EXISTS \(schema)",
            """
            CREATE TABLE IF NOT EXISTS \(schema).jobs (
                seq BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                owner TEXT NOT NULL,
                idempotency_key TEXT,
                state TEXT NOT NULL,
                config TEXT NOT NULL,
                attempts INT NOT NULL DEFAULT 0,
                max_attempts INT NOT NULL,
                cancel_requested BOOLEAN NOT NULL DEFAULT false,
                lease_owner TEXT,
                lease_expires_at TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                retention_seconds DOUBLE PRECISION NOT NULL,
                expires_at TIMESTAMPTZ,
                error TEXT,
                items_total INT NOT NULL,
                items_succeeded INT NOT NULL DEFAULT 0,
                items_failed INT NOT NULL DEFAULT 0,
                UNIQUE (owner, idempotency_key)
            )
            """,
            "CREATE INDEX IF NOT EXISTS jobs_claimable ON \(schema).jobs (seq) WHERE state IN ('queued', 'running')",
            "CREATE INDEX IF NOT EXISTS jobs_by_owner ON \(schema).jobs (owner, seq)",
            "CREATE INDEX IF NOT EXISTS jobs_by_state ON \(schema).jobs (state)",
            "CREATE INDEX IF NOT EXISTS jobs_by_expiry ON \(schema).jobs (expires_at) WHERE expires_at IS NOT NULL",
            """
            CREATE TABLE IF NOT EXISTS \(schema).job_items (
                job_id TEXT NOT NULL REFERENCES \(schema).jobs (id) ON DELETE CASCADE,
                idx INT NOT NULL,
                input_blob TEXT NOT NULL,
                input_name TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending',
                result_blob TEXT,
                result_json TEXT,
                error TEXT,
                PRIMARY KEY (job_id, idx)
            )
            """,
            "CREATE INDEX IF NOT EXISTS job_items_by_input ON \(schema).job_items (input_blob)",
            """
            CREATE INDEX IF NOT EXISTS job_items_by_result ON \(schema).job_items (result_blob)
            WHERE result_blob IS NOT NULL
            """,
            // Added after the first release: existing tables gain the column in place.
            "ALTER TABLE \(schema).job_items ADD COLUMN IF NOT EXISTS mask_blob TEXT",
            """
            CREATE INDEX IF NOT EXISTS job_items_by_mask ON \(schema).job_items (mask_blob)
            WHERE mask_blob IS NOT NULL
            """,
        ]
    }
}
