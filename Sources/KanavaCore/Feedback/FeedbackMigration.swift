import GRDB

/// The schema of the feedback box: migrations `v9-feedback` and `v11-activity-indexes` (registered in ``Migrations``).
/// Never edit one once released: add a new migration.
enum FeedbackMigration {
    static func v9(_ db: Database) throws {
        try db.execute(sql: """
            -- Feedback or an idea left in a channel. `anonymous` hides the author from other members, never from the
            -- channel's director (or admins). `status` is the current one; feedback_reply keeps how it got there.
            CREATE TABLE feedback (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                author_id INTEGER REFERENCES person(id) ON DELETE SET NULL,
                kind TEXT NOT NULL CHECK (kind IN ('feedback', 'idea')),
                anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
                body TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done', 'declined')),
                created_at DATETIME NOT NULL,
                updated_at DATETIME
            );
            CREATE INDEX feedback_account ON feedback(account_id, id);
            CREATE INDEX feedback_author ON feedback(author_id, created_at);

            -- An answer to feedback (by the director or an admin). `status` is the status the answer set, NULL when it
            -- left the status as it was; the latest non-NULL status at or before a moment is the status then.
            CREATE TABLE feedback_reply (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                feedback_id INTEGER NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
                author_id INTEGER REFERENCES person(id) ON DELETE SET NULL,
                body TEXT NOT NULL DEFAULT '',
                status TEXT CHECK (status IN ('new', 'in_progress', 'done', 'declined')),
                created_at DATETIME NOT NULL
            );
            CREATE INDEX feedback_reply_feedback ON feedback_reply(feedback_id, id);
            """)
    }

    /// Indexes for the yearly "most active members" list (``SQLiteStore/memberActivity(directedBy:from:until:)``), which
    /// counts each member's messages and urgent-notice acknowledgements in a year as a range of one index each; without
    /// them every message of a channel and every acknowledgement of its notices would be read.
    static func v11(_ db: Database) throws {
        try db.execute(sql: """
            -- A person's live messages (not deleted, not a bot's) in a channel, by time. deleted_at and bot_id (always NULL
            -- here) make it a covering index: SQLite does not count a partial index's own condition as covered.
            CREATE INDEX message_activity ON message(account_id, author_id, created_at, deleted_at, bot_id)
                WHERE deleted_at IS NULL AND bot_id IS NULL;
            -- A person's acknowledgements, by time (notice_ack's key starts with the notice).
            CREATE INDEX notice_ack_person ON notice_ack(person_id, acknowledged_at);
            """)
    }
}
