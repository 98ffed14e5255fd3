import Foundation

public typealias MessageID = RowID<Message>

/// A chat message as a viewer sees it. Deleted messages keep their place in the timeline; their text is
/// shown only to the director and admins (``ChatService`` blanks it for everyone else).
public struct Message: Codable, Sendable, Hashable, Identifiable {
    public var id: MessageID
    public var account: AccountID
    /// The person who wrote it; nil for a bot or a deleted person.
    public var author: PersonRef?
    /// The name to show when there is no person (a bot such as "Vuosikello").
    public var authorName: String?
    /// The sender's idempotency key (shown so a sending tab can match its pending message).
    public var clientId: String?
    /// The first message of the thread this one replies to.
    public var threadRoot: MessageID?
    /// The member of an "ask the director" conversation; nil for the channel's open chat.
    public var privateWith: PersonID?
    /// Markdown as written; nil when deleted and the viewer may not see deleted text.
    public var body: String?
    /// The body rendered to safe HTML; nil with `body`.
    public var html: String?
    /// Members mentioned with `@Name`.
    public var mentions: [PersonRef]
    public var replyCount: Int
    public var lastReplyAt: Date?
    public var createdAt: Date
    public var editedAt: Date?
    public var deletedAt: Date?

    public init(id: MessageID, account: AccountID, author: PersonRef?, authorName: String?, clientId: String?, threadRoot: MessageID?,
                privateWith: PersonID?, body: String?, html: String?, mentions: [PersonRef], replyCount: Int, lastReplyAt: Date?,
                createdAt: Date, editedAt: Date?, deletedAt: Date?) {
        self.id = id
        self.account = account
        self.author = author
        self.authorName = authorName
        self.clientId = clientId
        self.threadRoot = threadRoot
        self.privateWith = privateWith
        self.body = body
        self.html = html
        self.mentions = mentions
        self.replyCount = replyCount
        self.lastReplyAt = lastReplyAt
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.deletedAt = deletedAt
    }

    public var isDeleted: Bool { deletedAt != nil }
}

/// An earlier text of an edited message (the director and admins see them).
public struct MessageEdit: Codable, Sendable, Hashable {
    public var body: String
    /// When this text was replaced, and by whom.
    public var replacedAt: Date
    public var replacedBy: PersonRef?

    public init(body: String, replacedAt: Date, replacedBy: PersonRef?) {
        self.body = body
        self.replacedAt = replacedAt
        self.replacedBy = replacedBy
    }
}

/// A message to store, validated by the service.
public struct NewMessage: Sendable {
    public var account: AccountID
    public var author: PersonID?
    public var authorName: String?
    public var clientId: String?
    public var threadRoot: MessageID?
    public var privateWith: PersonID?
    public var body: String
    public var mentions: [PersonRef]
    /// The bot that posts it; with `author`, the idempotency space of `clientId`.
    public var bot: BotID?

    public init(account: AccountID, author: PersonID?, authorName: String?, clientId: String?, threadRoot: MessageID?,
                privateWith: PersonID?, body: String, mentions: [PersonRef], bot: BotID? = nil) {
        self.account = account
        self.author = author
        self.authorName = authorName
        self.clientId = clientId
        self.threadRoot = threadRoot
        self.privateWith = privateWith
        self.body = body
        self.mentions = mentions
        self.bot = bot
    }
}

/// Which messages a history page reads.
public enum Timeline: Sendable, Hashable {
    /// The channel's open chat: top-level messages (replies live in their threads).
    case channel
    /// One thread: its root and replies.
    case thread(MessageID)
    /// The "ask the director" conversation of one member.
    case conversation(PersonID)
}

/// A page of messages, oldest first, and whether older ones exist.
public struct MessagePage: Codable, Sendable {
    public var messages: [Message]
    public var hasMore: Bool

    public init(messages: [Message], hasMore: Bool) {
        self.messages = messages
        self.hasMore = hasMore
    }
}

/// One "ask the director" conversation, as the director's list shows it.
public struct Conversation: Codable, Sendable, Hashable {
    public var member: PersonRef
    public var messageCount: Int
    public var lastMessageAt: Date

    public init(member: PersonRef, messageCount: Int, lastMessageAt: Date) {
        self.member = member
        self.messageCount = messageCount
        self.lastMessageAt = lastMessageAt
    }
}

/// The data of `message.deleted` events.
public struct MessageDeleted: Codable, Sendable {
    public var id: MessageID
    public var threadRoot: MessageID?
    public var privateWith: PersonID?
    public var deletedAt: Date
}

extension EventKind {
    public static let messagePosted: EventKind = "message.posted"
    public static let messageEdited: EventKind = "message.edited"
    public static let messageDeleted: EventKind = "message.deleted"
}
