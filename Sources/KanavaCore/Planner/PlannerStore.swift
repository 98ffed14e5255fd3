import Foundation

public protocol PlannerStore: Sendable {
    /// Tasks of `account` that were overdue at the end of `day` (Finnish time): created by then, due before `day`,
    /// and neither done nor deleted by then. With `day` today, that is the open overdue tasks now.
    func overduePlannerTaskCount(in account: AccountID, asOf day: LocalDate) async throws -> Int
}
