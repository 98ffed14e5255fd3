import Foundation

public typealias BotID = RowID<Bot>

/// A bot: a token-authenticated poster limited to the channels it is given. Its token is shown once, when it is
/// created, and stored as a SHA-256 only; a revoked bot is refused at once.
public struct Bot: Codable, Sendable, Hashable, Identifiable {
    public var id: BotID
    /// The name its messages are shown under.
    public var name: String
    /// The channels it may read and post to, in id order; every other channel is "not found" to it.
    public var channels: [AccountID]
    public var createdAt: Date
    public var revokedAt: Date?
    /// The last request made with its token (recorded at most once a minute).
    public var lastUsedAt: Date?

    public init(id: BotID, name: String, channels: [AccountID], createdAt: Date, revokedAt: Date?, lastUsedAt: Date?) {
        self.id = id
        self.name = name
        self.channels = channels
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// A channel as a bot lists it.
public struct BotChannel: Codable, Sendable, Hashable {
    public var id: AccountID
    public var name: String
}

public protocol BotStore: Sendable {
    /// Stores a new bot. Channels that do not exist are refused as `invalid_input` naming them.
    func createBot(name: String, channels: [AccountID], tokenHash: String, at time: Date) async throws -> Bot
    /// Changes a bot's name and/or channels (nil: as it is); channels are checked as in ``createBot(name:channels:tokenHash:at:)``.
    func updateBot(_ id: BotID, name: String?, channels: [AccountID]?) async throws -> Bot
    /// Marks a bot revoked (a second revocation keeps the first time).
    func revokeBot(_ id: BotID, at time: Date) async throws -> Bot
    func bot(_ id: BotID) async throws -> Bot?
    /// The bot whose token has this hash, revoked or not.
    func bot(tokenHash: String) async throws -> Bot?
    /// Every bot, in id order.
    func bots() async throws -> [Bot]
    func touchBot(_ id: BotID, at time: Date) async throws
}
