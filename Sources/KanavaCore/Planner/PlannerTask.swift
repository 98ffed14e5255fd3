import Foundation

/// Where a planner task stands.
public enum PlannerTaskStatus: String, Codable, Sendable, CaseIterable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case done
}
