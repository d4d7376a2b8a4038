import RetouchCore

/// Where `serve`, `worker` and `keys` keep their state unless told otherwise: one folder
/// beside where they run, so the three commands find the same database without configuration.
public enum DataLocations {
    public static let defaultDatabase = "retouch-data/retouch.sqlite"
    public static let defaultBlobs = "retouch-data/blobs"

    /// Whether `--db` names a PostgreSQL server rather than a SQLite file.
    public static func isPostgres(_ db: String) -> Bool {
        db.hasPrefix("postgres://") || db.hasPrefix("postgresql://")
    }

    /// The key store of a `--db` value.
    public static func openKeyStore(_ db: String) throws -> any KeyStore {
        if isPostgres(db) {
            throw RetouchError(.invalidArgument, "API keys on PostgreSQL are not supported yet; use a SQLite --db path")
        }
        return try SQLiteKeyStore(path: db)
    }
}
