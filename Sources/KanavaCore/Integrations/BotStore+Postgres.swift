import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: BotStore {
    public func createBot(name: String, channels: [AccountID], tokenHash: String, at time: Date) async throws -> Bot { throw KanavaError(.unavailable, "BotStore is not on PostgreSQL yet") }
    public func updateBot(_ id: BotID, name: String?, channels: [AccountID]?) async throws -> Bot { throw KanavaError(.unavailable, "BotStore is not on PostgreSQL yet") }
    public func revokeBot(_ id: BotID, at time: Date) async throws -> Bot { throw KanavaError(.unavailable, "BotStore is not on PostgreSQL yet") }
    public func bot(_ id: BotID) async throws -> Bot? { throw KanavaError(.unavailable, "BotStore is not on PostgreSQL yet") }
    public func bot(tokenHash: String) async throws -> Bot? { throw KanavaError(.unavailable, "BotStore is not on PostgreSQL yet") }
    public func bots() async throws -> [Bot] { throw KanavaError(.unavailable, "BotStore is not on PostgreSQL yet") }
    public func touchBot(_ id: BotID, at time: Date) async throws { throw KanavaError(.unavailable, "BotStore is not on PostgreSQL yet") }
}
