import Foundation
import PostgresNIO

extension PostgresStore: CalendarFeedStore {
    public func setCalendarFeed(of person: PersonID, secretHash: String, at time: Date) async throws {
        try await write("setCalendarFeed") { db in
            _ = try await db.execute("""
                INSERT INTO calendar_feed (person_id, secret_hash, created_at) VALUES (\(person.rawValue), \(secretHash), \(time))
                ON CONFLICT (person_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at
                """)
        }
    }

    public func calendarFeedCreated(of person: PersonID) async throws -> Date? {
        try await read("calendarFeedCreated") { db in
            try await db.value("SELECT created_at FROM calendar_feed WHERE person_id = \(person.rawValue)", as: Date.self)
        }
    }

    public func deleteCalendarFeed(of person: PersonID) async throws {
        try await write("deleteCalendarFeed") { db in
            _ = try await db.execute("DELETE FROM calendar_feed WHERE person_id = \(person.rawValue)")
        }
    }

    public func calendarFeedOwner(secretHash: String) async throws -> CalendarFeedOwner? {
        try await read("calendarFeedOwner") { db in
            guard let row = try await db.row("""
                SELECT p.* FROM calendar_feed f JOIN person p ON p.id = f.person_id WHERE f.secret_hash = \(secretHash)
                """) else { return nil }
            let person = try Person(pg: row)
            let channels = try await db.rows("""
                SELECT a.* FROM membership m JOIN account a ON a.id = m.account_id WHERE m.person_id = \(person.id.rawValue) ORDER BY a.id COLLATE "C"
                """).map(Account.init(pg:))
            return CalendarFeedOwner(person: person, channels: channels)
        }
    }
}
