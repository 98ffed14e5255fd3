import Foundation
import Logging

/// Accounts, their channels and members. Every write persists (with its events) and then publishes.
public struct AccountService: Sendable {
    let store: any KanavaStore
    let access: AccessPolicy
    let bus: EventBus
    let templates: TemplateService
    let clock: any WallClock
    let maxNameChars: Int
    let logger: Logger
    let audit: AuditLog

    /// A person's accounts in Finnish alphabetical order (A–Z, Å, Ä, Ö). Admins see every account.
    public func list(for principal: Principal) async throws -> [AccountSummary] {
        var summaries = try await store.accountSummaries(viewer: principal.person?.id, membershipsOnly: !principal.isAdmin)
        if let person = principal.person {
            let open = try await store.openMustReads(for: person.id)
            let unread = try await store.unreadCounts(for: person.id)
            let notices = Dictionary(grouping: try await store.openNotices(for: person.id, at: clock.now()), by: \.account)
            let overdue = try await store.overduePlannerTasks(assignedTo: person.id, asOf: LocalDate.inHelsinki(clock.now()))
            for index in summaries.indices {
                let id = summaries[index].id
                summaries[index].openMustReads = open[id] ?? 0
                summaries[index].unread = unread[id] ?? 0
                summaries[index].openNotices = notices[id]?.count ?? 0
                summaries[index].overdueTasks = overdue[id] ?? 0
            }
        }
        return FinnishCollation.sorted(summaries, by: \.name)
    }

    /// One account with its members; `not_found` for anyone who may not see it.
    public func detail(_ id: AccountID, for principal: Principal) async throws -> (summary: AccountSummary, members: [Member]) {
        _ = try await access.channel(id, for: principal)
        guard let summary = try await store.accountSummary(id, viewer: principal.person?.id) else { throw KanavaError.notFound("channel \(id)") }
        return (summary, FinnishCollation.sorted(try await store.members(of: id), by: \.person.name))
    }

    /// Creates an account and its channel (admins and the roster sync).
    public func create(id: String, name: String, startDate: String?, by principal: Principal) async throws -> Account {
        try access.requireAdmin(principal)
        let id = try AccountID.parse(id)
        let name = try TextInput.required(name, field: "name", maxChars: maxNameChars)
        let startDate = try startDate.map { try LocalDate.parse($0, field: "startDate") }
        let now = clock.now()
        let account = Account(id: id, name: name, startDate: startDate, createdAt: now)
        let committed = try await store.createAccount(account, sections: templates.toc, clock: templates.annualClock, members: [], events: { account in
            [try EventDraft(channel: account.id, kind: .accountCreated, payload: AccountEventData(account))]
        }, at: now)
        bus.publish(committed.events)
        logger.info("account created", metadata: ["account": "\(id)", "by": "\(principal.label)"])
        await audit.record(.accountCreated, by: principal, account: id)
        return committed.value
    }

    /// Renames an account or changes its start date (directors of the account and admins).
    public func update(_ id: AccountID, name: String?, startDate: String??, by principal: Principal) async throws -> Account {
        var account = try await access.manage(id, for: principal).account
        if let name { account.name = try TextInput.required(name, field: "name", maxChars: maxNameChars) }
        if let startDate { account.startDate = try startDate.map { try LocalDate.parse($0, field: "startDate") } }
        let committed = try await store.updateAccount(
            account, event: try EventDraft(channel: id, kind: .accountUpdated, payload: AccountEventData(account)), at: clock.now())
        bus.publish(committed.events)
        await audit.record(.accountUpdated, by: principal, account: id,
                           detail: ["name": account.name, "startDate": account.startDate?.description ?? "none"])
        // An account that has a start date has an anniversary on its annual clock (added once, if still missing).
        if account.startDate != nil { try await templates.applyAnnualClock(to: [id]) }
        return committed.value
    }

    /// Adds a member by hand (the roster never removes these). Directors of the account and admins.
    public func addMember(_ id: AccountID, email: String, role: String, sites: [String] = [], by principal: Principal) async throws -> Member {
        _ = try await access.manage(id, for: principal)
        let role = try ChannelRole.parse(role)
        let sites = try sites.map { try TextInput.required($0, field: "sites", maxChars: maxNameChars) }
        guard let person = try await store.person(email: try EmailAddress.validate(email)) else {
            throw KanavaError.notFound("person \(email.prefix(100))")
        }
        let now = clock.now()
        let membership = Membership(account: id, person: person.id, role: role, source: .manual, sites: sites, joinedAt: now)
        let committed = try await store.addMember(membership, event: try Self.event(.membershipAdded, membership, PersonRef(person)), at: now)
        bus.publish(committed.events)
        await audit.record(.memberAdded, by: principal, account: id, target: "person:\(person.id)", detail: ["role": role.rawValue])
        return Member(person: PersonRef(person), membership: membership)
    }

    /// Changes a member's role (directors of the account and admins).
    public func changeRole(_ id: AccountID, person personID: PersonID, role: String, by principal: Principal) async throws -> Member {
        _ = try await access.manage(id, for: principal)
        let role = try ChannelRole.parse(role)
        guard var membership = try await store.membership(of: personID, in: id), let person = try await store.person(personID) else {
            throw KanavaError.notFound("member \(personID)")
        }
        membership.role = role
        let committed = try await store.updateMember(membership, event: try Self.event(.membershipChanged, membership, PersonRef(person)), at: clock.now())
        bus.publish(committed.events)
        await audit.record(.memberRoleChanged, by: principal, account: id, target: "person:\(person.id)", detail: ["role": role.rawValue])
        return Member(person: PersonRef(person), membership: membership)
    }

    /// Removes a member. Their open sockets stop receiving the channel as soon as the event is delivered.
    public func removeMember(_ id: AccountID, person personID: PersonID, by principal: Principal) async throws {
        _ = try await access.manage(id, for: principal)
        guard let membership = try await store.membership(of: personID, in: id), let person = try await store.person(personID) else {
            throw KanavaError.notFound("member \(personID)")
        }
        let committed = try await store.removeMember(personID, from: id, event: try Self.event(.membershipRemoved, membership, PersonRef(person)), at: clock.now())
        bus.publish(committed.events)
        await audit.record(.memberRemoved, by: principal, account: id, target: "person:\(person.id)", detail: ["role": membership.role.rawValue])
    }

    /// A `membership.*` event; its subject is the person, so their own sockets learn of it too.
    static func event(_ kind: EventKind, _ membership: Membership, _ person: PersonRef) throws -> EventDraft {
        EventDraft(channel: membership.account, kind: kind, json: Member(person: person, membership: membership).eventJSON, subject: person.id)
    }
}

extension AccountEventData {
    init(_ account: Account) {
        self.init(id: account.id, name: account.name, startDate: account.startDate)
    }
}
