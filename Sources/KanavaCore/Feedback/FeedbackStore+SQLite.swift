import Foundation
import GRDB

extension SQLiteStore: FeedbackStore {
    public func feedbackCounts(in account: AccountID, at instant: Date) async throws -> [FeedbackStatus: Int] {
        try await read("feedbackCounts") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT COALESCE((SELECT r.status FROM feedback_reply r
                                 WHERE r.feedback_id = f.id AND r.status IS NOT NULL AND r.created_at <= ?
                                 ORDER BY r.id DESC LIMIT 1), 'new') AS status,
                       COUNT(*) AS count
                FROM feedback f WHERE f.account_id = ? AND f.created_at <= ?
                GROUP BY 1
                """, arguments: [instant, account.rawValue, instant])
            var counts: [FeedbackStatus: Int] = [:]
            for row in rows {
                if let status = FeedbackStatus(rawValue: row["status"]) { counts[status] = row["count"] }
            }
            return counts
        }
    }
}
