import Foundation
import GRDB

public typealias NoticeEvents = @Sendable (Notice) throws -> [EventDraft]

/// A member who owes an acknowledgement of an urgent notice in force, with what the follow-up has done so far.
public struct FollowUpCandidate: Sendable {
    public var notice: Notice
    public var person: PersonRef
    public var language: String?
    public var role: ChannelRole
    public var cities: [String]
    public var joinedAt: Date
    public var reminders: Int
    public var lastRemindedAt: Date?
    public var escalatedAt: Date?
}

/// What one follow-up round did for one notice, stored in one transaction with its mails and events.
public struct FollowUpRecord: Sendable {
    public var notice: NoticeID
    public var reminded: [PersonID]
    public var escalated: [PersonID]
    public var mails: [OutgoingMail]
    public var events: [EventDraft]

    public init(notice: NoticeID, reminded: [PersonID], escalated: [PersonID], mails: [OutgoingMail], events: [EventDraft]) {
        self.notice = notice
        self.reminded = reminded
        self.escalated = escalated
        self.mails = mails
        self.events = events
    }
}

public protocol NoticeStore: Sendable {
    /// Stores a notice, or finds the one stored earlier under the same author and client id (second value true).
    func createNotice(_ new: NewNotice, at time: Date, events: @escaping NoticeEvents) async throws -> Committed<(Notice, Bool)>
    /// Records a member's acknowledgement; a second one keeps the first time (second value true, no events).
    func acknowledge(_ id: NoticeID, in account: AccountID, by person: PersonRef, at time: Date,
                     events: @escaping @Sendable (NoticeAcknowledged) throws -> [EventDraft]) async throws -> Committed<(NoticeAck, Bool)>
    func withdrawNotice(_ id: NoticeID, in account: AccountID, by person: PersonID?, at time: Date, events: @escaping NoticeEvents) async throws -> Committed<Notice>
    func notice(_ id: NoticeID, in account: AccountID) async throws -> Notice?
    /// The account's notices, newest first.
    func notices(in account: AccountID, limit: Int) async throws -> [Notice]
    /// Acknowledgements by current members, and the current members (but the sender) who still owe one.
    func noticeStatus(_ id: NoticeID, in account: AccountID) async throws -> (acknowledged: [NoticeAck], pending: [NoticeStatus.PendingMember])
    /// When the person acknowledged each of these notices.
    func acknowledgements(by person: PersonID, of notices: [NoticeID]) async throws -> [NoticeID: Date]
    /// Urgent notices in force at `time` that the person must still acknowledge, in all their channels, oldest first.
    func openNotices(for person: PersonID, at time: Date) async throws -> [Notice]
    /// Every member who owes an acknowledgement of an urgent notice in force at `time`.
    func followUpCandidates(at time: Date) async throws -> [FollowUpCandidate]
    func recordFollowUp(_ record: FollowUpRecord, at time: Date) async throws -> [StreamEvent]
}

extension SQLiteStore: NoticeStore {
    public func createNotice(_ new: NewNotice, at time: Date, events: @escaping NoticeEvents) async throws -> Committed<(Notice, Bool)> {
        try await write("createNotice") { db in
            if let clientId = new.clientId,
               let id = try Int64.fetchOne(db, sql: "SELECT id FROM notice WHERE account_id = ? AND author_id IS ? AND client_id = ?",
                                           arguments: [new.account.rawValue, new.author?.rawValue, clientId]),
               let earlier = try Self.fetchNotice(db, NoticeID(id)) {
                return Committed((earlier, true), events: [])
            }
            try db.execute(sql: """
                INSERT INTO notice (account_id, author_id, client_id, priority, title, body, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [new.account.rawValue, new.author?.rawValue, new.clientId, new.priority.rawValue, new.title, new.body, time, new.expiresAt])
            guard let notice = try Self.fetchNotice(db, NoticeID(db.lastInsertedRowID)) else { throw KanavaError(.internal, "the notice was not stored") }
            return Committed((notice, false), events: try db.append(events(notice), at: time))
        }
    }

    public func acknowledge(_ id: NoticeID, in account: AccountID, by person: PersonRef, at time: Date,
                            events: @escaping @Sendable (NoticeAcknowledged) throws -> [EventDraft]) async throws -> Committed<(NoticeAck, Bool)> {
        try await write("acknowledgeNotice") { db in
            guard let notice = try Self.fetchNotice(db, id), notice.account == account else { throw KanavaError.notFound("notice \(id)") }
            if let earlier = try Date.fetchOne(db, sql: "SELECT acknowledged_at FROM notice_ack WHERE notice_id = ? AND person_id = ?",
                                               arguments: [id.rawValue, person.id.rawValue]) {
                return Committed((NoticeAck(person: person, at: earlier), true), events: [])
            }
            guard notice.isInForce(at: time) else { throw KanavaError(.conflict, "notice \(id) is no longer in force") }
            try db.execute(sql: "INSERT INTO notice_ack (notice_id, person_id, acknowledged_at) VALUES (?, ?, ?)",
                           arguments: [id.rawValue, person.id.rawValue, time])
            let (acknowledged, pending) = try Self.ackCounts(db, notice)
            let data = NoticeAcknowledged(notice: id, person: person, at: time, acknowledged: acknowledged, pending: pending)
            return Committed((NoticeAck(person: person, at: time), false), events: try db.append(events(data), at: time))
        }
    }

    public func withdrawNotice(_ id: NoticeID, in account: AccountID, by person: PersonID?, at time: Date, events: @escaping NoticeEvents) async throws -> Committed<Notice> {
        try await write("withdrawNotice") { db in
            try db.execute(sql: "UPDATE notice SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ? AND account_id = ? AND withdrawn_at IS NULL",
                           arguments: [time, person?.rawValue, id.rawValue, account.rawValue])
            guard db.changesCount == 1, let notice = try Self.fetchNotice(db, id) else { throw KanavaError.notFound("notice \(id) in force") }
            return Committed(notice, events: try db.append(events(notice), at: time))
        }
    }

    public func notice(_ id: NoticeID, in account: AccountID) async throws -> Notice? {
        try await read("notice") { db in try Self.fetchNotice(db, id).flatMap { $0.account == account ? $0 : nil } }
    }

    public func notices(in account: AccountID, limit: Int) async throws -> [Notice] {
        try await read("notices") { db in
            try Row.fetchAll(db, sql: Self.noticeSelect + " WHERE n.account_id = ? ORDER BY n.id DESC LIMIT ?", arguments: [account.rawValue, limit])
                .map(Notice.init(row:))
        }
    }

    public func noticeStatus(_ id: NoticeID, in account: AccountID) async throws -> (acknowledged: [NoticeAck], pending: [NoticeStatus.PendingMember]) {
        try await read("noticeStatus") { db in
            guard let notice = try Self.fetchNotice(db, id), notice.account == account else { throw KanavaError.notFound("notice \(id)") }
            let acknowledged = try Row.fetchAll(db, sql: """
                SELECT p.id AS person_id, p.name, p.email, a.acknowledged_at FROM notice_ack a
                JOIN person p ON p.id = a.person_id
                JOIN membership m ON m.account_id = ? AND m.person_id = a.person_id
                WHERE a.notice_id = ? ORDER BY a.acknowledged_at, p.name
                """, arguments: [account.rawValue, id.rawValue]).compactMap { row in
                PersonRef(row: row, prefix: "").map { NoticeAck(person: $0, at: row["acknowledged_at"]) }
            }
            let pending = try Self.pendingRows(db, notice).compactMap { row -> NoticeStatus.PendingMember? in
                guard let person = PersonRef(row: row, prefix: "") else { return nil }
                return NoticeStatus.PendingMember(person: person, role: ChannelRole(rawValue: row["role"]) ?? .instructor,
                                                  reminders: row["reminders"] ?? 0, escalatedAt: row["escalated_at"])
            }
            return (acknowledged, pending.sorted { FinnishCollation.precedes($0.person.name, $1.person.name) })
        }
    }

    public func acknowledgements(by person: PersonID, of notices: [NoticeID]) async throws -> [NoticeID: Date] {
        guard !notices.isEmpty else { return [:] }
        return try await read("acknowledgements") { db in
            var found: [NoticeID: Date] = [:]
            let marks = databaseQuestionMarks(count: notices.count)
            for row in try Row.fetchAll(db, sql: "SELECT notice_id, acknowledged_at FROM notice_ack WHERE person_id = ? AND notice_id IN (\(marks))",
                                        arguments: StatementArguments([person.rawValue] + notices.map(\.rawValue))) {
                found[NoticeID(row["notice_id"])] = row["acknowledged_at"]
            }
            return found
        }
    }

    public func openNotices(for person: PersonID, at time: Date) async throws -> [Notice] {
        try await read("openNotices") { db in
            try Row.fetchAll(db, sql: Self.noticeSelect + """
                 JOIN membership me ON me.account_id = n.account_id AND me.person_id = ?1
                WHERE n.priority = 'urgent' AND n.withdrawn_at IS NULL AND (n.expires_at IS NULL OR n.expires_at > ?2)
                  AND n.author_id IS NOT ?1
                  AND NOT EXISTS (SELECT 1 FROM notice_ack a WHERE a.notice_id = n.id AND a.person_id = ?1)
                ORDER BY n.id
                """, arguments: [person.rawValue, time]).map(Notice.init(row:))
        }
    }

    public func followUpCandidates(at time: Date) async throws -> [FollowUpCandidate] {
        try await read("followUpCandidates") { db in
            let notices = try Row.fetchAll(db, sql: Self.noticeSelect + """
                 WHERE n.priority = 'urgent' AND n.withdrawn_at IS NULL AND (n.expires_at IS NULL OR n.expires_at > ?) ORDER BY n.id
                """, arguments: [time]).map(Notice.init(row:))
            return try notices.flatMap { notice in
                try Self.pendingRows(db, notice).compactMap { row -> FollowUpCandidate? in
                    guard let person = PersonRef(row: row, prefix: "") else { return nil }
                    return FollowUpCandidate(notice: notice, person: person, language: row["language"], role: ChannelRole(rawValue: row["role"]) ?? .instructor,
                                             cities: StoredList.decode(row["cities"]), joinedAt: row["joined_at"], reminders: row["reminders"] ?? 0,
                                             lastRemindedAt: row["last_reminded_at"], escalatedAt: row["escalated_at"])
                }
            }
        }
    }

    public func recordFollowUp(_ record: FollowUpRecord, at time: Date) async throws -> [StreamEvent] {
        try await write("recordFollowUp") { db in
            for person in record.reminded {
                try db.cachedStatement(sql: """
                    INSERT INTO notice_follow_up (notice_id, person_id, reminders, last_reminded_at) VALUES (?, ?, 1, ?)
                    ON CONFLICT (notice_id, person_id) DO UPDATE SET reminders = reminders + 1, last_reminded_at = excluded.last_reminded_at
                    """).execute(arguments: [record.notice.rawValue, person.rawValue, time])
            }
            for person in record.escalated {
                try db.cachedStatement(sql: """
                    INSERT INTO notice_follow_up (notice_id, person_id, escalated_at) VALUES (?, ?, ?)
                    ON CONFLICT (notice_id, person_id) DO UPDATE SET escalated_at = COALESCE(escalated_at, excluded.escalated_at)
                    """).execute(arguments: [record.notice.rawValue, person.rawValue, time])
            }
            try db.enqueue(record.mails, at: time)
            return try db.append(record.events, at: time)
        }
    }

    // MARK: - Rows

    static let noticeSelect = """
        SELECT n.*, p.id AS person_id, p.name, p.email FROM notice n LEFT JOIN person p ON p.id = n.author_id
        """

    static func fetchNotice(_ db: Database, _ id: NoticeID) throws -> Notice? {
        try Row.fetchOne(db, sql: noticeSelect + " WHERE n.id = ?", arguments: [id.rawValue]).map(Notice.init(row:))
    }

    /// Current members but the sender who have not acknowledged, with their follow-up state.
    static func pendingRows(_ db: Database, _ notice: Notice) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT p.id AS person_id, p.name, p.email, p.language, m.role, m.cities, m.joined_at,
                   f.reminders, f.last_reminded_at, f.escalated_at
            FROM membership m JOIN person p ON p.id = m.person_id
            LEFT JOIN notice_follow_up f ON f.notice_id = ?1 AND f.person_id = m.person_id
            WHERE m.account_id = ?2 AND m.person_id IS NOT ?3
              AND NOT EXISTS (SELECT 1 FROM notice_ack a WHERE a.notice_id = ?1 AND a.person_id = m.person_id)
            """), arguments: [notice.id.rawValue, notice.account.rawValue, notice.author?.id.rawValue])
    }

    static func ackCounts(_ db: Database, _ notice: Notice) throws -> (acknowledged: Int, pending: Int) {
        let acknowledged = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM notice_ack a JOIN membership m ON m.account_id = ? AND m.person_id = a.person_id WHERE a.notice_id = ?
            """, arguments: [notice.account.rawValue, notice.id.rawValue]) ?? 0
        return (acknowledged, try pendingRows(db, notice).count)
    }
}

extension Notice {
    init(row: Row) {
        self.init(id: NoticeID(row["id"]), account: AccountID(stored: row["account_id"]), author: PersonRef(row: row, prefix: ""),
                  priority: NoticePriority(rawValue: row["priority"]) ?? .important, title: row["title"], body: row["body"],
                  createdAt: row["created_at"], expiresAt: row["expires_at"], withdrawnAt: row["withdrawn_at"])
    }
}
