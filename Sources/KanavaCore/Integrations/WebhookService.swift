import Foundation
import Logging

/// Incoming webhooks: the channel's director (or an admin) makes a secret URL; anything that posts to it as it would
/// to a Slack or Mattermost webhook writes in the channel's chat, under the webhook's name or the post's `username`.
public struct WebhookService: Sendable {
    public static let maxNameChars = 80
    /// `lastUsedAt` is recorded at most this often.
    static let touchInterval: TimeInterval = 60

    let store: any KanavaStore
    let access: AccessPolicy
    let chat: ChatService
    let clock: any WallClock
    let logger: Logger
    let audit: AuditLog

    public init(store: any KanavaStore, access: AccessPolicy, chat: ChatService, clock: any WallClock, logger: Logger, audit: AuditLog) {
        self.store = store
        self.access = access
        self.chat = chat
        self.clock = clock
        self.logger = logger
        self.audit = audit
    }

    /// A new webhook and its secret: the only time the secret is seen (it is the last part of the URL).
    public struct Created: Sendable {
        public var webhook: Webhook
        public var secret: String
    }

    // MARK: - Management (the director and admins)

    public func create(_ account: AccountID, name: String, by principal: Principal) async throws -> Created {
        _ = try await access.manage(account, for: principal)
        let name = try TextInput.name(name, field: "name", maxChars: Self.maxNameChars)
        let secret = SecretToken.random()
        let webhook = try await store.createWebhook(in: account, name: name, secretHash: SecretToken.hash(secret), by: principal.person?.id, at: clock.now())
        logger.notice("webhook created", metadata: ["account": "\(account)", "webhook": "\(webhook.id)", "by": "\(principal.label)"])
        await audit.record(.webhookCreated, by: principal, account: account, target: "webhook:\(webhook.id)", detail: ["name": webhook.name])
        return Created(webhook: webhook, secret: secret)
    }

    public func list(_ account: AccountID, by principal: Principal) async throws -> [Webhook] {
        _ = try await access.manage(account, for: principal)
        return try await store.webhooks(in: account)
    }

    /// Deletes a webhook: its URL is refused from the next request on.
    public func delete(_ account: AccountID, _ id: WebhookID, by principal: Principal) async throws {
        _ = try await access.manage(account, for: principal)
        try await store.deleteWebhook(id, in: account)
        logger.notice("webhook deleted", metadata: ["account": "\(account)", "webhook": "\(id)", "by": "\(principal.label)"])
        await audit.record(.webhookDeleted, by: principal, account: account, target: "webhook:\(id)")
    }

    // MARK: - Incoming

    /// The webhook a URL's secret stands for; `not_found` for anything else.
    public func webhook(secret: String) async throws -> Webhook {
        guard SecretToken.isWellFormed(secret), let webhook = try await store.webhook(secretHash: SecretToken.hash(secret)) else {
            throw KanavaError.notFound("webhook")
        }
        return webhook
    }

    /// Posts a request's payload in the webhook's channel.
    public func receive(_ payload: WebhookPayload, to webhook: Webhook) async throws -> Message {
        let body = try chat.messageBody(payload.text, field: "text")
        let name = try payload.username.map { try TextInput.name($0, field: "username", maxChars: Self.maxNameChars) } ?? webhook.name
        let sent = try await chat.send(webhook.account, MessageDraft(clientId: nil, body: body), by: .system(name))
        let now = clock.now()
        if webhook.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.touchInterval }) ?? true {
            try await store.touchWebhook(webhook.id, at: now)
        }
        return sent.message
    }
}
