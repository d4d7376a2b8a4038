import GRDB

/// The SQLite schema, as numbered migrations: a new version appends a migration, never edits one.
/// Times are Unix seconds (REAL) so comparisons are plain number comparisons.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs and items") { db in
            try db.execute(sql: """
                CREATE TABLE jobs (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    owner TEXT NOT NULL,
                    idempotency_key TEXT,
                    state TEXT NOT NULL,
                    config TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER NOT NULL,
                    cancel_requested INTEGER NOT NULL DEFAULT 0,
                    lease_owner TEXT,
                    lease_expires_at REAL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    retention_seconds REAL NOT NULL,
                    expires_at REAL,
                    error TEXT,
                    items_total INTEGER NOT NULL,
                    items_succeeded INTEGER NOT NULL DEFAULT 0,
                    items_failed INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (owner, idempotency_key)
                );
                CREATE INDEX jobs_claimable ON jobs (seq) WHERE state IN ('queued', 'running');
                CREATE INDEX jobs_by_owner ON jobs (owner, seq);
                CREATE INDEX jobs_by_state ON jobs (state);
                CREATE INDEX jobs_by_expiry ON jobs (expires_at) WHERE expires_at IS NOT NULL;
                CREATE TABLE job_items (
                    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    idx INTEGER NOT NULL,
                    input_blob TEXT NOT NULL,
                    input_name TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    result_blob TEXT,
                    result_json TEXT,
                    error TEXT,
                    PRIMARY KEY (job_id, idx)
                ) WITHOUT ROWID;
                CREATE INDEX job_items_by_input ON job_items (input_blob);
                CREATE INDEX job_items_by_result ON job_items (result_blob) WHERE result_blob IS NOT NULL;
                """)
        }
        migrator.registerMigration("v2: item masks") { db in
            try db.execute(sql: """
                ALTER TABLE job_items ADD COLUMN mask_blob TEXT;
                CREATE INDEX job_items_by_mask ON job_items (mask_blob) WHERE mask_blob IS NOT NULL;
                """)
        }
        return migrator
    }
}
