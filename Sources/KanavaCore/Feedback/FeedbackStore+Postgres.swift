import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: FeedbackStore {
    public func feedbackCounts(in account: AccountID, at instant: Date) async throws -> [FeedbackStatus: Int] { throw KanavaError(.unavailable, "FeedbackStore is not on PostgreSQL yet") }
    public func createFeedback(_ new: NewFeedback, at time: Date, limit: FeedbackRateLimit, events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> { throw KanavaError(.unavailable, "FeedbackStore is not on PostgreSQL yet") }
    public func updateFeedback(_ id: FeedbackID, in account: AccountID, author: PersonID, kind: FeedbackKind, body: String, at time: Date, events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> { throw KanavaError(.unavailable, "FeedbackStore is not on PostgreSQL yet") }
    public func deleteFeedback(_ id: FeedbackID, in account: AccountID, author: PersonID, at time: Date, events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> { throw KanavaError(.unavailable, "FeedbackStore is not on PostgreSQL yet") }
    public func answerFeedback(_ id: FeedbackID, in account: AccountID, reply: NewFeedbackReply, maxReplies: Int, at time: Date, events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> { throw KanavaError(.unavailable, "FeedbackStore is not on PostgreSQL yet") }
    public func feedbackEntry(_ id: FeedbackID, in account: AccountID) async throws -> FeedbackEntry? { throw KanavaError(.unavailable, "FeedbackStore is not on PostgreSQL yet") }
    public func feedbackEntries(in account: AccountID, status: FeedbackStatus?, before: FeedbackID?, limit: Int) async throws -> [FeedbackEntry] { throw KanavaError(.unavailable, "FeedbackStore is not on PostgreSQL yet") }
    public func memberActivity(directedBy director: PersonID?, from start: Date, until end: Date) async throws -> [ChannelActivity] { throw KanavaError(.unavailable, "FeedbackStore is not on PostgreSQL yet") }
}
