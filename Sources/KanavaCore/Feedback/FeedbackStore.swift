import Foundation

public protocol FeedbackStore: Sendable {
    /// How many of `account`'s feedback items stood at each status at `instant`: items left before it, each with the
    /// last status an answer set at or before it ('new' when none had). Statuses without items are absent.
    func feedbackCounts(in account: AccountID, at instant: Date) async throws -> [FeedbackStatus: Int]
}
