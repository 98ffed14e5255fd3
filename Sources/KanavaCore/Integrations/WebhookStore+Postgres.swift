import Foundation
import PostgresNIO

extension PostgresStore: WebhookStore {
    public func createWebhook(in account: AccountID, name: String, secretHash: String, by person: PersonID?, at time: Date) async throws -> Webhook {
        try await write("createWebhook") { db in
            guard try await db.exists("SELECT 1 FROM account WHERE id = \(account.rawValue)") else {
                throw KanavaError.notFound("channel \(account)")
            }
            guard let id = try await db.value("""
                INSERT INTO webhook (account_id, name, secret_hash, created_at, created_by)
                VALUES (\(account.rawValue), \(name), \(secretHash), \(time), \(person?.rawValue))
                RETURNING id
                """, as: Int64.self),
                let webhook = try await db.row("\(unescaped: Self.webhookSelect) WHERE w.id = \(id)").map(Webhook.init(pg:))
            else { throw KanavaError(.internal, "the webhook was not stored") }
            return webhook
        }
    }

    public func webhooks(in account: AccountID) async throws -> [Webhook] {
        try await read("webhooks") { db in
            try await db.rows("\(unescaped: Self.webhookSelect) WHERE w.account_id = \(account.rawValue) ORDER BY w.id").map(Webhook.init(pg:))
        }
    }

    public func deleteWebhook(_ id: WebhookID, in account: AccountID) async throws {
        try await write("deleteWebhook") { db in
            guard try await db.execute("DELETE FROM webhook WHERE id = \(id.rawValue) AND account_id = \(account.rawValue)") == 1 else {
                throw KanavaError.notFound("webhook \(id)")
            }
        }
    }

    public func webhook(secretHash: String) async throws -> Webhook? {
        try await read("webhookBySecret") { db in
            try await db.row("\(unescaped: Self.webhookSelect) WHERE w.secret_hash = \(secretHash)").map(Webhook.init(pg:))
        }
    }

    public func touchWebhook(_ id: WebhookID, at time: Date) async throws {
        try await write("touchWebhook") { db in
            _ = try await db.execute("UPDATE webhook SET last_used_at = \(time) WHERE id = \(id.rawValue)")
        }
    }

    private static let webhookSelect = """
        SELECT w.*, p.id AS person_id, p.name AS person_name, p.email AS person_email
        FROM webhook w LEFT JOIN person p ON p.id = w.created_by
        """
}

extension Webhook {
    init(pg row: PGRow) throws {
        let creator: Int64? = try row["person_id"]
        self.init(
            id: WebhookID(try row["id"]), account: AccountID(stored: try row["account_id"]), name: try row["name"], createdAt: try row["created_at"],
            createdBy: try creator.map { PersonRef(id: PersonID($0), name: try row["person_name"], email: try row["person_email"]) },
            lastUsedAt: try row["last_used_at"]
        )
    }
}
