import Foundation

/// A national key account. Its one channel shares its id.
public struct Account: Codable, Sendable, Hashable, Identifiable {
    public var id: AccountID
    public var name: String
    /// The contract's start date: the account's anniversary and the base of takeover plans.
    public var startDate: LocalDate?
    public var createdAt: Date

    public init(id: AccountID, name: String, startDate: LocalDate?, createdAt: Date) {
        self.id = id
        self.name = name
        self.startDate = startDate
        self.createdAt = createdAt
    }
}

/// A member's role in one channel: the roster's `role` values.
public enum ChannelRole: String, Codable, Sendable, CaseIterable, Comparable {
    case accountDirector = "account_director"
    case regionalDirector = "regional_director"
    case manager
    case supervisor
    case instructor
    case sales

    /// Higher wins when one person has several roles in one account (the roster's documented rule).
    public var rank: Int {
        switch self {
        case .accountDirector: 6
        case .regionalDirector: 5
        case .manager: 4
        case .sales: 3
        case .supervisor: 2
        case .instructor: 1
        }
    }

    public static func < (a: ChannelRole, b: ChannelRole) -> Bool { a.rank < b.rank }

    public static func parse(_ value: String, field: String = "role") throws -> ChannelRole {
        guard let role = ChannelRole(rawValue: value) else {
            throw KanavaError.invalid(field, "'\(value.prefix(40))' is not a role; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }
}

/// Where a membership came from. The roster owns `roster` memberships; `manual` ones are never touched by a sync.
public enum MembershipSource: String, Codable, Sendable {
    case roster
    case manual
}

public struct Membership: Codable, Sendable, Hashable {
    public var account: AccountID
    public var person: PersonID
    public var role: ChannelRole
    public var source: MembershipSource
    /// The sites the person runs in this account (a supervisor of several sites has one membership).
    public var sites: [String]
    /// The cities of those sites (a regional director's region): escalations go by city.
    public var cities: [String]
    public var joinedAt: Date

    public init(account: AccountID, person: PersonID, role: ChannelRole, source: MembershipSource, sites: [String] = [], cities: [String] = [], joinedAt: Date) {
        self.account = account
        self.person = person
        self.role = role
        self.source = source
        self.sites = sites
        self.cities = cities
        self.joinedAt = joinedAt
    }
}

/// A person as other members see them.
public struct PersonRef: Codable, Sendable, Hashable {
    public var id: PersonID
    public var name: String
    public var email: String

    public init(id: PersonID, name: String, email: String) {
        self.id = id
        self.name = name
        self.email = email
    }

    public init(_ person: Person) {
        self.init(id: person.id, name: person.name, email: person.email)
    }
}

/// A member of a channel with their person details; also the data of `membership.*` events.
public struct Member: Codable, Sendable, Hashable {
    public var person: PersonRef
    public var role: ChannelRole
    public var source: MembershipSource
    public var sites: [String]
    public var cities: [String]
    public var joinedAt: Date

    public init(person: PersonRef, membership: Membership) {
        self.person = person
        role = membership.role
        source = membership.source
        sites = membership.sites
        cities = membership.cities
        joinedAt = membership.joinedAt
    }
}

/// One line of a person's account list.
public struct AccountSummary: Codable, Sendable, Hashable {
    public var id: AccountID
    public var name: String
    public var startDate: LocalDate?
    /// The viewer's role in the channel; nil for an admin who is not a member.
    public var role: ChannelRole?
    /// The account director (the first, if the roster names several).
    public var director: PersonRef?
    public var memberCount: Int
    /// The channel's last event seq.
    public var head: Int64
    /// Must-read sections the viewer has not yet confirmed.
    public var openMustReads = 0
    /// Chat messages the viewer has not read (not their own).
    public var unread = 0
    /// Urgent notices in force the viewer has not acknowledged.
    public var openNotices = 0
    /// Planner tasks assigned to the viewer that are not done and were due before today (in Finland).
    public var overdueTasks = 0

    public init(id: AccountID, name: String, startDate: LocalDate?, role: ChannelRole?, director: PersonRef?, memberCount: Int, head: Int64) {
        self.id = id
        self.name = name
        self.startDate = startDate
        self.role = role
        self.director = director
        self.memberCount = memberCount
        self.head = head
    }
}

/// The data of `account.*` events.
public struct AccountEventData: Codable, Sendable {
    public var id: AccountID
    public var name: String
    public var startDate: LocalDate?
}

extension EventKind {
    public static let accountCreated: EventKind = "account.created"
    public static let accountUpdated: EventKind = "account.updated"
    public static let membershipAdded: EventKind = "membership.added"
    public static let membershipRemoved: EventKind = "membership.removed"
    public static let membershipChanged: EventKind = "membership.changed"
}
