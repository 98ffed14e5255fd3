import GRDB

/// The schema of the audit log: migration `v12-audit-log` (registered in ``Migrations``).
/// Never edit it once released: add a new migration.
enum AuditMigration {
    static func v12(_ db: Database) throws {
        try db.execute(sql: """
            -- Who did what, when and from where. actor_id has no foreign key: an entry outlives the person's row and
            -- names them by id only (their e-mail and name live in person, which an erasure anonymises).
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at DATETIME NOT NULL,
                actor TEXT NOT NULL,
                actor_id INTEGER,
                action TEXT NOT NULL,
                account_id TEXT,
                target TEXT,
                detail TEXT NOT NULL DEFAULT '{}',
                address TEXT
            );
            CREATE INDEX audit_log_at ON audit_log(at);
            CREATE INDEX audit_log_actor ON audit_log(actor_id, at) WHERE actor_id IS NOT NULL;
            CREATE INDEX audit_log_account ON audit_log(account_id, at) WHERE account_id IS NOT NULL;
            CREATE INDEX audit_log_action ON audit_log(action, at);

            -- Append-only: the application has no way to change or remove an entry.
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            """)
    }
}
