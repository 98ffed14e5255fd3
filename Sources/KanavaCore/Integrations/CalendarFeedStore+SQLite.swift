import Foundation
import GRDB

extension SQLiteStore: CalendarFeedStore {
    public func setCalendarFeed(of person: PersonID, secretHash: String, at time: Date) async throws {
        try await write("setCalendarFeed") { db in
            try db.execute(sql: """
                INSERT INTO calendar_feed (person_id, secret_hash, created_at) VALUES (?, ?, ?)
                ON CONFLICT (person_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at
                """, arguments: [person.rawValue, secretHash, time])
        }
    }

    public func calendarFeedCreated(of person: PersonID) async throws -> Date? {
        try await read("calendarFeedCreated") { db in
            try Date.fetchOne(db, sql: "SELECT created_at FROM calendar_feed WHERE person_id = ?", arguments: [person.rawValue])
        }
    }

    public func deleteCalendarFeed(of person: PersonID) async throws {
        try await write("deleteCalendarFeed") { db in
            try db.execute(sql: "DELETE FROM calendar_feed WHERE person_id = ?", arguments: [person.rawValue])
        }
    }

    public func calendarFeedOwner(secretHash: String) async throws -> CalendarFeedOwner? {
        try await read("calendarFeedOwner") { db in
            guard let person = try Row.fetchOne(db, sql: "SELECT p.* FROM calendar_feed f JOIN person p ON p.id = f.person_id WHERE f.secret_hash = ?",
                                                arguments: [secretHash]).map(Person.init(row:))
            else { return nil }
            let channels = try Row.fetchAll(db, sql: """
                SELECT a.* FROM membership m JOIN account a ON a.id = m.account_id WHERE m.person_id = ? ORDER BY a.id
                """, arguments: [person.id.rawValue]).map(Account.init(row:))
            return CalendarFeedOwner(person: person, channels: channels)
        }
    }
}
