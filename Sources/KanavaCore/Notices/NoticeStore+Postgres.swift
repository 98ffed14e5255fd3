import Foundation
import PostgresNIO

extension PostgresStore: NoticeStore {
    public func createNotice(_ new: NewNotice, at time: Date, events: @escaping NoticeEvents) async throws -> Committed<(Notice, Bool)> {
        try await write("createNotice") { db in
            if let clientId = new.clientId {
                // A retry waits for the first send and finds its notice.
                try await db.lockClientId(clientId, of: "notice", in: new.account)
                if let id = try await db.value("""
                       SELECT id FROM notice WHERE account_id = \(new.account.rawValue) AND author_id IS NOT DISTINCT FROM \(new.author?.rawValue)
                         AND client_id = \(clientId)
                       """, as: Int64.self),
                   let earlier = try await Self.fetchNotice(db, NoticeID(id)) {
                    return Committed((earlier, true), events: [])
                }
            }
            guard let id = try await db.value("""
                INSERT INTO notice (account_id, author_id, client_id, priority, title, body, created_at, expires_at)
                VALUES (\(new.account.rawValue), \(new.author?.rawValue), \(new.clientId), \(new.priority.rawValue), \(new.title), \(new.body),
                        \(time), \(new.expiresAt))
                RETURNING id
                """, as: Int64.self), let notice = try await Self.fetchNotice(db, NoticeID(id)) else {
                throw KanavaError(.internal, "the notice was not stored")
            }
            return Committed((notice, false), events: try await db.append(events(notice), at: time))
        }
    }

    public func acknowledge(_ id: NoticeID, in account: AccountID, by person: PersonRef, at time: Date,
                            events: @escaping @Sendable (NoticeAcknowledged) throws -> [EventDraft]) async throws -> Committed<(NoticeAck, Bool)> {
        try await write("acknowledgeNotice") { db in
            // FOR SHARE: a withdrawal waits until this acknowledgement is in (or its check saw the notice withdrawn).
            guard let notice = try await Self.fetchNotice(db, id, forShare: true), notice.account == account else {
                throw KanavaError.notFound("notice \(id)")
            }
            if let earlier = try await Self.acknowledgedAt(db, id, by: person.id) {
                return Committed((NoticeAck(person: person, at: earlier), true), events: [])
            }
            guard notice.isInForce(at: time) else { throw KanavaError(.conflict, "notice \(id) is no longer in force") }
            let inserted = try await db.execute("""
                INSERT INTO notice_ack (notice_id, person_id, acknowledged_at) VALUES (\(id.rawValue), \(person.id.rawValue), \(time))
                ON CONFLICT (notice_id, person_id) DO NOTHING
                """)
            // The same person's other acknowledgement committed in between: theirs is the first.
            if inserted == 0, let earlier = try await Self.acknowledgedAt(db, id, by: person.id) {
                return Committed((NoticeAck(person: person, at: earlier), true), events: [])
            }
            let (acknowledged, pending) = try await Self.ackCounts(db, notice)
            let data = NoticeAcknowledged(notice: id, person: person, at: time, acknowledged: acknowledged, pending: pending)
            return Committed((NoticeAck(person: person, at: time), false), events: try await db.append(events(data), at: time))
        }
    }

    public func withdrawNotice(_ id: NoticeID, in account: AccountID, by person: PersonID?, at time: Date, events: @escaping NoticeEvents) async throws -> Committed<Notice> {
        try await write("withdrawNotice") { db in
            let withdrawn = try await db.execute("""
                UPDATE notice SET withdrawn_at = \(time), withdrawn_by = \(person?.rawValue)
                WHERE id = \(id.rawValue) AND account_id = \(account.rawValue) AND withdrawn_at IS NULL
                """)
            guard withdrawn == 1, let notice = try await Self.fetchNotice(db, id) else { throw KanavaError.notFound("notice \(id) in force") }
            return Committed(notice, events: try await db.append(events(notice), at: time))
        }
    }

    public func notice(_ id: NoticeID, in account: AccountID) async throws -> Notice? {
        try await read("notice") { db in try await Self.fetchNotice(db, id).flatMap { $0.account == account ? $0 : nil } }
    }

    public func notices(in account: AccountID, limit: Int) async throws -> [Notice] {
        try await read("notices") { db in
            try await db.rows("\(unescaped: Self.noticeSelect) WHERE n.account_id = \(account.rawValue) ORDER BY n.id DESC LIMIT \(limit)")
                .map(Notice.init(pg:))
        }
    }

    public func noticeStatus(_ id: NoticeID, in account: AccountID) async throws -> (acknowledged: [NoticeAck], pending: [NoticeStatus.PendingMember]) {
        try await read("noticeStatus") { db in
            guard let notice = try await Self.fetchNotice(db, id), notice.account == account else { throw KanavaError.notFound("notice \(id)") }
            let acknowledged = try await db.rows("""
                SELECT p.id AS person_id, p.name, p.email, a.acknowledged_at FROM notice_ack a
                JOIN person p ON p.id = a.person_id
                JOIN membership m ON m.account_id = \(account.rawValue) AND m.person_id = a.person_id
                WHERE a.notice_id = \(id.rawValue) ORDER BY a.acknowledged_at, p.name COLLATE "C"
                """).compactMap { row in
                try PersonRef(pg: row, prefix: "").map { NoticeAck(person: $0, at: try row["acknowledged_at"]) }
            }
            let pending = try await Self.pendingRows(db, notice).compactMap { row -> NoticeStatus.PendingMember? in
                guard let person = try PersonRef(pg: row, prefix: "") else { return nil }
                let reminders: Int? = try row["reminders"]
                return NoticeStatus.PendingMember(person: person, role: ChannelRole(rawValue: try row["role"]) ?? .instructor,
                                                  reminders: reminders ?? 0, escalatedAt: try row["escalated_at"])
            }
            return (acknowledged, pending.sorted { FinnishCollation.precedes($0.person.name, $1.person.name) })
        }
    }

    public func acknowledgements(by person: PersonID, of notices: [NoticeID]) async throws -> [NoticeID: Date] {
        guard !notices.isEmpty else { return [:] }
        return try await read("acknowledgements") { db in
            var found: [NoticeID: Date] = [:]
            for row in try await db.rows("""
                SELECT notice_id, acknowledged_at FROM notice_ack WHERE person_id = \(person.rawValue) AND notice_id = ANY(\(notices.map(\.rawValue)))
                """) {
                found[NoticeID(try row["notice_id"])] = try row["acknowledged_at"]
            }
            return found
        }
    }

    public func openNotices(for person: PersonID, at time: Date) async throws -> [Notice] {
        try await read("openNotices") { db in
            try await db.rows("""
                \(unescaped: Self.noticeSelect) JOIN membership me ON me.account_id = n.account_id AND me.person_id = \(person.rawValue)
                WHERE n.priority = 'urgent' AND n.withdrawn_at IS NULL AND (n.expires_at IS NULL OR n.expires_at > \(time))
                  AND n.author_id IS DISTINCT FROM me.person_id
                  AND NOT EXISTS (SELECT 1 FROM notice_ack a WHERE a.notice_id = n.id AND a.person_id = me.person_id)
                ORDER BY n.id
                """).map(Notice.init(pg:))
        }
    }

    public func followUpCandidates(at time: Date) async throws -> [FollowUpCandidate] {
        try await read("followUpCandidates") { db in
            let notices = try await db.rows("""
                \(unescaped: Self.noticeSelect)
                WHERE n.priority = 'urgent' AND n.withdrawn_at IS NULL AND (n.expires_at IS NULL OR n.expires_at > \(time)) ORDER BY n.id
                """).map(Notice.init(pg:))
            var candidates: [FollowUpCandidate] = []
            for notice in notices {
                for row in try await Self.pendingRows(db, notice) {
                    guard let person = try PersonRef(pg: row, prefix: "") else { continue }
                    let reminders: Int? = try row["reminders"]
                    candidates.append(FollowUpCandidate(
                        notice: notice, person: person, language: try row["language"], role: ChannelRole(rawValue: try row["role"]) ?? .instructor,
                        cities: StoredList.decode(try row["cities"]), joinedAt: try row["joined_at"], reminders: reminders ?? 0,
                        lastRemindedAt: try row["last_reminded_at"], escalatedAt: try row["escalated_at"]
                    ))
                }
            }
            return candidates
        }
    }

    public func recordFollowUp(_ record: FollowUpRecord, at time: Date) async throws -> [StreamEvent] {
        try await write("recordFollowUp") { db in
            for person in record.reminded {
                try await db.execute("""
                    INSERT INTO notice_follow_up (notice_id, person_id, reminders, last_reminded_at) VALUES (\(record.notice.rawValue), \(person.rawValue), 1, \(time))
                    ON CONFLICT (notice_id, person_id) DO UPDATE
                        SET reminders = notice_follow_up.reminders + 1, last_reminded_at = excluded.last_reminded_at
                    """)
            }
            for person in record.escalated {
                try await db.execute("""
                    INSERT INTO notice_follow_up (notice_id, person_id, escalated_at) VALUES (\(record.notice.rawValue), \(person.rawValue), \(time))
                    ON CONFLICT (notice_id, person_id) DO UPDATE SET escalated_at = COALESCE(notice_follow_up.escalated_at, excluded.escalated_at)
                    """)
            }
            try await db.enqueue(record.mails, at: time)
            return try await db.append(record.events, at: time)
        }
    }

    // MARK: - Rows

    static let noticeSelect = """
        SELECT n.*, p.id AS person_id, p.name, p.email FROM notice n LEFT JOIN person p ON p.id = n.author_id
        """

    /// A notice by id; `forShare` also keeps it from changing until the transaction ends.
    static func fetchNotice(_ db: PostgresDB, _ id: NoticeID, forShare: Bool = false) async throws -> Notice? {
        try await db.row("""
            \(unescaped: noticeSelect) WHERE n.id = \(id.rawValue)\(unescaped: forShare ? " FOR SHARE OF n" : "")
            """).map(Notice.init(pg:))
    }

    static func acknowledgedAt(_ db: PostgresDB, _ id: NoticeID, by person: PersonID) async throws -> Date? {
        try await db.value("SELECT acknowledged_at FROM notice_ack WHERE notice_id = \(id.rawValue) AND person_id = \(person.rawValue)", as: Date.self)
    }

    /// Current members but the sender who have not acknowledged, with their follow-up state.
    static func pendingRows(_ db: PostgresDB, _ notice: Notice) async throws -> [PGRow] {
        try await db.rows("""
            SELECT p.id AS person_id, p.name, p.email, p.language, m.role, m.cities, m.joined_at,
                   f.reminders, f.last_reminded_at, f.escalated_at
            FROM membership m JOIN person p ON p.id = m.person_id
            LEFT JOIN notice_follow_up f ON f.notice_id = \(notice.id.rawValue) AND f.person_id = m.person_id
            WHERE m.account_id = \(notice.account.rawValue) AND m.person_id IS DISTINCT FROM \(notice.author?.id.rawValue)
              AND NOT EXISTS (SELECT 1 FROM notice_ack a WHERE a.notice_id = \(notice.id.rawValue) AND a.person_id = m.person_id)
            """)
    }

    static func ackCounts(_ db: PostgresDB, _ notice: Notice) async throws -> (acknowledged: Int, pending: Int) {
        let acknowledged = try await db.value("""
            SELECT COUNT(*) FROM notice_ack a JOIN membership m ON m.account_id = \(notice.account.rawValue) AND m.person_id = a.person_id
            WHERE a.notice_id = \(notice.id.rawValue)
            """, as: Int.self) ?? 0
        return (acknowledged, try await pendingRows(db, notice).count)
    }
}

extension Notice {
    init(pg row: PGRow) throws {
        self.init(id: NoticeID(try row["id"] as Int64), account: AccountID(stored: try row["account_id"]), author: try PersonRef(pg: row, prefix: ""),
                  priority: NoticePriority(rawValue: try row["priority"]) ?? .important, title: try row["title"], body: try row["body"],
                  createdAt: try row["created_at"], expiresAt: try row["expires_at"], withdrawnAt: try row["withdrawn_at"])
    }
}
