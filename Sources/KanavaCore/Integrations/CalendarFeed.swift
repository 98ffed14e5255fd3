import Foundation

/// The person a calendar feed secret belongs to, and the channels they are a member of now.
public struct CalendarFeedOwner: Sendable {
    public var person: Person
    public var channels: [Account]

    public init(person: Person, channels: [Account]) {
        self.person = person
        self.channels = channels
    }
}

/// Each person's one secret iCalendar feed URL, stored as the SHA-256 of its secret.
public protocol CalendarFeedStore: Sendable {
    /// Gives the person a feed with this secret, replacing the one they had.
    func setCalendarFeed(of person: PersonID, secretHash: String, at time: Date) async throws
    /// When the person's feed was made; nil if they have none.
    func calendarFeedCreated(of person: PersonID) async throws -> Date?
    func deleteCalendarFeed(of person: PersonID) async throws
    /// Whose feed has this secret, with their channels (read together).
    func calendarFeedOwner(secretHash: String) async throws -> CalendarFeedOwner?
}
