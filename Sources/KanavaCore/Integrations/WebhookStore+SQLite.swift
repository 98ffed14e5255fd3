import Foundation
import GRDB

extension SQLiteStore: WebhookStore {
    public func createWebhook(in account: AccountID, name: String, secretHash: String, by person: PersonID?, at time: Date) async throws -> Webhook {
        try await write("createWebhook") { db in
            guard try Self.fetchAccount(db, account) != nil else { throw KanavaError.notFound("channel \(account)") }
            try db.execute(sql: "INSERT INTO webhook (account_id, name, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                           arguments: [account.rawValue, name, secretHash, time, person?.rawValue])
            guard let webhook = try Self.fetchWebhook(db, "w.id = ?", db.lastInsertedRowID) else { throw KanavaError(.internal, "the webhook was not stored") }
            return webhook
        }
    }

    public func webhooks(in account: AccountID) async throws -> [Webhook] {
        try await read("webhooks") { db in
            try Row.fetchAll(db, sql: Self.webhookSelect + " WHERE w.account_id = ? ORDER BY w.id", arguments: [account.rawValue]).map(Webhook.init(row:))
        }
    }

    public func deleteWebhook(_ id: WebhookID, in account: AccountID) async throws {
        try await write("deleteWebhook") { db in
            try db.execute(sql: "DELETE FROM webhook WHERE id = ? AND account_id = ?", arguments: [id.rawValue, account.rawValue])
            guard db.changesCount == 1 else { throw KanavaError.notFound("webhook \(id)") }
        }
    }

    public func webhook(secretHash: String) async throws -> Webhook? {
        try await read("webhookBySecret") { db in try Self.fetchWebhook(db, "w.secret_hash = ?", secretHash) }
    }

    public func touchWebhook(_ id: WebhookID, at time: Date) async throws {
        try await write("touchWebhook") { db in
            try db.execute(sql: "UPDATE webhook SET last_used_at = ? WHERE id = ?", arguments: [time, id.rawValue])
        }
    }

    private static let webhookSelect = """
        SELECT w.*, p.id AS person_id, p.name AS person_name, p.email AS person_email
        FROM webhook w LEFT JOIN person p ON p.id = w.created_by
        """

    private static func fetchWebhook(_ db: Database, _ condition: String, _ value: some DatabaseValueConvertible) throws -> Webhook? {
        try Row.fetchOne(db, sql: webhookSelect + " WHERE " + condition, arguments: [value]).map(Webhook.init(row:))
    }
}

extension Webhook {
    init(row: Row) {
        let creator: Int64? = row["person_id"]
        self.init(
            id: WebhookID(row["id"]), account: AccountID(stored: row["account_id"]), name: row["name"], createdAt: row["created_at"],
            createdBy: creator.map { PersonRef(id: PersonID($0), name: row["person_name"], email: row["person_email"]) },
            lastUsedAt: row["last_used_at"]
        )
    }
}
