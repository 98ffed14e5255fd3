import GRDB

/// The schema, as an ordered list of migrations. Never edit a released migration: add a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-people-accounts-events") { db in
            try db.execute(sql: """
                CREATE TABLE person (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    email TEXT NOT NULL,
                    email_key TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    global_role TEXT CHECK (global_role IN ('admin', 'board')),
                    password_hash TEXT,
                    language TEXT CHECK (language IN ('fi', 'en')),
                    created_at DATETIME NOT NULL
                );

                CREATE TABLE session (
                    token_hash TEXT PRIMARY KEY,
                    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
                    csrf_token TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL,
                    last_seen_at DATETIME NOT NULL,
                    address TEXT,
                    user_agent TEXT
                );
                CREATE INDEX session_person ON session(person_id);

                CREATE TABLE account (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    start_date TEXT,
                    created_at DATETIME NOT NULL
                );

                -- An account's one channel: its event stream's head lives here.
                CREATE TABLE channel (
                    account_id TEXT PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                    last_seq INTEGER NOT NULL DEFAULT 0
                );

                CREATE TABLE membership (
                    account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
                    role TEXT NOT NULL CHECK (role IN ('account_director', 'regional_director', 'manager', 'supervisor', 'instructor', 'sales')),
                    source TEXT NOT NULL CHECK (source IN ('roster', 'manual')),
                    sites TEXT NOT NULL DEFAULT '[]',
                    joined_at DATETIME NOT NULL,
                    PRIMARY KEY (account_id, person_id)
                ) WITHOUT ROWID;
                CREATE INDEX membership_person ON membership(person_id);

                CREATE TABLE channel_event (
                    account_id TEXT NOT NULL REFERENCES channel(account_id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    visible_to TEXT,
                    subject_id INTEGER,
                    created_at DATETIME NOT NULL,
                    PRIMARY KEY (account_id, seq)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-roster") { db in
            try db.execute(sql: """
                ALTER TABLE membership ADD COLUMN cities TEXT NOT NULL DEFAULT '[]';

                -- Every roster sync that was applied or refused: the audit trail admins read.
                CREATE TABLE roster_sync (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at DATETIME NOT NULL,
                    source TEXT NOT NULL,
                    file_hash TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    forced BOOLEAN NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'refused')),
                    summary TEXT NOT NULL
                );

                CREATE TABLE roster_change (
                    sync_id INTEGER NOT NULL REFERENCES roster_sync(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    email TEXT,
                    role TEXT,
                    previous_role TEXT,
                    detail TEXT
                );
                CREATE INDEX roster_change_sync ON roster_change(sync_id);
                CREATE INDEX roster_change_account ON roster_change(account_id, kind);
                """)
        }
        migrator.registerMigration("v3-sections") { db in
            try db.execute(sql: """
                -- A channel's table of contents: the template's sections and the director's own.
                CREATE TABLE section (
                    account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    title TEXT NOT NULL,
                    title_en TEXT,
                    origin TEXT NOT NULL CHECK (origin IN ('template', 'custom')),
                    required BOOLEAN NOT NULL,
                    must_read BOOLEAN NOT NULL,
                    restricted_to TEXT,
                    editable_by TEXT NOT NULL,
                    in_use BOOLEAN NOT NULL DEFAULT 1,
                    -- false once the template no longer has it: kept, with everything written in it
                    in_template BOOLEAN NOT NULL DEFAULT 1,
                    revision INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (account_id, key)
                ) WITHOUT ROWID;

                CREATE TABLE section_revision (
                    account_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    author_id INTEGER REFERENCES person(id) ON DELETE SET NULL,
                    created_at DATETIME NOT NULL,
                    PRIMARY KEY (account_id, key, revision),
                    FOREIGN KEY (account_id, key) REFERENCES section(account_id, key) ON DELETE CASCADE
                ) WITHOUT ROWID;

                CREATE TABLE must_read_confirmation (
                    account_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
                    revision INTEGER NOT NULL,
                    confirmed_at DATETIME NOT NULL,
                    PRIMARY KEY (account_id, key, person_id),
                    FOREIGN KEY (account_id, key) REFERENCES section(account_id, key) ON DELETE CASCADE
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v4-documents-memos", migrate: DocumentsMemosMigration.v4)
        migrator.registerMigration("v5-chat-notices-search", migrate: ChatMigration.v5)
        migrator.registerMigration("v6-annual-clock", migrate: AnnualClockMigration.v6)
        migrator.registerMigration("v7-bots-webhooks-feeds", migrate: IntegrationsMigration.v7)
        migrator.registerMigration("v8-planner", migrate: PlannerMigration.v8)
        migrator.registerMigration("v9-feedback", migrate: FeedbackMigration.v9)
        migrator.registerMigration("v10-quality-card", migrate: QualityCardMigration.v10)
        migrator.registerMigration("v11-activity-indexes", migrate: FeedbackMigration.v11)
        migrator.registerMigration("v12-audit-log", migrate: AuditMigration.v12)
        migrator.registerMigration("v13-leases") { db in
            try db.execute(sql: """
                -- Scheduled work that runs on one node at a time (ExclusiveSchedule).
                CREATE TABLE lease (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at DATETIME NOT NULL);
                """)
        }
        return migrator
    }
}
