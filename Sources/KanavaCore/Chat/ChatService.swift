import Foundation
import Logging

/// What a member writes: the text, and where it goes.
public struct MessageDraft: Sendable {
    /// The sender's idempotency key (1–64 characters): a retried send with the same key is stored once.
    public var clientId: String?
    public var body: String
    /// Reply in the thread of this message.
    public var threadRoot: MessageID?
    /// Write in the "ask the director" conversation of this member: a member gives their own id, the director
    /// (or an admin) the id of the member they answer.
    public var privateWith: PersonID?
    /// The bot posting it (under a system principal named after the bot): its client ids are its own, so they never
    /// meet another bot's or a built-in poster's such as the reminder bot's.
    public var bot: BotID?

    public init(clientId: String?, body: String, threadRoot: MessageID? = nil, privateWith: PersonID? = nil, bot: BotID? = nil) {
        self.clientId = clientId
        self.body = body
        self.threadRoot = threadRoot
        self.privateWith = privateWith
        self.bot = bot
    }
}

/// The answer to a send: the stored message and its place in the channel's stream (nil for a retried send).
public struct SendResult: Sendable, Encodable {
    public var message: Message
    public var seq: Int64?
    public var duplicate: Bool
}

/// Chat: messages, threads, "ask the director" conversations, edits, deletions and read markers.
///
/// Every write is stored (with its event, in one transaction) before it is answered or published, so an
/// acknowledged message is durable. The open chat is for every member; a private conversation is between one
/// member and whoever directs the account today (admins see it too).
public struct ChatService: Sendable {
    public static let maxClientIdLength = 64
    public static let maxPageSize = 200

    let store: any KanavaStore
    let access: AccessPolicy
    let bus: EventBus
    let clock: any WallClock
    let renderer: MarkdownRenderer
    let maxMessageChars: Int
    let logger: Logger

    public init(store: any KanavaStore, access: AccessPolicy, bus: EventBus, clock: any WallClock, renderer: MarkdownRenderer,
                maxMessageChars: Int, logger: Logger) {
        self.store = store
        self.access = access
        self.bus = bus
        self.clock = clock
        self.renderer = renderer
        self.maxMessageChars = maxMessageChars
        self.logger = logger
    }

    // MARK: - Writing

    public func send(_ account: AccountID, _ draft: MessageDraft, by principal: Principal) async throws -> SendResult {
        let access = try await access.channel(account, for: principal)
        let body = try messageBody(draft.body, field: "body")
        let clientId = try draft.clientId.map(Self.clientId)
        var privateWith = draft.privateWith
        var threadRoot = draft.threadRoot
        if let rootID = draft.threadRoot {
            guard let root = try await store.message(rootID, in: account), canRead(root, access) else {
                throw KanavaError.notFound("message \(rootID) in this channel")
            }
            guard !root.isDeleted else { throw KanavaError(.conflict, "message \(rootID) was deleted; it cannot be answered") }
            threadRoot = root.threadRoot ?? root.id
            if let draftPrivate = draft.privateWith, draftPrivate != root.privateWith {
                throw KanavaError.invalid("privateWith", "a reply stays in its thread's conversation")
            }
            privateWith = root.privateWith
        }
        if let member = privateWith { try await checkConversation(member, access: access, writing: true) }
        let mentions = privateWith == nil ? try await mentions(in: body, of: account) : []
        let new = NewMessage(account: account, author: principal.person?.id, authorName: principal.person == nil ? principal.systemName : nil,
                             clientId: clientId, threadRoot: threadRoot, privateWith: privateWith, body: body, mentions: mentions,
                             bot: principal.person == nil ? draft.bot : nil)
        // Rendered once, before the transaction (whose writer others wait for), for the event and the reply alike.
        let html = renderer.chatHTML(body)
        let committed = try await store.postMessage(new, at: clock.now()) { message in
            [try EventDraft(channel: account, kind: .messagePosted, payload: Self.rendered(message, html: html, of: body),
                            visibleTo: message.privateWith == nil ? nil : [.accountDirector], subject: message.privateWith)]
        }
        bus.publish(committed.events)
        let posted = committed.value
        if posted.duplicate, posted.message.body != body || posted.message.threadRoot != threadRoot || posted.message.privateWith != privateWith {
            throw KanavaError(.conflict, "clientId '\(clientId ?? "")' was already used for another message")
        }
        return SendResult(message: view(Self.rendered(posted.message, html: html, of: body), access), seq: committed.events.first?.seq,
                          duplicate: posted.duplicate)
    }

    /// Replaces the text of one's own message.
    public func edit(_ account: AccountID, _ id: MessageID, body text: String, by principal: Principal) async throws -> Message {
        let access = try await access.channel(account, for: principal)
        let message = try await ownMessage(id, in: account, access: access, principal: principal)
        let body = try messageBody(text, field: "body")
        guard body != message.body else { return view(message, access) }
        let mentions = message.privateWith == nil ? try await mentions(in: body, of: account) : []
        let renderer = renderer
        let committed = try await store.editMessage(id, in: account, body: body, mentions: mentions, by: principal.person?.id, at: clock.now()) { message in
            [try EventDraft(channel: account, kind: .messageEdited, payload: Self.rendered(message, renderer),
                            visibleTo: message.privateWith == nil ? nil : [.accountDirector], subject: message.privateWith)]
        }
        bus.publish(committed.events)
        return view(committed.value, access)
    }

    /// Deletes one's own message (the director and admins may delete any); the text is kept for them.
    public func delete(_ account: AccountID, _ id: MessageID, by principal: Principal) async throws {
        let access = try await access.channel(account, for: principal)
        guard let message = try await store.message(id, in: account), canRead(message, access), !message.isDeleted else {
            throw KanavaError.notFound("message \(id)")
        }
        guard message.author?.id == principal.person?.id && message.author != nil || access.canManage else {
            throw KanavaError(.forbidden, "only the author, the director or an admin may delete a message")
        }
        let committed = try await store.deleteMessage(id, in: account, by: principal.person?.id, at: clock.now()) { message in
            [try EventDraft(channel: account, kind: .messageDeleted,
                            payload: MessageDeleted(id: message.id, threadRoot: message.threadRoot, privateWith: message.privateWith,
                                                    deletedAt: message.deletedAt ?? Date()),
                            visibleTo: message.privateWith == nil ? nil : [.accountDirector], subject: message.privateWith)]
        }
        bus.publish(committed.events)
        logger.info("message deleted", metadata: ["account": "\(account)", "message": "\(id)", "by": "\(principal.label)"])
    }

    /// "I have read up to here": unread counts drop to what came after.
    public func markRead(_ account: AccountID, upTo: MessageID, by principal: Principal) async throws {
        _ = try await access.channel(account, for: principal)
        guard let person = principal.person else { return }
        try await store.markRead(account, person: person.id, upTo: upTo)
    }

    // MARK: - Reading

    public func history(_ account: AccountID, _ timeline: Timeline, before: MessageID?, limit: Int, for principal: Principal) async throws -> MessagePage {
        let access = try await access.channel(account, for: principal)
        guard (1...Self.maxPageSize).contains(limit) else { throw KanavaError.invalid("limit", "must be 1–\(Self.maxPageSize)") }
        switch timeline {
        case .channel: break
        case .thread(let root):
            guard let message = try await store.message(root, in: account), canRead(message, access) else { throw KanavaError.notFound("message \(root)") }
        case .conversation(let member):
            try await checkConversation(member, access: access, writing: false)
        }
        var page = try await store.messages(in: account, timeline, before: before, limit: limit)
        page.messages = page.messages.map { view($0, access) }
        return page
    }

    /// Earlier texts of a message: for the director and admins.
    public func edits(_ account: AccountID, _ id: MessageID, for principal: Principal) async throws -> (message: Message, edits: [MessageEdit]) {
        let access = try await access.channel(account, for: principal)
        guard let message = try await store.message(id, in: account), canRead(message, access) else { throw KanavaError.notFound("message \(id)") }
        guard access.canManage else { throw KanavaError(.forbidden, "only the director and admins see edit history") }
        return (view(message, access), try await store.edits(of: id))
    }

    /// The "ask the director" conversations a viewer may open: all of them for the director and admins, one's own
    /// for anyone else.
    public func conversations(_ account: AccountID, for principal: Principal) async throws -> [Conversation] {
        let access = try await access.channel(account, for: principal)
        let all = try await store.conversations(in: account)
        return access.canManage ? all : all.filter { $0.member.id == access.person }
    }

    // MARK: - Rules

    /// Who may read a message: the open chat is every member's; a conversation is its member's, the director's
    /// and the admins'.
    func canRead(_ message: Message, _ access: ChannelAccess) -> Bool {
        guard let member = message.privateWith else { return true }
        return access.canManage || member == access.person
    }

    /// The channel's members mentioned in `body`; the member list is read only when there is an `@` to look at.
    private func mentions(in body: String, of account: AccountID) async throws -> [PersonRef] {
        guard body.contains("@") else { return [] }
        return MentionFinder(members: try await store.members(of: account).map(\.person)).mentions(in: body)
    }

    private func checkConversation(_ member: PersonID, access: ChannelAccess, writing: Bool) async throws {
        if member == access.person {
            guard !access.isDirector else { throw KanavaError.invalid("privateWith", "you direct this account; open a member's conversation instead") }
            return
        }
        guard access.canManage else { throw KanavaError.notFound("conversation") }
        if writing, try await store.membership(of: member, in: access.account.id) == nil {
            throw KanavaError.invalid("privateWith", "person \(member) is not a member of this channel")
        }
    }

    private func ownMessage(_ id: MessageID, in account: AccountID, access: ChannelAccess, principal: Principal) async throws -> Message {
        guard let message = try await store.message(id, in: account), canRead(message, access), !message.isDeleted else {
            throw KanavaError.notFound("message \(id)")
        }
        guard let author = message.author, author.id == principal.person?.id else {
            throw KanavaError(.forbidden, "only the author may edit a message")
        }
        return message
    }

    /// A message text as it is stored: Windows line ends made `\n`, trimmed, not empty, at most `chat.max_message_chars`.
    /// Bots and webhooks check their `text` with it first, so an error names their field.
    public func messageBody(_ text: String, field: String) throws -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return try TextInput.required(normalised, field: field, maxChars: maxMessageChars)
    }

    static func clientId(_ value: String) throws -> String {
        guard (1...maxClientIdLength).contains(value.count), value.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0.asciiValue ?? 0 >= 0x21 }) else {
            throw KanavaError.invalid("clientId", "must be 1–\(maxClientIdLength) visible ASCII characters")
        }
        return value
    }

    /// The message as this viewer may see it: rendered, and blanked if deleted (unless they manage the channel).
    func view(_ message: Message, _ access: ChannelAccess) -> Message {
        var shown = Self.rendered(message, renderer)
        if message.isDeleted && !access.canManage {
            shown.body = nil
            shown.html = nil
            shown.mentions = []
        }
        return shown
    }

    /// The message with `html` when its text is `body` (what `html` was rendered from).
    static func rendered(_ message: Message, html: String, of body: String) -> Message {
        var shown = message
        if message.body == body { shown.html = html }
        return shown
    }

    static func rendered(_ message: Message, _ renderer: MarkdownRenderer) -> Message {
        var shown = message
        if let body = message.body, shown.html == nil { shown.html = renderer.chatHTML(body) }
        return shown
    }
}

extension Principal {
    /// The name a system principal posts under (a bot's name).
    var systemName: String? {
        if case .system(let name) = self { return name }
        return nil
    }
}
