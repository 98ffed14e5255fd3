import Foundation
import GRDB

extension SQLiteStore: AnnualClockStore {
    public func createClockEvent(_ new: NewClockEvent, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent> {
        try await write("createClockEvent") { db in
            guard try Self.fetchAccount(db, new.account) != nil else { throw KanavaError.notFound("channel \(new.account)") }
            guard let event = try Self.insertClockEvent(new, at: time, db) else {
                throw KanavaError(.conflict, "the account already has the template's event \(new.templateKey ?? "")")
            }
            return Committed(event, events: try db.append(events(event), at: time))
        }
    }

    public func updateClockEvent(_ event: ClockEvent, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent> {
        try await write("updateClockEvent") { db in
            try db.execute(
                sql: """
                    UPDATE clock_event SET title = ?, description = ?, kind = ?, owner = ?, start_date = ?, recurrence = ?, lead_days = ?, updated_at = ?
                    WHERE id = ? AND account_id = ? AND deleted_at IS NULL
                    """,
                arguments: [event.title, event.description, event.kind.rawValue, event.owner.rawValue, event.start.description,
                            event.recurrence?.description, event.leadDays, time, event.id.rawValue, event.account.rawValue]
            )
            guard db.changesCount == 1, let stored = try Self.fetchClockEvent(db, event.id, includeDeleted: false) else {
                throw KanavaError.notFound("clock event \(event.id)")
            }
            return Committed(stored, events: try db.append(events(stored), at: time))
        }
    }

    public func deleteClockEvent(_ id: ClockEventID, in account: AccountID, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent> {
        try await write("deleteClockEvent") { db in
            try db.execute(sql: "UPDATE clock_event SET deleted_at = ? WHERE id = ? AND account_id = ? AND deleted_at IS NULL",
                           arguments: [time, id.rawValue, account.rawValue])
            guard db.changesCount == 1, let event = try Self.fetchClockEvent(db, id, includeDeleted: true) else {
                throw KanavaError.notFound("clock event \(id)")
            }
            return Committed(event, events: try db.append(events(event), at: time))
        }
    }

    public func clockEvent(_ id: ClockEventID, in account: AccountID) async throws -> ClockEvent? {
        try await read("clockEvent") { db in
            try Self.fetchClockEvent(db, id, includeDeleted: false).flatMap { $0.account == account ? $0 : nil }
        }
    }

    public func clockEvents(in account: AccountID?) async throws -> [ClockEvent] {
        try await read("clockEvents") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM clock_event WHERE deleted_at IS NULL AND (? IS NULL OR account_id = ?) ORDER BY id",
                             arguments: [account?.rawValue, account?.rawValue]).map(ClockEvent.init(row:))
        }
    }

    public func clockMarks(in account: AccountID?, from: LocalDate, through: LocalDate) async throws -> [ClockOccurrence] {
        try await read("clockMarks") { db in
            try Row.fetchAll(
                db,
                sql: Self.occurrenceSelect
                    + " JOIN clock_event e ON e.id = o.event_id WHERE o.occurrence_date BETWEEN ? AND ? AND (? IS NULL OR e.account_id = ?)",
                arguments: [from.description, through.description, account?.rawValue, account?.rawValue]
            ).map(ClockOccurrence.init(row:))
        }
    }

    public func markClockOccurrence(_ occurrence: ClockOccurrence, in account: AccountID, at time: Date,
                                    events: @escaping ClockOccurrenceEvents) async throws -> Committed<ClockOccurrence> {
        try await write("markClockOccurrence") { db in
            guard try Self.fetchClockEvent(db, occurrence.event, includeDeleted: false)?.account == account else {
                throw KanavaError.notFound("clock event \(occurrence.event)")
            }
            let key: StatementArguments = [occurrence.event.rawValue, occurrence.date.description]
            var stored = occurrence
            if occurrence.status == .planned {
                try db.execute(sql: "DELETE FROM clock_occurrence WHERE event_id = ? AND occurrence_date = ?", arguments: key)
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO clock_occurrence (event_id, occurrence_date, status, note, marked_by, marked_at) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (event_id, occurrence_date) DO UPDATE SET
                            status = excluded.status, note = excluded.note, marked_by = excluded.marked_by, marked_at = excluded.marked_at
                        """,
                    arguments: key + [occurrence.status.rawValue, occurrence.note, occurrence.markedBy?.id.rawValue, time]
                )
                stored = try Row.fetchOne(db, sql: Self.occurrenceSelect + " WHERE o.event_id = ? AND o.occurrence_date = ?", arguments: key)
                    .map(ClockOccurrence.init(row:)) ?? occurrence
            }
            stored.markedAt = time
            return Committed(stored, events: try db.append(events(stored), at: time))
        }
    }

    public func applyClockTemplate(_ template: ClockTemplate, to accounts: [AccountID]?, at time: Date,
                                   events: @escaping ClockEventEvents) async throws -> Committed<[ClockEvent]> {
        try await write("applyClockTemplate") { db in
            var rows = try Row.fetchAll(db, sql: "SELECT id, start_date FROM account ORDER BY id")
            if let accounts {
                let wanted = Set(accounts.map(\.rawValue))
                rows = rows.filter { wanted.contains($0["id"]) }
            }
            var added: [ClockEvent] = []
            for row in rows {
                let startDate: String? = row["start_date"]
                added += try Self.insertClockTemplate(template, for: AccountID(stored: row["id"]), startDate: startDate.flatMap(LocalDate.init), at: time, db)
            }
            return Committed(added, events: try db.append(try added.flatMap(events), at: time))
        }
    }

    // MARK: - Reminders

    public func clockReminderRecords(from: LocalDate) async throws -> [ClockReminderRecord] {
        try await read("clockReminderRecords") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM clock_reminder_sent WHERE occurrence_date >= ?", arguments: [from.description]).compactMap { row in
                let date: String = row["occurrence_date"]
                let message: Int64? = row["message_id"]
                guard let day = LocalDate(date), let outcome = ClockReminderRecord.Outcome(rawValue: row["outcome"]) else { return nil }
                return ClockReminderRecord(key: OccurrenceKey(event: ClockEventID(row["event_id"]), date: day), outcome: outcome,
                                           claimedAt: row["claimed_at"], message: message.map { MessageID($0) })
            }
        }
    }

    public func claimClockReminder(_ key: OccurrenceKey, body: String, at time: Date, staleBefore: Date) async throws -> String? {
        try await write("claimClockReminder") { db in
            // One statement: a second process either fails the primary key (and gets no row back) or takes over a claim
            // that was left behind, keeping the text that may already be in the chat.
            try String.fetchOne(
                db,
                sql: """
                    INSERT INTO clock_reminder_sent (event_id, occurrence_date, outcome, body, claimed_at) VALUES (?, ?, 'claimed', ?, ?)
                    ON CONFLICT (event_id, occurrence_date) DO UPDATE SET claimed_at = excluded.claimed_at
                        WHERE clock_reminder_sent.outcome = 'claimed' AND clock_reminder_sent.claimed_at < ?
                    RETURNING body
                    """,
                arguments: [key.event.rawValue, key.date.description, body, time, staleBefore]
            )
        }
    }

    public func finishClockReminder(_ key: OccurrenceKey, message: MessageID, at time: Date) async throws {
        try await write("finishClockReminder") { db in
            try db.execute(
                sql: "UPDATE clock_reminder_sent SET outcome = 'posted', message_id = ?, posted_at = ? WHERE event_id = ? AND occurrence_date = ?",
                arguments: [message.rawValue, time, key.event.rawValue, key.date.description]
            )
        }
    }

    public func skipClockReminders(_ keys: [OccurrenceKey], at time: Date) async throws {
        try await write("skipClockReminders") { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO clock_reminder_sent (event_id, occurrence_date, outcome, claimed_at) VALUES (?, ?, 'skipped', ?)
                ON CONFLICT (event_id, occurrence_date) DO NOTHING
                """)
            for key in keys { try insert.execute(arguments: [key.event.rawValue, key.date.description, time]) }
        }
    }

    // MARK: - Rows

    /// Inserts the template's events the account does not have yet (by template key), in the caller's transaction:
    /// a new channel gets its annual clock in the same transaction as its account.
    static func insertClockTemplate(_ template: ClockTemplate, for account: AccountID, startDate: LocalDate?, at time: Date, _ db: Database) throws -> [ClockEvent] {
        try template.events(for: account, startDate: startDate, today: LocalDate.inHelsinki(time)).compactMap { try insertClockEvent($0, at: time, db) }
    }

    /// Inserts the same template events into many new accounts (a roster's first apply): the dates are worked out
    /// once, and nothing is read back.
    static func insertClockEvents(_ events: [NewClockEvent], into account: AccountID, at time: Date, _ db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO clock_event (account_id, template_key, title, description, kind, owner, start_date, recurrence, lead_days, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id, template_key) WHERE template_key IS NOT NULL DO NOTHING
            """)
        for new in events {
            try insert.execute(arguments: [
                account.rawValue, new.templateKey, new.title, new.description, new.kind.rawValue, new.owner.rawValue,
                new.start.description, new.recurrence?.description, new.leadDays, time,
            ])
        }
    }

    /// Inserts an event; nil when the account already has an event (even a deleted one) of the same template key.
    private static func insertClockEvent(_ new: NewClockEvent, at time: Date, _ db: Database) throws -> ClockEvent? {
        // One prepared statement that also returns the row.
        try Row.fetchOne(db.cachedStatement(sql: """
            INSERT INTO clock_event (account_id, template_key, title, description, kind, owner, start_date, recurrence, lead_days, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id, template_key) WHERE template_key IS NOT NULL DO NOTHING
            RETURNING *
            """), arguments: [
                new.account.rawValue, new.templateKey, new.title, new.description, new.kind.rawValue, new.owner.rawValue,
                new.start.description, new.recurrence?.description, new.leadDays, time,
            ]).map(ClockEvent.init(row:))
    }

    static func fetchClockEvent(_ db: Database, _ id: ClockEventID, includeDeleted: Bool) throws -> ClockEvent? {
        try Row.fetchOne(db, sql: "SELECT * FROM clock_event WHERE id = ?" + (includeDeleted ? "" : " AND deleted_at IS NULL"),
                         arguments: [id.rawValue]).map(ClockEvent.init(row:))
    }

    private static let occurrenceSelect = """
        SELECT o.*, p.name AS marked_by_name, p.email AS marked_by_email
        FROM clock_occurrence o LEFT JOIN person p ON p.id = o.marked_by
        """
}

extension ClockEvent {
    init(row: Row) {
        let start: String = row["start_date"]
        let recurrence: String? = row["recurrence"]
        self.init(
            id: ClockEventID(row["id"]),
            account: AccountID(stored: row["account_id"]),
            templateKey: row["template_key"],
            title: row["title"],
            description: row["description"],
            kind: ClockEventKind(rawValue: row["kind"]) ?? .other,
            owner: ClockOwner(rawValue: row["owner"]) ?? .accountDirector,
            // Stored values were validated when written.
            start: LocalDate(start) ?? LocalDate(year: 2000, month: 1, day: 1)!,
            recurrence: recurrence.flatMap { try? Recurrence.parse($0) },
            leadDays: row["lead_days"],
            createdAt: row["created_at"],
            updatedAt: row["updated_at"]
        )
    }
}

extension ClockOccurrence {
    init(row: Row) {
        let date: String = row["occurrence_date"]
        let markedBy: Int64? = row["marked_by"]
        self.init(
            event: ClockEventID(row["event_id"]),
            date: LocalDate(date) ?? LocalDate(year: 2000, month: 1, day: 1)!,
            status: OccurrenceStatus(rawValue: row["status"]) ?? .planned,
            note: row["note"],
            markedBy: markedBy.map { PersonRef(id: PersonID($0), name: row["marked_by_name"] ?? "", email: row["marked_by_email"] ?? "") },
            markedAt: row["marked_at"]
        )
    }
}
