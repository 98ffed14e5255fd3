import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: RosterStore {
    public func rosterSnapshot() async throws -> RosterSnapshot { throw KanavaError(.unavailable, "RosterStore is not on PostgreSQL yet") }
    public func applyRoster( _ plan: RosterPlan, sections toc: TableOfContents, clock: ClockTemplate, record: RosterSyncRecord, changes: [RosterChange], at time: Date, events: @escaping @Sendable (RosterPeople) throws -> [EventDraft] ) async throws -> Committed<RosterSyncRecord> { throw KanavaError(.unavailable, "RosterStore is not on PostgreSQL yet") }
    public func recordRosterSync(_ record: RosterSyncRecord) async throws -> RosterSyncRecord { throw KanavaError(.unavailable, "RosterStore is not on PostgreSQL yet") }
    public func rosterSyncs(limit: Int) async throws -> [RosterSyncRecord] { throw KanavaError(.unavailable, "RosterStore is not on PostgreSQL yet") }
    public func rosterSync(_ id: Int64) async throws -> (record: RosterSyncRecord, changes: [RosterChange])? { throw KanavaError(.unavailable, "RosterStore is not on PostgreSQL yet") }
    public func supervisorDepartures(in account: AccountID, year: Int, month: Int) async throws -> Int { throw KanavaError(.unavailable, "RosterStore is not on PostgreSQL yet") }
}
