import Foundation
import GRDB

extension SQLiteStore: PlannerStore {
    public func overduePlannerTaskCount(in account: AccountID, asOf day: LocalDate) async throws -> Int {
        let end = (day.adding(days: 1) ?? day).startInHelsinki
        return try await read("overduePlannerTaskCount") { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM planner_task
                WHERE account_id = ? AND due_date < ? AND created_at < ?
                  AND (completed_at IS NULL OR completed_at >= ?) AND (deleted_at IS NULL OR deleted_at >= ?)
                """, arguments: [account.rawValue, day.description, end, end, end]) ?? 0
        }
    }
}
