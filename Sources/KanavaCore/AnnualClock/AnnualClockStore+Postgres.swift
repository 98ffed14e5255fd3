import Foundation
import PostgresNIO

extension PostgresStore: AnnualClockStore {
    public func createClockEvent(_ new: NewClockEvent, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent> {
        try await write("createClockEvent") { db in
            guard try await Self.fetchAccount(db, new.account) != nil else { throw KanavaError.notFound("channel \(new.account)") }
            guard let event = try await Self.insertClockEvent(new, at: time, db) else {
                throw KanavaError(.conflict, "the account already has the template's event \(new.templateKey ?? "")")
            }
            return Committed(event, events: try await db.append(events(event), at: time))
        }
    }

    public func updateClockEvent(_ event: ClockEvent, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent> {
        try await write("updateClockEvent") { db in
            let updated = try await db.execute("""
                UPDATE clock_event SET title = \(event.title), description = \(event.description), kind = \(event.kind.rawValue),
                    owner = \(event.owner.rawValue), start_date = \(event.start.description), recurrence = \(event.recurrence?.description),
                    lead_days = \(event.leadDays), updated_at = \(time)
                WHERE id = \(event.id.rawValue) AND account_id = \(event.account.rawValue) AND deleted_at IS NULL
                """)
            guard updated == 1, let stored = try await Self.fetchClockEvent(db, event.id, includeDeleted: false) else {
                throw KanavaError.notFound("clock event \(event.id)")
            }
            return Committed(stored, events: try await db.append(events(stored), at: time))
        }
    }

    public func deleteClockEvent(_ id: ClockEventID, in account: AccountID, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent> {
        try await write("deleteClockEvent") { db in
            let deleted = try await db.execute("""
                UPDATE clock_event SET deleted_at = \(time) WHERE id = \(id.rawValue) AND account_id = \(account.rawValue) AND deleted_at IS NULL
                """)
            guard deleted == 1, let event = try await Self.fetchClockEvent(db, id, includeDeleted: true) else {
                throw KanavaError.notFound("clock event \(id)")
            }
            return Committed(event, events: try await db.append(events(event), at: time))
        }
    }

    public func clockEvent(_ id: ClockEventID, in account: AccountID) async throws -> ClockEvent? {
        try await read("clockEvent") { db in
            try await Self.fetchClockEvent(db, id, includeDeleted: false).flatMap { $0.account == account ? $0 : nil }
        }
    }

    public func clockEvents(in account: AccountID?) async throws -> [ClockEvent] {
        try await read("clockEvents") { db in
            try await db.rows("""
                SELECT * FROM clock_event WHERE deleted_at IS NULL AND (\(account?.rawValue)::text IS NULL OR account_id = \(account?.rawValue)) ORDER BY id
                """).map(ClockEvent.init(pg:))
        }
    }

    public func clockMarks(in account: AccountID?, from: LocalDate, through: LocalDate) async throws -> [ClockOccurrence] {
        try await read("clockMarks") { db in
            // Dates as text (YYYY-MM-DD) compare as dates in any collation.
            try await db.rows("""
                \(unescaped: Self.occurrenceSelect) JOIN clock_event e ON e.id = o.event_id
                WHERE o.occurrence_date BETWEEN \(from.description) AND \(through.description)
                  AND (\(account?.rawValue)::text IS NULL OR e.account_id = \(account?.rawValue))
                """).map(ClockOccurrence.init(pg:))
        }
    }

    public func markClockOccurrence(_ occurrence: ClockOccurrence, in account: AccountID, at time: Date,
                                    events: @escaping ClockOccurrenceEvents) async throws -> Committed<ClockOccurrence> {
        try await write("markClockOccurrence") { db in
            // FOR SHARE: the event cannot be deleted until the mark is in.
            guard try await Self.fetchClockEvent(db, occurrence.event, includeDeleted: false, forShare: true)?.account == account else {
                throw KanavaError.notFound("clock event \(occurrence.event)")
            }
            let (event, date) = (occurrence.event.rawValue, occurrence.date.description)
            var stored = occurrence
            if occurrence.status == .planned {
                try await db.execute("DELETE FROM clock_occurrence WHERE event_id = \(event) AND occurrence_date = \(date)")
            } else {
                try await db.execute("""
                    INSERT INTO clock_occurrence (event_id, occurrence_date, status, note, marked_by, marked_at)
                    VALUES (\(event), \(date), \(occurrence.status.rawValue), \(occurrence.note), \(occurrence.markedBy?.id.rawValue), \(time))
                    ON CONFLICT (event_id, occurrence_date) DO UPDATE SET
                        status = excluded.status, note = excluded.note, marked_by = excluded.marked_by, marked_at = excluded.marked_at
                    """)
                stored = try await db.row("""
                    \(unescaped: Self.occurrenceSelect) WHERE o.event_id = \(event) AND o.occurrence_date = \(date)
                    """).map(ClockOccurrence.init(pg:)) ?? occurrence
            }
            stored.markedAt = time
            return Committed(stored, events: try await db.append(events(stored), at: time))
        }
    }

    public func applyClockTemplate(_ template: ClockTemplate, to accounts: [AccountID]?, at time: Date,
                                   events: @escaping ClockEventEvents) async throws -> Committed<[ClockEvent]> {
        try await write("applyClockTemplate") { db in
            var rows = try await db.rows("SELECT id, start_date FROM account ORDER BY id COLLATE \"C\"")
            if let accounts {
                let wanted = Set(accounts.map(\.rawValue))
                rows = try rows.filter { wanted.contains(try $0["id"]) }
            }
            var added: [ClockEvent] = []
            for row in rows {
                let startDate: String? = try row["start_date"]
                added += try await Self.insertClockTemplate(template, for: AccountID(stored: try row["id"]), startDate: startDate.flatMap(LocalDate.init),
                                                            at: time, db)
            }
            return Committed(added, events: try await db.append(try added.flatMap(events), at: time))
        }
    }

    // MARK: - Reminders

    public func clockReminderRecords(from: LocalDate) async throws -> [ClockReminderRecord] {
        try await read("clockReminderRecords") { db in
            try await db.rows("SELECT * FROM clock_reminder_sent WHERE occurrence_date >= \(from.description)").compactMap { row in
                let date: String = try row["occurrence_date"]
                let outcome: String = try row["outcome"]
                let message: Int64? = try row["message_id"]
                guard let day = LocalDate(date), let outcome = ClockReminderRecord.Outcome(rawValue: outcome) else { return nil }
                return ClockReminderRecord(key: OccurrenceKey(event: ClockEventID(try row["event_id"] as Int64), date: day), outcome: outcome,
                                           claimedAt: try row["claimed_at"], message: message.map { MessageID($0) })
            }
        }
    }

    public func claimClockReminder(_ key: OccurrenceKey, body: String, at time: Date, staleBefore: Date) async throws -> String? {
        try await write("claimClockReminder") { db in
            // One statement, atomic also between processes: a second claim waits for the first to commit, then finds
            // its row, which it takes over only if that claim is still unfinished and older than `staleBefore` (checked
            // on the row as the first left it), keeping the text that may already be in the chat.
            try await db.value("""
                INSERT INTO clock_reminder_sent (event_id, occurrence_date, outcome, body, claimed_at)
                VALUES (\(key.event.rawValue), \(key.date.description), 'claimed', \(body), \(time))
                ON CONFLICT (event_id, occurrence_date) DO UPDATE SET claimed_at = excluded.claimed_at
                    WHERE clock_reminder_sent.outcome = 'claimed' AND clock_reminder_sent.claimed_at < \(staleBefore)
                RETURNING body
                """, as: String.self)
        }
    }

    public func finishClockReminder(_ key: OccurrenceKey, message: MessageID, at time: Date) async throws {
        try await write("finishClockReminder") { db in
            _ = try await db.execute("""
                UPDATE clock_reminder_sent SET outcome = 'posted', message_id = \(message.rawValue), posted_at = \(time)
                WHERE event_id = \(key.event.rawValue) AND occurrence_date = \(key.date.description)
                """)
        }
    }

    public func skipClockReminders(_ keys: [OccurrenceKey], at time: Date) async throws {
        guard !keys.isEmpty else { return }
        try await write("skipClockReminders") { db in
            _ = try await db.execute("""
                INSERT INTO clock_reminder_sent (event_id, occurrence_date, outcome, claimed_at)
                SELECT event_id, occurrence_date, 'skipped', \(time)
                FROM unnest(\(keys.map(\.event.rawValue)), \(keys.map(\.date.description))) AS k(event_id, occurrence_date)
                ON CONFLICT (event_id, occurrence_date) DO NOTHING
                """)
        }
    }

    // MARK: - Rows

    /// An event by id; `forShare` also keeps it from changing until the transaction ends.
    static func fetchClockEvent(_ db: PostgresDB, _ id: ClockEventID, includeDeleted: Bool, forShare: Bool = false) async throws -> ClockEvent? {
        let deleted = includeDeleted ? "" : " AND deleted_at IS NULL"
        let lock = forShare ? " FOR SHARE" : ""
        return try await db.row("SELECT * FROM clock_event WHERE id = \(id.rawValue)\(unescaped: deleted)\(unescaped: lock)").map(ClockEvent.init(pg:))
    }

    private static let occurrenceSelect = """
        SELECT o.*, p.name AS marked_by_name, p.email AS marked_by_email
        FROM clock_occurrence o LEFT JOIN person p ON p.id = o.marked_by
        """
}

extension ClockOccurrence {
    init(pg row: PGRow) throws {
        let date: String = try row["occurrence_date"]
        let status: String = try row["status"]
        let markedBy: Int64? = try row["marked_by"]
        let name: String? = try row["marked_by_name"]
        let email: String? = try row["marked_by_email"]
        self.init(
            event: ClockEventID(try row["event_id"] as Int64),
            date: LocalDate(date) ?? LocalDate(year: 2000, month: 1, day: 1)!,
            status: OccurrenceStatus(rawValue: status) ?? .planned,
            note: try row["note"],
            markedBy: markedBy.map { PersonRef(id: PersonID($0), name: name ?? "", email: email ?? "") },
            markedAt: try row["marked_at"]
        )
    }
}
