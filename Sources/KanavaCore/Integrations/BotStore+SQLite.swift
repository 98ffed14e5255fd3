import Foundation
import GRDB

extension SQLiteStore: BotStore {
    public func createBot(name: String, channels: [AccountID], tokenHash: String, at time: Date) async throws -> Bot {
        try await write("createBot") { db in
            try Self.requireAccounts(channels, db)
            try db.execute(sql: "INSERT INTO bot (name, token_hash, created_at) VALUES (?, ?, ?)", arguments: [name, tokenHash, time])
            let id = BotID(db.lastInsertedRowID)
            try Self.setBotChannels(id, channels, db)
            return try Self.fetchBot(db, id)
        }
    }

    public func updateBot(_ id: BotID, name: String?, channels: [AccountID]?) async throws -> Bot {
        try await write("updateBot") { db in
            guard try Self.fetchBotRow(db, "id = ?", id.rawValue) != nil else { throw KanavaError.notFound("bot \(id)") }
            if let name { try db.execute(sql: "UPDATE bot SET name = ? WHERE id = ?", arguments: [name, id.rawValue]) }
            if let channels {
                try Self.requireAccounts(channels, db)
                try db.execute(sql: "DELETE FROM bot_channel WHERE bot_id = ?", arguments: [id.rawValue])
                try Self.setBotChannels(id, channels, db)
            }
            return try Self.fetchBot(db, id)
        }
    }

    public func revokeBot(_ id: BotID, at time: Date) async throws -> Bot {
        try await write("revokeBot") { db in
            guard try Self.fetchBotRow(db, "id = ?", id.rawValue) != nil else { throw KanavaError.notFound("bot \(id)") }
            try db.execute(sql: "UPDATE bot SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", arguments: [time, id.rawValue])
            return try Self.fetchBot(db, id)
        }
    }

    public func bot(_ id: BotID) async throws -> Bot? {
        try await read("bot") { db in try Self.fetchBotRow(db, "id = ?", id.rawValue).map { try Self.bot(from: $0, db) } }
    }

    public func bot(tokenHash: String) async throws -> Bot? {
        try await read("botByToken") { db in try Self.fetchBotRow(db, "token_hash = ?", tokenHash).map { try Self.bot(from: $0, db) } }
    }

    public func bots() async throws -> [Bot] {
        try await read("bots") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM bot ORDER BY id").map { try Self.bot(from: $0, db) }
        }
    }

    public func touchBot(_ id: BotID, at time: Date) async throws {
        try await write("touchBot") { db in
            try db.execute(sql: "UPDATE bot SET last_used_at = ? WHERE id = ?", arguments: [time, id.rawValue])
        }
    }

    // MARK: - Rows

    /// Throws `invalid_input` naming the channels that do not exist.
    static func requireAccounts(_ ids: [AccountID], _ db: Database) throws {
        let missing = try ids.filter { id in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM account WHERE id = ?"), arguments: [id.rawValue]) == nil
        }
        guard missing.isEmpty else { throw KanavaError.noSuchChannels(missing) }
    }

    private static func setBotChannels(_ id: BotID, _ channels: [AccountID], _ db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO bot_channel (bot_id, account_id) VALUES (?, ?)")
        for channel in channels { try insert.execute(arguments: [id.rawValue, channel.rawValue]) }
    }

    private static func fetchBotRow(_ db: Database, _ condition: String, _ value: some DatabaseValueConvertible) throws -> Row? {
        try Row.fetchOne(db, sql: "SELECT * FROM bot WHERE " + condition, arguments: [value])
    }

    private static func fetchBot(_ db: Database, _ id: BotID) throws -> Bot {
        guard let row = try fetchBotRow(db, "id = ?", id.rawValue) else { throw KanavaError.notFound("bot \(id)") }
        return try bot(from: row, db)
    }

    private static func bot(from row: Row, _ db: Database) throws -> Bot {
        let id = BotID(row["id"])
        let channels = try String.fetchAll(db.cachedStatement(sql: "SELECT account_id FROM bot_channel WHERE bot_id = ? ORDER BY account_id"),
                                           arguments: [id.rawValue])
        return Bot(id: id, name: row["name"], channels: channels.map(AccountID.init(stored:)), createdAt: row["created_at"],
                   revokedAt: row["revoked_at"], lastUsedAt: row["last_used_at"])
    }
}
