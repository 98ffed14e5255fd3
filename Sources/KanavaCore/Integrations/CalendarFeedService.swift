import Foundation
import Logging

/// Each person's secret iCalendar feed of the annual clocks of all their channels (those they are a member of now),
/// for calendar programs that subscribe to a URL and send no cookie. Making a new URL replaces the old one, which
/// stops working at once; so does revoking it.
public struct CalendarFeedService: Sendable {
    /// The feed covers occurrences from about a year back …
    public static let pastDays = 366
    /// … to about two years ahead.
    public static let futureDays = 731

    let store: any KanavaStore
    let clock: any WallClock
    let logger: Logger

    public init(store: any KanavaStore, clock: any WallClock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Makes the person's feed secret, replacing the one they had; the only time it is seen.
    public func create(by principal: Principal) async throws -> String {
        let person = try Self.person(principal)
        let secret = SecretToken.random()
        try await store.setCalendarFeed(of: person.id, secretHash: SecretToken.hash(secret), at: clock.now())
        logger.info("calendar feed made", metadata: ["person": "\(person.id)"])
        return secret
    }

    /// When the person's feed was made; nil if they have none.
    public func created(by principal: Principal) async throws -> Date? {
        try await store.calendarFeedCreated(of: try Self.person(principal).id)
    }

    public func revoke(by principal: Principal) async throws {
        let person = try Self.person(principal)
        try await store.deleteCalendarFeed(of: person.id)
        logger.info("calendar feed revoked", metadata: ["person": "\(person.id)"])
    }

    /// The feed a secret stands for, as iCalendar text; `not_found` for any other secret. `host` ends each `UID`.
    public func calendar(secret: String, host: String) async throws -> String {
        guard SecretToken.isWellFormed(secret), let owner = try await store.calendarFeedOwner(secretHash: SecretToken.hash(secret)) else {
            throw KanavaError.notFound("calendar feed")
        }
        let today = LocalDate.inHelsinki(clock.now())
        guard let from = today.adding(days: -Self.pastDays), let through = today.adding(days: Self.futureDays) else {
            throw KanavaError(.internal, "the feed's dates are out of range")
        }
        var calendar = ClockCalendar(host: host)
        for account in owner.channels {
            let marks = try await store.clockMarks(in: account.id, from: from, through: through)
            calendar.add(try await store.clockEvents(in: account.id), of: account,
                         marks: Dictionary(marks.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }), from: from, through: through)
        }
        return calendar.render()
    }

    private static func person(_ principal: Principal) throws -> Person {
        guard let person = principal.person else { throw KanavaError(.forbidden, "only a signed-in person has a calendar feed") }
        return person
    }
}
