import Foundation
import Logging
import RetouchCore
import RetouchJobs

/// Where `serve`, `worker` and `keys` keep their state unless told otherwise: one folder
/// beside where they run, so the three commands find the same database without configuration.
public enum DataLocations {
    public static let defaultDatabase = "retouch-data/retouch.sqlite"
    public static let defaultBlobs = "retouch-data/blobs"

    /// Whether `--db` names a PostgreSQL server rather than a SQLite file.
    public static func isPostgres(_ db: String) -> Bool {
        db.hasPrefix("postgres://") || db.hasPrefix("postgresql://")
    }

    /// The key store of a `--db` value: the same database as the jobs. `schema` places the
    /// tables of one deployment in a PostgreSQL database several share; SQLite ignores it.
    public static func openKeyStore(_ db: String, schema: String = "public") async throws -> any KeyStore {
        isPostgres(db) ? try await PostgresKeyStore(url: db, schema: schema) : try SQLiteKeyStore(path: db)
    }

    /// The job store of a `--db` value.
    public static func openJobStore(_ db: String, schema: String = "public") async throws -> any JobStore {
        isPostgres(db) ? try await PostgresJobStore(url: db, schema: schema) : try SQLiteJobStore(path: db)
    }

    /// The job store of a `--db` value for a worker, which waits for a PostgreSQL server that is
    /// down (or not up yet) rather than exiting, so deployments need not order their start-up.
    /// A bad URL or schema name (invalidArgument) still fails at once.
    public static func openJobStoreWaiting(_ db: String, schema: String, logger: Logger) async throws -> any JobStore {
        var backoff = RetryBackoff()
        while true {
            do {
                return try await openJobStore(db, schema: schema)
            } catch let error as RetouchError where error.code == .io && isPostgres(db) {
                let delay = backoff.next()
                logger.error("cannot reach the job database; retrying",
                             metadata: ["error": .string(error.message), "retry_in_seconds": .stringConvertible(delay)])
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    public static func openBlobStore(_ directory: String) throws -> any BlobStore {
        try DirectoryBlobStore(root: URL(fileURLWithPath: directory))
    }
}
