import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: CalendarFeedStore {
    public func setCalendarFeed(of person: PersonID, secretHash: String, at time: Date) async throws { throw KanavaError(.unavailable, "CalendarFeedStore is not on PostgreSQL yet") }
    public func calendarFeedCreated(of person: PersonID) async throws -> Date? { throw KanavaError(.unavailable, "CalendarFeedStore is not on PostgreSQL yet") }
    public func deleteCalendarFeed(of person: PersonID) async throws { throw KanavaError(.unavailable, "CalendarFeedStore is not on PostgreSQL yet") }
    public func calendarFeedOwner(secretHash: String) async throws -> CalendarFeedOwner? { throw KanavaError(.unavailable, "CalendarFeedStore is not on PostgreSQL yet") }
}
