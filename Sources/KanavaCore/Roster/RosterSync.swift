import Foundation

/// Counts of what a sync changed (or would change).
public struct RosterCounts: Codable, Sendable, Equatable {
    public var peopleCreated = 0
    public var accountsCreated = 0
    public var accountsRenamed = 0
    public var membershipsAdded = 0
    public var membershipsRemoved = 0
    public var rolesChanged = 0
    public var placesChanged = 0
    public var manualKept = 0

    public init() {}

    public init(_ plan: RosterPlan) {
        peopleCreated = plan.newPeople.count
        accountsCreated = plan.newAccounts.count
        accountsRenamed = plan.renames.count
        membershipsAdded = plan.additions.count
        membershipsRemoved = plan.removals.count
        rolesChanged = plan.roleChanges.count
        placesChanged = plan.placeChanges.count
        manualKept = plan.manualKept.count
    }
}

/// One recorded sync: applied, or refused (with why).
public struct RosterSyncRecord: Codable, Sendable, Identifiable {
    public enum Outcome: String, Codable, Sendable {
        case applied
        case refused
    }

    /// Everything about a sync except its identity, stored as one JSON document.
    public struct Summary: Codable, Sendable {
        public var format: String?
        public var dataRows: Int
        public var counts: RosterCounts
        public var warnings: [RosterIssue]
        public var errors: [RosterIssue]
        /// Why a valid file was refused (the mass-removal guard).
        public var refusal: String?

        public init(format: String?, dataRows: Int, counts: RosterCounts, warnings: [RosterIssue], errors: [RosterIssue], refusal: String?) {
            self.format = format
            self.dataRows = dataRows
            self.counts = counts
            self.warnings = warnings
            self.errors = errors
            self.refusal = refusal
        }
    }

    public var id: Int64
    public var at: Date
    /// The file's name or path as given.
    public var source: String
    /// SHA-256 of the file's bytes.
    public var fileHash: String
    /// Who ran it: `cli`, `watcher`, `person:12`.
    public var actor: String
    public var forced: Bool
    public var outcome: Outcome
    public var summary: Summary
}

/// One change a sync made, for the audit trail.
public struct RosterChange: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case personCreated = "person_created"
        case accountCreated = "account_created"
        case accountRenamed = "account_renamed"
        case added
        case removed
        case roleChanged = "role_changed"
        case placesChanged = "places_changed"
    }

    public var kind: Kind
    public var account: AccountID
    public var email: String?
    public var role: ChannelRole?
    public var previousRole: ChannelRole?
    /// Free text: the new account name, the sites.
    public var detail: String?

    public init(kind: Kind, account: AccountID, email: String? = nil, role: ChannelRole? = nil, previousRole: ChannelRole? = nil, detail: String? = nil) {
        self.kind = kind
        self.account = account
        self.email = email
        self.role = role
        self.previousRole = previousRole
        self.detail = detail
    }
}

/// Resolves people by e-mail key inside the applying transaction (new people have ids only there).
public struct RosterPeople: Sendable {
    let byKey: [String: PersonRef]

    public func person(_ email: String) throws -> PersonRef {
        guard let person = byKey[EmailAddress.key(email)] else { throw KanavaError(.internal, "roster person \(email) was not resolved") }
        return person
    }
}

public protocol RosterStore: Sendable {
    /// Every account, person and membership, as a sync compares them.
    func rosterSnapshot() async throws -> RosterSnapshot
    /// Applies a plan in one transaction with its audit record and events (built once people have ids).
    /// New accounts get their channel's sections from `toc` and its annual clock from `clock` in the same transaction.
    func applyRoster(
        _ plan: RosterPlan, sections toc: TableOfContents, clock: ClockTemplate, record: RosterSyncRecord, changes: [RosterChange], at time: Date,
        events: @escaping @Sendable (RosterPeople) throws -> [EventDraft]
    ) async throws -> Committed<RosterSyncRecord>
    /// Records a refused sync (nothing else changes).
    func recordRosterSync(_ record: RosterSyncRecord) async throws -> RosterSyncRecord
    func rosterSyncs(limit: Int) async throws -> [RosterSyncRecord]
    func rosterSync(_ id: Int64) async throws -> (record: RosterSyncRecord, changes: [RosterChange])?
    /// Supervisors who left an account (removed, or no longer supervisor) in a calendar month.
    func supervisorDepartures(in account: AccountID, year: Int, month: Int) async throws -> Int
}
