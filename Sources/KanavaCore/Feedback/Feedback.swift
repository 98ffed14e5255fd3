import Foundation

/// Where a piece of feedback stands, as its channel's director has set it.
public enum FeedbackStatus: String, Codable, Sendable, CaseIterable {
    case new
    case inProgress = "in_progress"
    case done
    case declined
}

/// Feedback or an idea.
public enum FeedbackKind: String, Codable, Sendable, CaseIterable {
    case feedback
    case idea
}
