import Foundation
import PostgresNIO

extension PostgresStore: BotStore {
    public func createBot(name: String, channels: [AccountID], tokenHash: String, at time: Date) async throws -> Bot {
        try await write("createBot") { db in
            try await Self.requireAccounts(channels, db)
            guard let id = try await db.value("""
                INSERT INTO bot (name, token_hash, created_at) VALUES (\(name), \(tokenHash), \(time)) RETURNING id
                """, as: Int64.self)
            else { throw KanavaError(.internal, "the bot was not stored") }
            try await Self.setBotChannels(BotID(id), channels, db)
            return try await Self.fetchBot(db, BotID(id))
        }
    }

    public func updateBot(_ id: BotID, name: String?, channels: [AccountID]?) async throws -> Bot {
        try await write("updateBot") { db in
            // The bot's row is locked: two changes of its channels cannot interleave their deletes and inserts.
            guard try await db.exists("SELECT 1 FROM bot WHERE id = \(id.rawValue) FOR UPDATE") else { throw KanavaError.notFound("bot \(id)") }
            if let name { try await db.execute("UPDATE bot SET name = \(name) WHERE id = \(id.rawValue)") }
            if let channels {
                try await Self.requireAccounts(channels, db)
                try await db.execute("DELETE FROM bot_channel WHERE bot_id = \(id.rawValue)")
                try await Self.setBotChannels(id, channels, db)
            }
            return try await Self.fetchBot(db, id)
        }
    }

    public func revokeBot(_ id: BotID, at time: Date) async throws -> Bot {
        try await write("revokeBot") { db in
            guard try await db.execute("UPDATE bot SET revoked_at = COALESCE(revoked_at, \(time)) WHERE id = \(id.rawValue)") == 1 else {
                throw KanavaError.notFound("bot \(id)")
            }
            return try await Self.fetchBot(db, id)
        }
    }

    public func bot(_ id: BotID) async throws -> Bot? {
        try await read("bot") { db in
            guard let row = try await db.row("SELECT * FROM bot WHERE id = \(id.rawValue)") else { return nil }
            return try await Self.bot(from: row, db)
        }
    }

    public func bot(tokenHash: String) async throws -> Bot? {
        try await read("botByToken") { db in
            guard let row = try await db.row("SELECT * FROM bot WHERE token_hash = \(tokenHash)") else { return nil }
            return try await Self.bot(from: row, db)
        }
    }

    public func bots() async throws -> [Bot] {
        try await read("bots") { db in
            var bots: [Bot] = []
            for row in try await db.rows("SELECT * FROM bot ORDER BY id") { bots.append(try await Self.bot(from: row, db)) }
            return bots
        }
    }

    public func touchBot(_ id: BotID, at time: Date) async throws {
        try await write("touchBot") { db in
            _ = try await db.execute("UPDATE bot SET last_used_at = \(time) WHERE id = \(id.rawValue)")
        }
    }

    // MARK: - Rows

    /// Throws `invalid_input` naming the channels that do not exist.
    private static func requireAccounts(_ ids: [AccountID], _ db: PostgresDB) async throws {
        let existing = Set(try await db.rows("SELECT id FROM account WHERE id = ANY(\(ids.map(\.rawValue)))").map { row -> String in try row["id"] })
        let missing = ids.filter { !existing.contains($0.rawValue) }
        guard missing.isEmpty else { throw KanavaError.noSuchChannels(missing) }
    }

    private static func setBotChannels(_ id: BotID, _ channels: [AccountID], _ db: PostgresDB) async throws {
        for channel in channels {
            try await db.execute("INSERT INTO bot_channel (bot_id, account_id) VALUES (\(id.rawValue), \(channel.rawValue)) ON CONFLICT DO NOTHING")
        }
    }

    private static func fetchBot(_ db: PostgresDB, _ id: BotID) async throws -> Bot {
        guard let row = try await db.row("SELECT * FROM bot WHERE id = \(id.rawValue)") else { throw KanavaError.notFound("bot \(id)") }
        return try await bot(from: row, db)
    }

    private static func bot(from row: PGRow, _ db: PostgresDB) async throws -> Bot {
        let id = BotID(try row["id"] as Int64)
        let channels = try await db.rows("SELECT account_id FROM bot_channel WHERE bot_id = \(id.rawValue) ORDER BY account_id COLLATE \"C\"")
            .map { row -> AccountID in AccountID(stored: try row["account_id"]) }
        return Bot(id: id, name: try row["name"], channels: channels, createdAt: try row["created_at"],
                   revokedAt: try row["revoked_at"], lastUsedAt: try row["last_used_at"])
    }
}
