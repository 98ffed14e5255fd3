import Foundation
import PostgresNIO

extension PostgresStore: AuditStore {
    public func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry {
        let detail = try entry.storedDetail
        return try await write("appendAudit") { db in
            guard let id = try await db.value("""
                INSERT INTO audit_log (at, actor, actor_id, action, account_id, target, detail, address)
                VALUES (\(entry.at), \(entry.actor), \(entry.actorId?.rawValue), \(entry.action.rawValue), \(entry.account?.rawValue),
                        \(entry.target), \(detail), \(entry.address))
                RETURNING id
                """, as: Int64.self)
            else { throw KanavaError(.internal, "the audit entry was not stored") }
            var stored = entry
            stored.id = id
            return stored
        }
    }

    /// A filter left out (nil) matches every entry.
    public func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        try await read("auditEntries") { db in
            try await db.rows("""
                SELECT * FROM audit_log
                WHERE (\(query.before)::bigint IS NULL OR id < \(query.before))
                  AND (\(query.actor?.rawValue)::bigint IS NULL OR actor_id = \(query.actor?.rawValue))
                  AND (\(query.account?.rawValue)::text IS NULL OR account_id = \(query.account?.rawValue))
                  AND (\(query.action?.rawValue)::text IS NULL OR action = \(query.action?.rawValue))
                ORDER BY id DESC LIMIT \(query.limit)
                """).map { row in
                let actorId: Int64? = try row["actor_id"]
                let account: String? = try row["account_id"]
                return AuditEntry(
                    id: try row["id"], at: try row["at"], actor: try row["actor"], actorId: actorId.map(PersonID.init(rawValue:)),
                    action: AuditAction(rawValue: try row["action"]) ?? .signIn, account: account.map(AccountID.init(stored:)),
                    target: try row["target"], detail: AuditEntry.detail(stored: try row["detail"]), address: try row["address"]
                )
            }
        }
    }
}
