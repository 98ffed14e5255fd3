import Foundation

public typealias WebhookID = RowID<Webhook>

/// An incoming webhook of a channel: a secret URL that tools post to as they would to Slack or Mattermost.
/// The URL is shown once, when it is made; only its SHA-256 is stored.
public struct Webhook: Encodable, Sendable, Hashable, Identifiable {
    public var id: WebhookID
    /// The channel it posts to (not encoded: it is in the path of every request about it).
    public var account: AccountID
    /// The name its messages are shown under when a post gives no `username`.
    public var name: String
    public var createdAt: Date
    public var createdBy: PersonRef?
    /// The last post (recorded at most once a minute).
    public var lastUsedAt: Date?

    public init(id: WebhookID, account: AccountID, name: String, createdAt: Date, createdBy: PersonRef?, lastUsedAt: Date?) {
        self.id = id
        self.account = account
        self.name = name
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.lastUsedAt = lastUsedAt
    }

    enum CodingKeys: String, CodingKey { case id, name, createdAt, createdBy, lastUsedAt }
}

public protocol WebhookStore: Sendable {
    func createWebhook(in account: AccountID, name: String, secretHash: String, by person: PersonID?, at time: Date) async throws -> Webhook
    /// The channel's webhooks, oldest first.
    func webhooks(in account: AccountID) async throws -> [Webhook]
    /// Deletes a webhook of `account`; `not_found` if it has none by that id.
    func deleteWebhook(_ id: WebhookID, in account: AccountID) async throws
    func webhook(secretHash: String) async throws -> Webhook?
    func touchWebhook(_ id: WebhookID, at time: Date) async throws
}
