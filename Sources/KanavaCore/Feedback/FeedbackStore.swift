import Foundation

/// Feedback to store (validated by the service).
public struct NewFeedback: Sendable {
    public var account: AccountID
    public var author: PersonID
    public var kind: FeedbackKind
    public var anonymous: Bool
    public var body: String

    public init(account: AccountID, author: PersonID, kind: FeedbackKind, anonymous: Bool, body: String) {
        self.account = account
        self.author = author
        self.kind = kind
        self.anonymous = anonymous
        self.body = body
    }
}

/// An answer to store: a text (may be empty) and the status it sets (nil: leaves it as it is).
public struct NewFeedbackReply: Sendable {
    public var author: PersonID?
    public var body: String
    public var status: FeedbackStatus?

    public init(author: PersonID?, body: String, status: FeedbackStatus?) {
        self.author = author
        self.body = body
        self.status = status
    }
}

/// How many items one person may leave in one channel within a sliding window.
public struct FeedbackRateLimit: Sendable {
    public var maxItems: Int
    public var window: TimeInterval

    public init(maxItems: Int, window: TimeInterval) {
        self.maxItems = maxItems
        self.window = window
    }
}

/// Builds a write's events from the item as the transaction left it.
public typealias FeedbackEvents = @Sendable (FeedbackEntry) throws -> [EventDraft]

public protocol FeedbackStore: Sendable {
    /// How many of `account`'s feedback items stood at each status at `instant`: items left before it, each with the
    /// last status an answer set at or before it ('new' when none had). Statuses without items are absent.
    func feedbackCounts(in account: AccountID, at instant: Date) async throws -> [FeedbackStatus: Int]

    /// Stores an item unless its author has already left `limit.maxItems` in the channel within `limit.window` before
    /// `time` (then `rate_limited`, with the seconds until the oldest of them leaves the window).
    func createFeedback(_ new: NewFeedback, at time: Date, limit: FeedbackRateLimit, events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry>
    /// Changes the kind and text of `author`'s item while it is still open to them (``FeedbackEntry/isOpenToAuthor``),
    /// else `conflict`.
    func updateFeedback(_ id: FeedbackID, in account: AccountID, author: PersonID, kind: FeedbackKind, body: String, at time: Date,
                        events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry>
    /// Deletes `author`'s item (nothing is kept) while it is still open to them, else `conflict`.
    func deleteFeedback(_ id: FeedbackID, in account: AccountID, author: PersonID, at time: Date, events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry>
    /// Adds an answer and, when it sets one, the item's new status; an item with `maxReplies` answers takes no more.
    func answerFeedback(_ id: FeedbackID, in account: AccountID, reply: NewFeedbackReply, maxReplies: Int, at time: Date,
                        events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry>
    func feedbackEntry(_ id: FeedbackID, in account: AccountID) async throws -> FeedbackEntry?
    /// The account's items with their answers, newest first: those with `status` (nil: any), older than `before`
    /// (nil: from the newest), at most `limit`.
    func feedbackEntries(in account: AccountID, status: FeedbackStatus?, before: FeedbackID?, limit: Int) async throws -> [FeedbackEntry]

    /// For each account `director` directs (nil: every account), in no particular order, every current member with
    /// what they did from `start` up to (not including) `end`: messages, urgent-notice acknowledgements, feedback.
    func memberActivity(directedBy director: PersonID?, from start: Date, until end: Date) async throws -> [ChannelActivity]
}
