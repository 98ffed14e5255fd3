import Foundation

/// What an audit entry records. The raw values are the API's and the log's words.
public enum AuditAction: String, Codable, Sendable, CaseIterable {
    case signIn = "auth.sign_in"
    case signInFailed = "auth.sign_in_failed"
    case personAdded = "person.added"
    case globalRoleChanged = "person.global_role_changed"
    case passwordSet = "person.password_set"
    case memberAdded = "member.added"
    case memberRoleChanged = "member.role_changed"
    case memberRemoved = "member.removed"
    case accountCreated = "account.created"
    case accountUpdated = "account.updated"
    case rosterSync = "roster.sync"
    case noticePosted = "notice.posted"
    case noticeWithdrawn = "notice.withdrawn"
    case sectionSaved = "section.saved"
    case sectionAdded = "section.added"
    case sectionUseChanged = "section.use_changed"
    case documentAdded = "document.added"
    case documentVersioned = "document.versioned"
    case documentChanged = "document.changed"
    case documentRemoved = "document.removed"
    case botCreated = "bot.created"
    case botChanged = "bot.changed"
    case botRevoked = "bot.revoked"
    case webhookCreated = "webhook.created"
    case webhookDeleted = "webhook.deleted"
    case export = "account.exported"
    case erasure = "person.erased"
}

/// One line of the audit log.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var id: Int64
    public var at: Date
    /// `person:12`, `system:roster`, or `anonymous` (a failed sign-in).
    public var actor: String
    public var actorId: PersonID?
    public var action: AuditAction
    public var account: AccountID?
    /// What was acted on, e.g. `section:contracts`, `document:7`, `bot:3`, `person:12`.
    public var target: String?
    /// A few facts of the action (counts, the new role, a failed sign-in's e-mail), never content.
    public var detail: [String: String]
    /// The client's IP address, when the action came over HTTP.
    public var address: String?

    public init(id: Int64, at: Date, actor: String, actorId: PersonID?, action: AuditAction, account: AccountID?, target: String?,
                detail: [String: String], address: String?) {
        self.id = id
        self.at = at
        self.actor = actor
        self.actorId = actorId
        self.action = action
        self.account = account
        self.target = target
        self.detail = detail
        self.address = address
    }
}

/// Which entries to list, newest first.
public struct AuditQuery: Sendable {
    public var before: Int64?
    public var actor: PersonID?
    public var account: AccountID?
    public var action: AuditAction?
    public var limit: Int

    public init(before: Int64? = nil, actor: PersonID? = nil, account: AccountID? = nil, action: AuditAction? = nil, limit: Int = 100) {
        self.before = before
        self.actor = actor
        self.account = account
        self.action = action
        self.limit = limit
    }
}

/// Where the request being served came from, set once per request by the HTTP layer so that services deep below can
/// record it without passing it through every call.
public enum AuditContext {
    @TaskLocal public static var address: String?
}
