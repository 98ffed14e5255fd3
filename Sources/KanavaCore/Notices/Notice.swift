import Foundation

public typealias NoticeID = RowID<Notice>

public enum NoticePriority: String, Codable, Sendable {
    /// Shown to every member; nobody has to acknowledge it.
    case important
    /// Every member must acknowledge it; those who do not are reminded and then escalated.
    case urgent
}

/// A notice the director broadcast to the whole channel.
public struct Notice: Codable, Sendable, Hashable, Identifiable {
    public var id: NoticeID
    public var account: AccountID
    public var author: PersonRef?
    public var priority: NoticePriority
    public var title: String
    /// Markdown as written, and rendered to safe HTML.
    public var body: String
    public var html: String?
    public var createdAt: Date
    public var expiresAt: Date?
    public var withdrawnAt: Date?
    /// Filled in for a viewer: when they acknowledged it.
    public var acknowledgedAt: Date?
    /// Filled in for a viewer: acknowledgements so far, and how many members owe one.
    public var acknowledged: Int?
    public var pending: Int?

    public init(id: NoticeID, account: AccountID, author: PersonRef?, priority: NoticePriority, title: String, body: String,
                createdAt: Date, expiresAt: Date?, withdrawnAt: Date?) {
        self.id = id
        self.account = account
        self.author = author
        self.priority = priority
        self.title = title
        self.body = body
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.withdrawnAt = withdrawnAt
    }

    /// Not withdrawn and not expired at `time`.
    public func isInForce(at time: Date) -> Bool {
        withdrawnAt == nil && (expiresAt.map { time < $0 } ?? true)
    }
}

public struct NewNotice: Sendable {
    public var account: AccountID
    public var author: PersonID?
    public var clientId: String?
    public var priority: NoticePriority
    public var title: String
    public var body: String
    public var expiresAt: Date?
}

/// One member's acknowledgement.
public struct NoticeAck: Codable, Sendable, Hashable {
    public var person: PersonRef
    public var at: Date
}

/// Who has acknowledged a notice and who has not: the director's live view.
public struct NoticeStatus: Codable, Sendable {
    public var notice: Notice
    public var acknowledged: [NoticeAck]
    /// Current members (but the sender) who have not acknowledged, with whether they have been escalated.
    public var pending: [PendingMember]
    /// Acknowledged ÷ (acknowledged + pending); 1 when nobody owes one.
    public var rate: Double

    public struct PendingMember: Codable, Sendable, Hashable {
        public var person: PersonRef
        public var role: ChannelRole
        public var reminders: Int
        public var escalatedAt: Date?
    }
}

/// The data of `notice.acknowledged` events (directors, and the member themself).
public struct NoticeAcknowledged: Codable, Sendable {
    public var notice: NoticeID
    public var person: PersonRef
    public var at: Date
    public var acknowledged: Int
    public var pending: Int
}

/// The data of `notice.reminder` events (the member only).
public struct NoticeReminder: Codable, Sendable {
    public var notice: NoticeID
    public var person: PersonID
    public var title: String
    public var reminders: Int
}

/// The data of `notice.escalated` events (directors and regional directors).
public struct NoticeEscalated: Codable, Sendable {
    public var notice: NoticeID
    public var title: String
    public var escalations: [Escalation]
    /// Members with no regional director for any of their cities: only the sender is told.
    public var unrouted: [PersonRef]

    public struct Escalation: Codable, Sendable {
        public var regionalDirector: PersonRef
        public var people: [PersonRef]
    }
}

public struct NoticeWithdrawn: Codable, Sendable {
    public var notice: NoticeID
    public var at: Date
}

extension EventKind {
    public static let noticePosted: EventKind = "notice.posted"
    public static let noticeAcknowledged: EventKind = "notice.acknowledged"
    public static let noticeReminder: EventKind = "notice.reminder"
    public static let noticeEscalated: EventKind = "notice.escalated"
    public static let noticeWithdrawn: EventKind = "notice.withdrawn"
}
