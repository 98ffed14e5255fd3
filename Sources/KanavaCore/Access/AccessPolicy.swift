import Foundation

/// What a principal may do in one channel.
public struct ChannelAccess: Sendable {
    public var account: Account
    /// The person acting; nil for the system.
    public var person: PersonID?
    /// The principal's membership role; nil for an admin who is not a member.
    public var role: ChannelRole?
    public var isAdmin: Bool

    public init(account: Account, person: PersonID?, role: ChannelRole?, isAdmin: Bool) {
        self.account = account
        self.person = person
        self.role = role
        self.isAdmin = isAdmin
    }

    /// Whether an item restricted to `roles` (nil: unrestricted) is visible.
    public func canSee(restrictedTo roles: Set<ChannelRole>?) -> Bool {
        guard let roles else { return true }
        if isAdmin { return true }
        return role.map(roles.contains) ?? false
    }

    /// Whether an event is visible: its roles may see it, and a restricted event is also visible to the person
    /// it is about (a member's own "ask the director" messages, their own acknowledgement).
    public func canSee(_ event: StreamEvent) -> Bool {
        canSee(restrictedTo: event.visibleTo) || (event.subject != nil && event.subject == person)
    }

    public var isDirector: Bool { role == .accountDirector }

    /// Directors and admins manage the channel (sections, notices, members added by hand).
    public var canManage: Bool { isAdmin || role == .accountDirector }
}

/// The one place that answers "may this principal see this channel". Every route, search, and event
/// delivery asks it; anything it denies is reported as "not found", never as "forbidden", so a
/// non-member cannot even learn that a channel exists.
public struct AccessPolicy: Sendable {
    let store: any AccountStore
    /// Nil: every check reads the database. Given, it must be added to the installation's ``EventBus``.
    let memberships: MembershipCache?

    public init(store: any AccountStore, memberships: MembershipCache? = nil) {
        self.store = store
        self.memberships = memberships
    }

    /// The principal's access to `account`, or `not_found`.
    public func channel(_ account: AccountID, for principal: Principal) async throws -> ChannelAccess {
        switch principal {
        case .system:
            guard let found = try await store.account(account) else { throw KanavaError.notFound("channel \(account)") }
            return ChannelAccess(account: found, person: nil, role: nil, isAdmin: true)
        case .person(let person):
            guard let found = try await membership(of: person.id, in: account), found.membership != nil || person.isAdmin else {
                throw KanavaError.notFound("channel \(account)")
            }
            return ChannelAccess(account: found.account, person: person.id, role: found.membership?.role, isAdmin: person.isAdmin)
        }
    }

    /// The account and the person's membership in it, from the cache when there is one; nil when there is no such account.
    private func membership(of person: PersonID, in account: AccountID) async throws -> MembershipCache.Entry? {
        let store = store
        let read = { () async throws -> MembershipCache.Entry? in
            guard let found = try await store.account(account) else { return nil }
            return MembershipCache.Entry(account: found, membership: try await store.membership(of: person, in: account))
        }
        guard let memberships else { return try await read() }
        return try await memberships.entry(account, person, load: read)
    }

    /// As ``channel(_:for:)``, and the principal must be able to manage the channel.
    public func manage(_ account: AccountID, for principal: Principal) async throws -> ChannelAccess {
        let access = try await channel(account, for: principal)
        guard access.canManage else { throw KanavaError.forbidden }
        return access
    }

    /// Admin-only operations of the installation.
    public func requireAdmin(_ principal: Principal) throws {
        guard principal.isAdmin else { throw KanavaError.forbidden }
    }
}
