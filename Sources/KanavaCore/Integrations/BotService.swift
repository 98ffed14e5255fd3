import Foundation
import Logging

/// Bots: admins create them (name, channels) and get a token once; a bot lists its channels, posts messages and
/// reads the annual clock of those channels with `Authorization: Bearer kbt_…`.
///
/// A bot acts as a system principal named after it, after ``BotService`` has checked that the channel is one of
/// its own: any other channel is `not_found`, as for a non-member. Its messages carry its id, so its client ids
/// are its own idempotency space (see ``MessageDraft/bot``).
public struct BotService: Sendable {
    public static let tokenPrefix = "kbt_"
    public static let maxNameChars = 80
    public static let maxChannels = 1_000
    /// `lastUsedAt` is recorded at most this often, so a busy bot does not write on every request.
    static let touchInterval: TimeInterval = 60

    let store: any KanavaStore
    let access: AccessPolicy
    let chat: ChatService
    let annualClock: AnnualClockService
    let clock: any WallClock
    let logger: Logger
    let audit: AuditLog

    public init(store: any KanavaStore, access: AccessPolicy, chat: ChatService, annualClock: AnnualClockService, clock: any WallClock, logger: Logger,
                audit: AuditLog) {
        self.store = store
        self.access = access
        self.chat = chat
        self.annualClock = annualClock
        self.clock = clock
        self.logger = logger
        self.audit = audit
    }

    /// A new bot and its token: the only time the token is seen.
    public struct Created: Sendable {
        public var bot: Bot
        public var token: String
    }

    // MARK: - Administration (admins)

    public func create(name: String, channels: [String], by principal: Principal) async throws -> Created {
        try access.requireAdmin(principal)
        let name = try TextInput.name(name, field: "name", maxChars: Self.maxNameChars)
        let channels = try Self.channelIDs(channels)
        let token = Self.tokenPrefix + SecretToken.random()
        let bot = try await store.createBot(name: name, channels: channels, tokenHash: SecretToken.hash(token), at: clock.now())
        logger.notice("bot created", metadata: ["bot": "\(bot.id)", "name": "\(bot.name)", "channels": "\(channels.count)", "by": "\(principal.label)"])
        await audit.record(.botCreated, by: principal, target: "bot:\(bot.id)",
                           detail: ["name": bot.name, "channels": channels.map(\.rawValue).joined(separator: ",")])
        return Created(bot: bot, token: token)
    }

    public func list(by principal: Principal) async throws -> [Bot] {
        try access.requireAdmin(principal)
        return try await store.bots()
    }

    /// Renames a bot and/or replaces its channels (nil: as it is). A channel taken away is refused to it at once.
    public func update(_ id: BotID, name: String?, channels: [String]?, by principal: Principal) async throws -> Bot {
        try access.requireAdmin(principal)
        let name = try name.map { try TextInput.name($0, field: "name", maxChars: Self.maxNameChars) }
        let channels = try channels.map(Self.channelIDs)
        let bot = try await store.updateBot(id, name: name, channels: channels)
        logger.notice("bot changed", metadata: ["bot": "\(id)", "by": "\(principal.label)"])
        var detail = ["name": bot.name]
        if let channels { detail["channels"] = channels.map(\.rawValue).joined(separator: ",") }
        await audit.record(.botChanged, by: principal, target: "bot:\(id)", detail: detail)
        return bot
    }

    /// Revokes a bot's token: its next request is refused.
    public func revoke(_ id: BotID, by principal: Principal) async throws -> Bot {
        try access.requireAdmin(principal)
        let bot = try await store.revokeBot(id, at: clock.now())
        logger.notice("bot revoked", metadata: ["bot": "\(id)", "name": "\(bot.name)", "by": "\(principal.label)"])
        await audit.record(.botRevoked, by: principal, target: "bot:\(id)", detail: ["name": bot.name])
        return bot
    }

    // MARK: - A bot's own requests

    /// The bot a bearer token stands for; `unauthenticated` when the token is malformed, unknown or revoked.
    public func authenticate(token: String) async throws -> Bot {
        guard token.hasPrefix(Self.tokenPrefix), SecretToken.isWellFormed(token.dropFirst(Self.tokenPrefix.count)),
              let bot = try await store.bot(tokenHash: SecretToken.hash(token))
        else { throw KanavaError(.unauthenticated, "the bot token is not valid") }
        guard !bot.isRevoked else { throw KanavaError(.unauthenticated, "the bot token was revoked") }
        let now = clock.now()
        if bot.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.touchInterval }) ?? true {
            try await store.touchBot(bot.id, at: now)
        }
        return bot
    }

    /// The bot's channels, in Finnish order of their names.
    public func channels(of bot: Bot) async throws -> [BotChannel] {
        var channels: [BotChannel] = []
        for id in bot.channels {
            if let account = try await store.account(id) { channels.append(BotChannel(id: id, name: account.name)) }
        }
        return FinnishCollation.sorted(channels, by: \.name)
    }

    /// Posts `text` in a channel's chat under the bot's name. A retry with the same `clientId` returns the message
    /// stored the first time (`duplicate`).
    public func post(_ account: AccountID, text: String, clientId: String?, as bot: Bot) async throws -> SendResult {
        try Self.requireScope(account, bot)
        let body = try chat.messageBody(text, field: "text")
        return try await chat.send(account, MessageDraft(clientId: clientId, body: body, bot: bot.id), by: .system(bot.name))
    }

    /// A channel's annual clock for `year` (nil: this year), as members read it; a bot changes and marks nothing.
    public func clock(_ account: AccountID, year: Int?, as bot: Bot) async throws -> ClockYear {
        try Self.requireScope(account, bot)
        var clock = try await annualClock.year(account, year: year, for: .system(bot.name))
        clock.canEdit = false
        for index in clock.events.indices { clock.events[index].canMark = false }
        return clock
    }

    // MARK: - Rules

    /// Deny by default: a channel not given to the bot is "not found", as for a non-member.
    public static func requireScope(_ account: AccountID, _ bot: Bot) throws {
        guard bot.channels.contains(account) else { throw KanavaError.notFound("channel \(account)") }
    }

    /// Valid, distinct channel ids (whether they exist is checked when stored).
    static func channelIDs(_ values: [String]) throws -> [AccountID] {
        guard values.count <= maxChannels else { throw KanavaError.invalid("channels", "at most \(maxChannels) channels") }
        var ids: [AccountID] = []
        for value in values {
            guard let id = AccountID(rawValue: value) else {
                throw KanavaError.invalid("channels", "'\(value.prefix(70))' is not a channel id (1–\(AccountID.maxLength) letters, digits, '-', '_' or '.')")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }
}
