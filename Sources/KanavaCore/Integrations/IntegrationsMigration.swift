import GRDB

/// The schema of bots, incoming webhooks and calendar feeds: migration `v7-bots-webhooks-feeds` (registered in
/// ``Migrations``). Never edit it once released: add a new migration.
///
/// Every secret (bot token, webhook URL, feed URL) is stored as its SHA-256 only (see ``SecretToken``).
enum IntegrationsMigration {
    static func v7(_ db: Database) throws {
        try db.execute(sql: """
            -- A bot: a token-authenticated poster. Revoking keeps the row (its messages point at it).
            CREATE TABLE bot (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                created_at DATETIME NOT NULL,
                created_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                revoked_at DATETIME,
                last_used_at DATETIME
            );

            -- The channels a bot may use; any other channel is "not found" to it.
            CREATE TABLE bot_channel (
                bot_id INTEGER NOT NULL REFERENCES bot(id) ON DELETE CASCADE,
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                PRIMARY KEY (bot_id, account_id)
            ) WITHOUT ROWID;
            CREATE INDEX bot_channel_account ON bot_channel(account_id);

            -- The bot that posted a message. A bot's client ids are its own idempotency space: the same client id
            -- from another bot, or from a built-in poster such as the reminder bot (bot_id NULL), is another message.
            ALTER TABLE message ADD COLUMN bot_id INTEGER REFERENCES bot(id);
            CREATE UNIQUE INDEX message_bot_client ON message(account_id, bot_id, client_id) WHERE bot_id IS NOT NULL AND client_id IS NOT NULL;

            -- An incoming webhook of a channel (Slack/Mattermost style). Deleting removes the row: the URL is dead at once.
            CREATE TABLE webhook (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                secret_hash TEXT NOT NULL UNIQUE,
                created_at DATETIME NOT NULL,
                created_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
                last_used_at DATETIME
            );
            CREATE INDEX webhook_account ON webhook(account_id);

            -- A person's one secret iCalendar feed URL; rotating replaces the hash, so the old URL stops at once.
            CREATE TABLE calendar_feed (
                person_id INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
                secret_hash TEXT NOT NULL UNIQUE,
                created_at DATETIME NOT NULL
            );
            """)
    }
}
