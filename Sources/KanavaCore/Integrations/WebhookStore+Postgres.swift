import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: WebhookStore {
    public func createWebhook(in account: AccountID, name: String, secretHash: String, by person: PersonID?, at time: Date) async throws -> Webhook { throw KanavaError(.unavailable, "WebhookStore is not on PostgreSQL yet") }
    public func webhooks(in account: AccountID) async throws -> [Webhook] { throw KanavaError(.unavailable, "WebhookStore is not on PostgreSQL yet") }
    public func deleteWebhook(_ id: WebhookID, in account: AccountID) async throws { throw KanavaError(.unavailable, "WebhookStore is not on PostgreSQL yet") }
    public func webhook(secretHash: String) async throws -> Webhook? { throw KanavaError(.unavailable, "WebhookStore is not on PostgreSQL yet") }
    public func touchWebhook(_ id: WebhookID, at time: Date) async throws { throw KanavaError(.unavailable, "WebhookStore is not on PostgreSQL yet") }
}
