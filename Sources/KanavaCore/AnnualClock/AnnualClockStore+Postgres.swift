import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: AnnualClockStore {
    public func createClockEvent(_ new: NewClockEvent, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent> { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func updateClockEvent(_ event: ClockEvent, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent> { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func deleteClockEvent(_ id: ClockEventID, in account: AccountID, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent> { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func clockEvent(_ id: ClockEventID, in account: AccountID) async throws -> ClockEvent? { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func clockEvents(in account: AccountID?) async throws -> [ClockEvent] { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func clockMarks(in account: AccountID?, from: LocalDate, through: LocalDate) async throws -> [ClockOccurrence] { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func markClockOccurrence(_ occurrence: ClockOccurrence, in account: AccountID, at time: Date, events: @escaping ClockOccurrenceEvents) async throws -> Committed<ClockOccurrence> { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func applyClockTemplate(_ template: ClockTemplate, to accounts: [AccountID]?, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<[ClockEvent]> { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func clockReminderRecords(from: LocalDate) async throws -> [ClockReminderRecord] { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func claimClockReminder(_ key: OccurrenceKey, body: String, at time: Date, staleBefore: Date) async throws -> String? { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func finishClockReminder(_ key: OccurrenceKey, message: MessageID, at time: Date) async throws { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
    public func skipClockReminders(_ keys: [OccurrenceKey], at time: Date) async throws { throw KanavaError(.unavailable, "AnnualClockStore is not on PostgreSQL yet") }
}
