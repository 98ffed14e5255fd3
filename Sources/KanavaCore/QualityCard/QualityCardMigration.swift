import GRDB

/// The schema of the quality card: migration `v10-quality-card` (registered in ``Migrations``).
/// Never edit it once released: add a new migration.
enum QualityCardMigration {
    static func v10(_ db: Database) throws {
        try db.execute(sql: """
            -- One version of an account's quality card for a month (`YYYY-MM`). Versions count 1, 2, … per account and
            -- month; only the newest may be a draft (submitted_at NULL). Submitting stores the computed figures as they
            -- were (JSON) with who and when, and freezes the row: a later change is the next version.
            CREATE TABLE quality_card (
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
                version INTEGER NOT NULL CHECK (version >= 1),
                status TEXT CHECK (status IN ('green', 'yellow', 'red')),
                summary TEXT NOT NULL DEFAULT '',
                asks TEXT NOT NULL DEFAULT '',
                customer_satisfaction REAL,
                audit_score REAL,
                open_complaints INTEGER,
                monthly_billing_cents INTEGER,
                figures TEXT,
                created_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                created_at DATETIME NOT NULL,
                updated_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                updated_at DATETIME NOT NULL,
                submitted_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                submitted_at DATETIME,
                PRIMARY KEY (account_id, month, version),
                CHECK ((submitted_at IS NULL) = (figures IS NULL)),
                CHECK (submitted_at IS NULL OR status IS NOT NULL)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX quality_card_draft ON quality_card(account_id, month) WHERE submitted_at IS NULL;
            CREATE INDEX quality_card_month ON quality_card(month, account_id) WHERE submitted_at IS NOT NULL;

            -- A submitted version never changes (a person deleted later is the one exception: ON DELETE SET NULL).
            CREATE TRIGGER quality_card_frozen BEFORE UPDATE ON quality_card
            WHEN OLD.submitted_at IS NOT NULL
             AND (NEW.status IS NOT OLD.status OR NEW.summary IS NOT OLD.summary OR NEW.asks IS NOT OLD.asks
                  OR NEW.customer_satisfaction IS NOT OLD.customer_satisfaction OR NEW.audit_score IS NOT OLD.audit_score
                  OR NEW.open_complaints IS NOT OLD.open_complaints OR NEW.monthly_billing_cents IS NOT OLD.monthly_billing_cents
                  OR NEW.figures IS NOT OLD.figures OR NEW.submitted_at IS NOT OLD.submitted_at)
            BEGIN
                SELECT RAISE(ABORT, 'a submitted quality card is frozen');
            END;
            """)
    }
}
