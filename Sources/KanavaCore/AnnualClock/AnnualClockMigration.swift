import GRDB

/// The schema of the annual clock and its reminders: migration `v6-annual-clock` (registered in ``Migrations``).
/// Never edit it once released: add a new migration.
enum AnnualClockMigration {
    static func v6(_ db: Database) throws {
        try db.execute(sql: """
            -- An event of an account's annual clock. start_date is its first occurrence; recurrence is the RRULE text
            -- (see Recurrence), NULL for a single date. Deleting keeps the row (template_key then stays taken, so
            -- applying the template again does not bring back what the director removed).
            CREATE TABLE clock_event (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                template_key TEXT,
                title TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                kind TEXT NOT NULL CHECK (kind IN ('quality_visit', 'satisfaction_visit', 'customer_meeting', 'anniversary',
                    'internal_audit', 'user_survey', 'steering_group', 'report', 'webinar', 'other')),
                owner TEXT NOT NULL CHECK (owner IN ('account_director', 'regional_director', 'manager', 'supervisor',
                    'instructor', 'sales', 'board')),
                start_date TEXT NOT NULL,
                recurrence TEXT,
                lead_days INTEGER NOT NULL CHECK (lead_days BETWEEN 0 AND 365),
                created_at DATETIME NOT NULL,
                updated_at DATETIME,
                deleted_at DATETIME
            );
            CREATE UNIQUE INDEX clock_event_template ON clock_event(account_id, template_key) WHERE template_key IS NOT NULL;
            CREATE INDEX clock_event_account ON clock_event(account_id);

            -- The status of occurrences that have one; an occurrence without a row is planned.
            CREATE TABLE clock_occurrence (
                event_id INTEGER NOT NULL REFERENCES clock_event(id) ON DELETE CASCADE,
                occurrence_date TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('done', 'cancelled')),
                note TEXT,
                marked_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                marked_at DATETIME NOT NULL,
                PRIMARY KEY (event_id, occurrence_date)
            ) WITHOUT ROWID;
            CREATE INDEX clock_occurrence_date ON clock_occurrence(occurrence_date);

            -- What the reminder bot did for one occurrence; the primary key makes it once, whichever process is first.
            -- 'claimed': a process is posting it (body is the text it posts; a claim left behind by a process that
            -- died is taken over after a while and posted with the same text and chat client id, so the chat stores it
            -- once); 'posted': in the chat as message_id; 'skipped': its date passed while no reminder was posted.
            CREATE TABLE clock_reminder_sent (
                event_id INTEGER NOT NULL REFERENCES clock_event(id) ON DELETE CASCADE,
                occurrence_date TEXT NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('claimed', 'posted', 'skipped')),
                body TEXT,
                claimed_at DATETIME NOT NULL,
                posted_at DATETIME,
                message_id INTEGER REFERENCES message(id) ON DELETE SET NULL,
                PRIMARY KEY (event_id, occurrence_date)
            ) WITHOUT ROWID;
            CREATE INDEX clock_reminder_sent_date ON clock_reminder_sent(occurrence_date);
            """)
    }
}
