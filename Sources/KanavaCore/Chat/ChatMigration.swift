import GRDB

/// The schema of chat, read markers, urgent notices, the mail outbox and full-text search: migration
/// `v5-chat-notices-search` (registered in ``Migrations``). Never edit it once released: add a new migration.
enum ChatMigration {
    static func v5(_ db: Database) throws {
        try db.execute(sql: """
            -- A chat message. Replies point at their thread's root. A message with private_with belongs to the
            -- "ask the director" conversation between that member and whoever directs the account.
            CREATE TABLE message (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                author_id INTEGER REFERENCES person(id) ON DELETE SET NULL,
                -- Who posted when there is no person (a bot): shown instead of a person's name.
                author_name TEXT,
                -- The sender's idempotency key: a retried send with the same key is stored once.
                client_id TEXT,
                thread_root_id INTEGER REFERENCES message(id),
                private_with INTEGER REFERENCES person(id) ON DELETE CASCADE,
                body TEXT NOT NULL,
                mentions TEXT NOT NULL DEFAULT '[]',
                reply_count INTEGER NOT NULL DEFAULT 0,
                last_reply_at DATETIME,
                created_at DATETIME NOT NULL,
                edited_at DATETIME,
                -- Deleting keeps the text for the director and admins.
                deleted_at DATETIME,
                deleted_by INTEGER REFERENCES person(id) ON DELETE SET NULL
            );
            CREATE UNIQUE INDEX message_client ON message(account_id, author_id, client_id) WHERE client_id IS NOT NULL;
            CREATE INDEX message_timeline ON message(account_id, private_with, thread_root_id, id);
            CREATE INDEX message_thread ON message(thread_root_id, id) WHERE thread_root_id IS NOT NULL;

            -- Earlier texts of edited messages: the body before each edit.
            CREATE TABLE message_edit (
                message_id INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                body TEXT NOT NULL,
                replaced_at DATETIME NOT NULL,
                replaced_by INTEGER REFERENCES person(id) ON DELETE SET NULL
            );
            CREATE INDEX message_edit_message ON message_edit(message_id);

            CREATE TABLE message_mention (
                person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
                message_id INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                PRIMARY KEY (person_id, message_id)
            ) WITHOUT ROWID;

            -- How far a person has read a channel's messages (unread counts on the account list).
            CREATE TABLE read_marker (
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
                last_read_id INTEGER NOT NULL,
                PRIMARY KEY (account_id, person_id)
            ) WITHOUT ROWID;

            -- A notice broadcast by the director. Who must acknowledge is not stored: it is every current member
            -- but the sender, so a member who joins while the notice is in force owes an acknowledgement too.
            CREATE TABLE notice (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                author_id INTEGER REFERENCES person(id) ON DELETE SET NULL,
                client_id TEXT,
                priority TEXT NOT NULL CHECK (priority IN ('important', 'urgent')),
                title TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at DATETIME NOT NULL,
                expires_at DATETIME,
                withdrawn_at DATETIME,
                withdrawn_by INTEGER REFERENCES person(id) ON DELETE SET NULL
            );
            CREATE UNIQUE INDEX notice_client ON notice(account_id, author_id, client_id) WHERE client_id IS NOT NULL;
            CREATE INDEX notice_account ON notice(account_id, id);

            CREATE TABLE notice_ack (
                notice_id INTEGER NOT NULL REFERENCES notice(id) ON DELETE CASCADE,
                person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
                acknowledged_at DATETIME NOT NULL,
                PRIMARY KEY (notice_id, person_id)
            ) WITHOUT ROWID;

            -- What the follow-up has done for one member who has not acknowledged (durable across restarts).
            CREATE TABLE notice_follow_up (
                notice_id INTEGER NOT NULL REFERENCES notice(id) ON DELETE CASCADE,
                person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
                reminders INTEGER NOT NULL DEFAULT 0,
                last_reminded_at DATETIME,
                escalated_at DATETIME,
                PRIMARY KEY (notice_id, person_id)
            ) WITHOUT ROWID;

            -- E-mail waiting to be sent, written in the same transaction as what caused it; sent with retries.
            CREATE TABLE mail_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                recipient TEXT NOT NULL,
                recipient_name TEXT,
                subject TEXT NOT NULL,
                text TEXT NOT NULL,
                html TEXT,
                purpose TEXT NOT NULL,
                created_at DATETIME NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at DATETIME NOT NULL,
                sent_at DATETIME,
                failed_at DATETIME,
                last_error TEXT
            );
            CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

            -- Full-text search. unicode61 with remove_diacritics 2 folds ä, ö and å, so `makinen` finds Mäkinen;
            -- a query word written with them is also checked against the original text (see SearchQuery).
            CREATE VIRTUAL TABLE message_search USING fts5(
                body, content='message', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER message_search_insert AFTER INSERT ON message BEGIN
                INSERT INTO message_search(rowid, body) VALUES (new.id, new.body);
            END;
            CREATE TRIGGER message_search_update AFTER UPDATE OF body ON message BEGIN
                INSERT INTO message_search(message_search, rowid, body) VALUES ('delete', old.id, old.body);
                INSERT INTO message_search(rowid, body) VALUES (new.id, new.body);
            END;
            CREATE TRIGGER message_search_delete AFTER DELETE ON message BEGIN
                INSERT INTO message_search(message_search, rowid, body) VALUES ('delete', old.id, old.body);
            END;

            -- One row per section that has text: its title and current text. Sections nobody has written in are
            -- left out (every channel has the same titles; finding 100 empty "Sopimukset" helps nobody).
            CREATE VIRTUAL TABLE section_search USING fts5(
                account_id UNINDEXED, key UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 2'
            );
            INSERT INTO section_search (account_id, key, title, body)
                SELECT s.account_id, s.key, s.title, r.body FROM section s
                JOIN section_revision r ON r.account_id = s.account_id AND r.key = s.key AND r.revision = s.revision;
            CREATE TRIGGER section_search_revision AFTER INSERT ON section_revision BEGIN
                DELETE FROM section_search WHERE account_id = new.account_id AND key = new.key;
                INSERT INTO section_search (account_id, key, title, body)
                    SELECT new.account_id, new.key, s.title, new.body FROM section s WHERE s.account_id = new.account_id AND s.key = new.key;
            END;
            CREATE TRIGGER section_search_title AFTER UPDATE OF title ON section BEGIN
                UPDATE section_search SET title = new.title WHERE account_id = new.account_id AND key = new.key;
            END;
            CREATE TRIGGER section_search_delete AFTER DELETE ON section BEGIN
                DELETE FROM section_search WHERE account_id = old.account_id AND key = old.key;
            END;
            """)
    }
}
