import Foundation
import GRDB

extension SQLiteStore: AuditStore {
    public func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry {
        let detail = try entry.storedDetail
        return try await write("appendAudit") { db in
            try db.execute(sql: """
                INSERT INTO audit_log (at, actor, actor_id, action, account_id, target, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [entry.at, entry.actor, entry.actorId?.rawValue, entry.action.rawValue, entry.account?.rawValue,
                                 entry.target, detail, entry.address])
            var stored = entry
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let before = query.before { conditions.append("id < ?"); arguments += [before] }
        if let actor = query.actor { conditions.append("actor_id = ?"); arguments += [actor.rawValue] }
        if let account = query.account { conditions.append("account_id = ?"); arguments += [account.rawValue] }
        if let action = query.action { conditions.append("action = ?"); arguments += [action.rawValue] }
        arguments += [query.limit]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT * FROM audit_log \(filter) ORDER BY id DESC LIMIT ?"
        return try await read("auditEntries") { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let detail: String = row["detail"]
                let actorId: Int64? = row["actor_id"]
                let account: String? = row["account_id"]
                return AuditEntry(
                    id: row["id"], at: row["at"], actor: row["actor"], actorId: actorId.map(PersonID.init(rawValue:)),
                    action: AuditAction(rawValue: row["action"]) ?? .signIn, account: account.map(AccountID.init(stored:)),
                    target: row["target"], detail: AuditEntry.detail(stored: detail),
                    address: row["address"]
                )
            }
        }
    }
}
