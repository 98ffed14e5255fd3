import Foundation

/// A membership as stored, with the person's e-mail key (what the roster compares by).
public struct StoredMembership: Sendable, Hashable {
    public var account: AccountID
    public var person: PersonID
    public var emailKey: String
    public var role: ChannelRole
    public var source: MembershipSource
    public var sites: [String]
    public var cities: [String]
}

/// What the store holds that a roster sync compares against.
public struct RosterSnapshot: Sendable {
    public var accounts: [AccountID: String]
    /// E-mail key → person.
    public var people: [String: PersonRef]
    public var memberships: [StoredMembership]

    public init(accounts: [AccountID: String], people: [String: PersonRef], memberships: [StoredMembership]) {
        self.accounts = accounts
        self.people = people
        self.memberships = memberships
    }
}

/// The difference between a roster and the stored state: exactly what a sync would change.
public struct RosterPlan: Sendable {
    public struct RoleChange: Sendable { public var membership: StoredMembership; public var role: ChannelRole }
    public struct PlacesChange: Sendable { public var membership: StoredMembership; public var sites: [String]; public var cities: [String] }
    public struct Rename: Sendable { public var account: AccountID; public var from: String; public var to: String }

    public var newPeople: [(email: String, name: String)] = []
    public var newAccounts: [(id: AccountID, name: String)] = []
    public var renames: [Rename] = []
    public var additions: [RosterMembership] = []
    public var removals: [StoredMembership] = []
    public var roleChanges: [RoleChange] = []
    public var placeChanges: [PlacesChange] = []
    /// People the roster lists in an account where they were added by hand: left as they are.
    public var manualKept: [(account: AccountID, email: String)] = []
    /// Roster memberships before the sync (the base of the mass-removal guard).
    public var rosterMembershipsBefore = 0

    public var isEmpty: Bool {
        newPeople.isEmpty && newAccounts.isEmpty && renames.isEmpty && additions.isEmpty && removals.isEmpty
            && roleChanges.isEmpty && placeChanges.isEmpty
    }

    /// The stored state indexed for comparing: memberships by account and e-mail, as positions in the snapshot.
    /// Built apart from the plan so that a sync can build it while the file is still being parsed.
    public struct StoredIndex: Sendable {
        let snapshot: RosterSnapshot
        let positions: [AccountID: [String: Int]]

        public init(_ snapshot: RosterSnapshot) {
            var positions: [AccountID: [String: Int]] = [:]
            for (index, membership) in snapshot.memberships.enumerated() { positions[membership.account, default: [:]][membership.emailKey] = index }
            self.snapshot = snapshot
            self.positions = positions
        }
    }

    public init(roster: Roster, snapshot: RosterSnapshot) {
        self.init(roster: roster, stored: StoredIndex(snapshot))
    }

    /// Compares a roster with the stored state. Manual memberships are never touched; accounts are never deleted.
    /// A stored membership no roster line matches is a removal candidate (no second index of the roster is needed).
    public init(roster: Roster, stored index: StoredIndex) {
        let snapshot = index.snapshot
        let stored = index.positions
        var matched = [Bool](repeating: false, count: snapshot.memberships.count)
        rosterMembershipsBefore = snapshot.memberships.count { $0.source == .roster }

        for (id, name) in roster.accounts.sorted(by: { $0.key < $1.key }) {
            if let current = snapshot.accounts[id] {
                if current != name { renames.append(Rename(account: id, from: current, to: name)) }
            } else {
                newAccounts.append((id, name))
            }
        }
        // Sorted for a stable order; only the new ones (usually none), as sorting 100,000 names is not free.
        newPeople = roster.people.filter { snapshot.people[$0.key] == nil }.sorted { $0.key < $1.key }.map(\.value)

        for membership in roster.memberships {
            let key = EmailAddress.key(membership.email)
            guard let index = stored[membership.account]?[key] else {
                additions.append(membership)
                continue
            }
            matched[index] = true
            let current = snapshot.memberships[index]
            if current.source == .manual {
                manualKept.append((membership.account, membership.email))
                continue
            }
            if current.role != membership.role { roleChanges.append(RoleChange(membership: current, role: membership.role)) }
            if !Self.sameList(current.sites, membership.sites) || !Self.sameList(current.cities, membership.cities) {
                placeChanges.append(PlacesChange(membership: current, sites: membership.sites, cities: membership.cities))
            }
        }
        removals = snapshot.memberships.indices.compactMap { index in
            let membership = snapshot.memberships[index]
            return !matched[index] && membership.source == .roster ? membership : nil
        }
    }

    /// Byte-equal lists of places (a site renamed to a canonically equal spelling is a change worth storing).
    private static func sameList(_ a: [String], _ b: [String]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
    }
}

/// The mass-removal guard: an empty or truncated export must not empty the channels.
public struct RemovalGuard: Sendable {
    /// Refuse when more than this share of roster memberships would be removed …
    public var maxShare: Double
    /// … and at least this many.
    public var minimum: Int

    public init(maxShare: Double, minimum: Int) {
        self.maxShare = maxShare
        self.minimum = minimum
    }

    /// Why the plan is refused, or nil when it may be applied.
    public func refusal(for plan: RosterPlan, dataRows: Int) -> String? {
        if dataRows == 0 {
            return "the file has no data rows; applying it would remove every roster member (force the sync if that is intended)"
        }
        let removing = plan.removals.count
        guard removing >= minimum, Double(removing) > maxShare * Double(plan.rosterMembershipsBefore) else { return nil }
        let share = Int((Double(removing) / Double(max(plan.rosterMembershipsBefore, 1)) * 100).rounded())
        return "the sync would remove \(removing) of \(plan.rosterMembershipsBefore) roster memberships (\(share) %, more than \(Int(maxShare * 100)) %); an incomplete export? Force the sync if it is intended"
    }
}
