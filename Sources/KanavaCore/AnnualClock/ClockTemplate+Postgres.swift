import Foundation
import PostgresNIO

/// The annual clock's template events for new channels, inside the transaction that creates the account (or, in a
/// roster's first apply, many accounts).
extension PostgresStore {
    /// Inserts the template's events the account does not have yet (by template key).
    static func insertClockTemplate(_ template: ClockTemplate, for account: AccountID, startDate: LocalDate?, at time: Date,
                                    _ db: PostgresDB) async throws -> [ClockEvent] {
        var inserted: [ClockEvent] = []
        for new in template.events(for: account, startDate: startDate, today: LocalDate.inHelsinki(time)) {
            if let event = try await insertClockEvent(new, at: time, db) { inserted.append(event) }
        }
        return inserted
    }

    /// Inserts the same template events into a new account, without reading anything back.
    static func insertClockEvents(_ events: [NewClockEvent], into account: AccountID, at time: Date, _ db: PostgresDB) async throws {
        for new in events {
            try await db.execute("""
                INSERT INTO clock_event (account_id, template_key, title, description, kind, owner, start_date, recurrence, lead_days, created_at)
                VALUES (\(account.rawValue), \(new.templateKey), \(new.title), \(new.description), \(new.kind.rawValue), \(new.owner.rawValue),
                        \(new.start.description), \(new.recurrence?.description), \(new.leadDays), \(time))
                ON CONFLICT (account_id, template_key) WHERE template_key IS NOT NULL DO NOTHING
                """)
        }
    }

    /// Inserts an event; nil when the account already has an event (even a deleted one) of the same template key.
    static func insertClockEvent(_ new: NewClockEvent, at time: Date, _ db: PostgresDB) async throws -> ClockEvent? {
        try await db.row("""
            INSERT INTO clock_event (account_id, template_key, title, description, kind, owner, start_date, recurrence, lead_days, created_at)
            VALUES (\(new.account.rawValue), \(new.templateKey), \(new.title), \(new.description), \(new.kind.rawValue), \(new.owner.rawValue),
                    \(new.start.description), \(new.recurrence?.description), \(new.leadDays), \(time))
            ON CONFLICT (account_id, template_key) WHERE template_key IS NOT NULL DO NOTHING
            RETURNING *
            """).map(ClockEvent.init(pg:))
    }
}

extension ClockEvent {
    init(pg row: PGRow) throws {
        let start: String = try row["start_date"]
        let recurrence: String? = try row["recurrence"]
        self.init(
            id: ClockEventID(try row["id"]),
            account: AccountID(stored: try row["account_id"]),
            templateKey: try row["template_key"],
            title: try row["title"],
            description: try row["description"],
            kind: ClockEventKind(rawValue: try row["kind"]) ?? .other,
            owner: ClockOwner(rawValue: try row["owner"]) ?? .accountDirector,
            // Stored values were validated when written.
            start: LocalDate(start) ?? LocalDate(year: 2000, month: 1, day: 1)!,
            recurrence: recurrence.flatMap { try? Recurrence.parse($0) },
            leadDays: try row["lead_days"],
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"]
        )
    }
}
