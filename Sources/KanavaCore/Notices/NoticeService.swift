import Foundation
import Logging

/// A notice as the director writes it.
public struct NoticeDraft: Sendable {
    public var clientId: String?
    public var priority: String
    public var title: String
    public var body: String
    public var expiresAt: Date?

    public init(clientId: String?, priority: String, title: String, body: String, expiresAt: Date?) {
        self.clientId = clientId
        self.priority = priority
        self.title = title
        self.body = body
        self.expiresAt = expiresAt
    }
}

/// The answer to an acknowledgement.
public struct AckResult: Sendable, Encodable {
    public var notice: NoticeID
    public var at: Date
    /// True when this person had already acknowledged (the first time is kept).
    public var alreadyAcknowledged: Bool
}

/// Notices: the director (or an admin) broadcasts; members acknowledge urgent ones; the director watches who has.
public struct NoticeService: Sendable {
    public static let maxListed = 200

    let store: any KanavaStore
    let access: AccessPolicy
    let bus: EventBus
    let clock: any WallClock
    let renderer: MarkdownRenderer
    let maxBodyChars: Int
    let maxTitleChars: Int
    let logger: Logger
    let audit: AuditLog

    public init(store: any KanavaStore, access: AccessPolicy, bus: EventBus, clock: any WallClock, renderer: MarkdownRenderer,
                maxBodyChars: Int, maxTitleChars: Int, logger: Logger, audit: AuditLog) {
        self.store = store
        self.access = access
        self.bus = bus
        self.clock = clock
        self.renderer = renderer
        self.maxBodyChars = maxBodyChars
        self.maxTitleChars = maxTitleChars
        self.logger = logger
        self.audit = audit
    }

    public func post(_ account: AccountID, _ draft: NoticeDraft, by principal: Principal) async throws -> (notice: Notice, duplicate: Bool) {
        _ = try await access.manage(account, for: principal)
        guard let priority = NoticePriority(rawValue: draft.priority) else {
            throw KanavaError.invalid("priority", "must be 'important' or 'urgent'")
        }
        let now = clock.now()
        if let expiry = draft.expiresAt, expiry <= now { throw KanavaError.invalid("expiresAt", "must be in the future") }
        let body = draft.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let new = NewNotice(
            account: account, author: principal.person?.id, clientId: try draft.clientId.map(ChatService.clientId), priority: priority,
            title: try TextInput.required(draft.title, field: "title", maxChars: maxTitleChars),
            body: try TextInput.required(body, field: "body", maxChars: maxBodyChars), expiresAt: draft.expiresAt
        )
        let renderer = renderer
        let committed = try await store.createNotice(new, at: now) { notice in
            [try EventDraft(channel: account, kind: .noticePosted, payload: Self.rendered(notice, renderer))]
        }
        bus.publish(committed.events)
        let (notice, duplicate) = committed.value
        if !duplicate {
            logger.notice("notice posted", metadata: ["account": "\(account)", "notice": "\(notice.id)", "priority": "\(priority.rawValue)", "by": "\(principal.label)"])
            await audit.record(.noticePosted, by: principal, account: account, target: "notice:\(notice.id)", detail: ["priority": priority.rawValue])
        }
        return (Self.rendered(notice, renderer), duplicate)
    }

    /// "I have read this": stored with its time; a second acknowledgement keeps the first.
    public func acknowledge(_ account: AccountID, _ id: NoticeID, by principal: Principal) async throws -> AckResult {
        let access = try await access.channel(account, for: principal)
        guard let person = principal.person, access.role != nil else {
            throw KanavaError(.forbidden, "only members of the channel acknowledge its notices")
        }
        let committed = try await store.acknowledge(id, in: account, by: PersonRef(person), at: clock.now()) { data in
            // The live list is the directors'; the member's own other tabs learn of it through `subject`.
            [try EventDraft(channel: account, kind: .noticeAcknowledged, payload: data, visibleTo: [.accountDirector], subject: data.person.id)]
        }
        bus.publish(committed.events)
        let (ack, again) = committed.value
        return AckResult(notice: id, at: ack.at, alreadyAcknowledged: again)
    }

    public func withdraw(_ account: AccountID, _ id: NoticeID, by principal: Principal) async throws -> Notice {
        _ = try await access.manage(account, for: principal)
        let now = clock.now()
        let committed = try await store.withdrawNotice(id, in: account, by: principal.person?.id, at: now) { notice in
            [try EventDraft(channel: account, kind: .noticeWithdrawn, payload: NoticeWithdrawn(notice: notice.id, at: now))]
        }
        bus.publish(committed.events)
        await audit.record(.noticeWithdrawn, by: principal, account: account, target: "notice:\(id)")
        return Self.rendered(committed.value, renderer)
    }

    /// The channel's notices, newest first, each with the viewer's acknowledgement and the counts.
    public func list(_ account: AccountID, for principal: Principal) async throws -> [Notice] {
        let access = try await access.channel(account, for: principal)
        var notices = try await store.notices(in: account, limit: Self.maxListed)
        var mine: [NoticeID: Date] = [:]
        if let person = access.person { mine = try await store.acknowledgements(by: person, of: notices.map(\.id)) }
        for index in notices.indices {
            notices[index] = Self.rendered(notices[index], renderer)
            notices[index].acknowledgedAt = mine[notices[index].id]
            if notices[index].priority == .urgent {
                let (acknowledged, pending) = try await store.noticeStatus(notices[index].id, in: account)
                notices[index].acknowledged = acknowledged.count
                notices[index].pending = pending.count
            }
        }
        return notices
    }

    /// Who has acknowledged and who has not: for the director and admins.
    public func status(_ account: AccountID, _ id: NoticeID, for principal: Principal) async throws -> NoticeStatus {
        _ = try await access.manage(account, for: principal)
        guard var notice = try await store.notice(id, in: account) else { throw KanavaError.notFound("notice \(id)") }
        let (acknowledged, pending) = try await store.noticeStatus(id, in: account)
        notice = Self.rendered(notice, renderer)
        notice.acknowledged = acknowledged.count
        notice.pending = pending.count
        let owed = acknowledged.count + pending.count
        return NoticeStatus(notice: notice, acknowledged: acknowledged, pending: pending, rate: owed == 0 ? 1 : Double(acknowledged.count) / Double(owed))
    }

    /// Urgent notices the person must still acknowledge, in every channel of theirs: the banner.
    public func open(for principal: Principal) async throws -> [Notice] {
        guard let person = principal.person else { return [] }
        return try await store.openNotices(for: person.id, at: clock.now()).map { Self.rendered($0, renderer) }
    }

    static func rendered(_ notice: Notice, _ renderer: MarkdownRenderer) -> Notice {
        var shown = notice
        shown.html = renderer.html(notice.body)
        return shown
    }
}
