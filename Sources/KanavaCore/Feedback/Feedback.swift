import Foundation

/// Where a piece of feedback stands, as its channel's director has set it.
public enum FeedbackStatus: String, Codable, Sendable, CaseIterable {
    case new
    case inProgress = "in_progress"
    case done
    case declined

    /// Parses untrusted input, naming the field and the accepted values in the error.
    public static func parse(_ text: String, field: String = "status") throws -> FeedbackStatus {
        guard let status = FeedbackStatus(rawValue: text) else {
            throw KanavaError.invalid(field, "must be one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return status
    }
}

/// Feedback or an idea.
public enum FeedbackKind: String, Codable, Sendable, CaseIterable {
    case feedback
    case idea

    /// Parses untrusted input, naming the field and the accepted values in the error.
    public static func parse(_ text: String, field: String = "kind") throws -> FeedbackKind {
        guard let kind = FeedbackKind(rawValue: text) else {
            throw KanavaError.invalid(field, "must be one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }
}

public typealias FeedbackID = RowID<FeedbackEntry>
public typealias FeedbackReplyID = RowID<FeedbackReply>

/// A feedback item as stored, with its author whether or not it is anonymous. Never sent as it is: ``FeedbackService``
/// turns it into the ``FeedbackItem`` the viewer may see.
public struct FeedbackEntry: Sendable, Hashable, Identifiable {
    public var id: FeedbackID
    public var account: AccountID
    /// nil once the person has been deleted.
    public var author: PersonRef?
    public var kind: FeedbackKind
    /// Hidden from other members; never from the channel's director or admins.
    public var anonymous: Bool
    public var body: String
    public var status: FeedbackStatus
    public var createdAt: Date
    /// The last change: the author's edit or an answer.
    public var updatedAt: Date?
    /// Oldest first.
    public var replies: [FeedbackReply]

    public init(id: FeedbackID, account: AccountID, author: PersonRef?, kind: FeedbackKind, anonymous: Bool, body: String,
                status: FeedbackStatus, createdAt: Date, updatedAt: Date?, replies: [FeedbackReply]) {
        self.id = id
        self.account = account
        self.author = author
        self.kind = kind
        self.anonymous = anonymous
        self.body = body
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.replies = replies
    }

    /// Whether the author may still change or withdraw it: nobody has answered and its status is still `new`.
    public var isOpenToAuthor: Bool { status == .new && replies.isEmpty }
}

/// An answer to feedback by the director or an admin: a text, a new status, or both. Every member sees who answered.
public struct FeedbackReply: Codable, Sendable, Hashable, Identifiable {
    public var id: FeedbackReplyID
    public var author: PersonRef?
    /// Empty when the answer only set a status.
    public var body: String
    /// The status this answer set; absent when it left the status as it was.
    public var status: FeedbackStatus?
    public var createdAt: Date

    public init(id: FeedbackReplyID, author: PersonRef?, body: String, status: FeedbackStatus?, createdAt: Date) {
        self.id = id
        self.author = author
        self.body = body
        self.status = status
        self.createdAt = createdAt
    }
}

/// A feedback item as one viewer sees it.
public struct FeedbackItem: Codable, Sendable, Hashable, Identifiable {
    public var id: FeedbackID
    public var account: AccountID
    /// Absent for an anonymous item, except for its author, the channel's director and admins.
    public var author: PersonRef?
    public var kind: FeedbackKind
    public var anonymous: Bool
    public var body: String
    public var status: FeedbackStatus
    public var createdAt: Date
    public var updatedAt: Date?
    public var replies: [FeedbackReply]
    /// The viewer wrote it (also when it is anonymous: "you, anonymously").
    public var mine: Bool
    /// The viewer may change or withdraw it (their own, still new and unanswered).
    public var canEdit: Bool
}

/// One page of a channel's feedback box, newest first.
public struct FeedbackPage: Codable, Sendable {
    public var items: [FeedbackItem]
    /// Older items (matching the filter) exist: ask again with `before` the last item's id.
    public var hasMore: Bool
    /// Whether the viewer may leave feedback here (members; not an admin who is not one).
    public var canPost: Bool
    /// Whether the viewer answers and sets statuses (the director and admins).
    public var canAnswer: Bool
    /// How many of the channel's items stand at each status now, all four keys present.
    public var counts: [String: Int]
}

/// What `feedback.created` and `feedback.updated` carry: never the author of an anonymous item (nor its text; a client
/// fetches the item, which shows each viewer what they may see).
public struct FeedbackEventData: Codable, Sendable, Hashable {
    public var id: FeedbackID
    public var account: AccountID
    public var kind: FeedbackKind
    public var anonymous: Bool
    public var status: FeedbackStatus
    /// Only when the item is not anonymous.
    public var author: PersonRef?
    public var createdAt: Date
    public var updatedAt: Date?
    /// `feedback.answered`: the answer just given.
    public var reply: FeedbackReply?

    public init(_ entry: FeedbackEntry, reply: FeedbackReply? = nil) {
        id = entry.id
        account = entry.account
        kind = entry.kind
        anonymous = entry.anonymous
        status = entry.status
        author = entry.anonymous ? nil : entry.author
        createdAt = entry.createdAt
        updatedAt = entry.updatedAt
        self.reply = reply
    }
}

/// `feedback.*` events reach every member who may see the channel's feedback section.
extension EventKind {
    public static let feedbackCreated: EventKind = "feedback.created"
    /// The author changed the text or kind.
    public static let feedbackUpdated: EventKind = "feedback.updated"
    /// The director or an admin answered; `status` is the item's status after the answer.
    public static let feedbackAnswered: EventKind = "feedback.answered"
    /// The author withdrew it: `{id, account}`.
    public static let feedbackDeleted: EventKind = "feedback.deleted"
}

/// `feedback.deleted`'s data.
public struct FeedbackDeletedData: Codable, Sendable, Hashable {
    public var id: FeedbackID
    public var account: AccountID
}
