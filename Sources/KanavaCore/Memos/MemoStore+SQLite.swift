import Foundation
import GRDB

extension SQLiteStore: MemoStore {
    public func createMemo(_ new: NewMemo, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo> {
        try await write("createMemo") { db in
            guard try Self.fetchAccount(db, new.account) != nil else { throw KanavaError.notFound("channel \(new.account)") }
            try db.execute(
                sql: """
                    INSERT INTO memo (account_id, title, meeting_date, participants, body, author_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [new.account.rawValue, new.title, new.meetingDate.description, try StoredList.encode(new.participants),
                            new.body, new.author?.rawValue, time]
            )
            let memo = try Self.fetchMemo(db, MemoID(db.lastInsertedRowID), includeDeleted: false)!
            return Committed(memo, events: try db.append(events(memo), at: time))
        }
    }

    public func updateMemo(_ memo: Memo, editor: PersonID?, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo> {
        try await write("updateMemo") { db in
            try db.execute(
                sql: """
                    UPDATE memo SET title = ?, meeting_date = ?, participants = ?, body = ?, edited_at = ?, edited_by = ?
                    WHERE id = ? AND account_id = ? AND deleted_at IS NULL
                    """,
                arguments: [memo.title, memo.meetingDate.description, try StoredList.encode(memo.participants), memo.body,
                            time, editor?.rawValue, memo.id.rawValue, memo.account.rawValue]
            )
            guard db.changesCount == 1 else { throw KanavaError.notFound("memo \(memo.id)") }
            let stored = try Self.fetchMemo(db, memo.id, includeDeleted: false)!
            return Committed(stored, events: try db.append(events(stored), at: time))
        }
    }

    public func deleteMemo(_ id: MemoID, in account: AccountID, by person: PersonID?, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo> {
        try await write("deleteMemo") { db in
            try db.execute(
                sql: "UPDATE memo SET deleted_at = ?, deleted_by = ? WHERE id = ? AND account_id = ? AND deleted_at IS NULL",
                arguments: [time, person?.rawValue, id.rawValue, account.rawValue]
            )
            guard db.changesCount == 1 else { throw KanavaError.notFound("memo \(id)") }
            let memo = try Self.fetchMemo(db, id, includeDeleted: true)!
            return Committed(memo, events: try db.append(events(memo), at: time))
        }
    }

    public func memo(_ id: MemoID, in account: AccountID) async throws -> Memo? {
        try await read("memo") { db in
            try Self.fetchMemo(db, id, includeDeleted: false).flatMap { $0.account == account ? $0 : nil }
        }
    }

    public func memos(in account: AccountID) async throws -> [MemoSummary] {
        try await read("memos") { db in
            try Row.fetchAll(
                db,
                sql: Self.memoSelect(body: "'' AS body")
                    + " WHERE m.account_id = ? AND m.deleted_at IS NULL ORDER BY m.meeting_date DESC, m.created_at DESC, m.id DESC",
                arguments: [account.rawValue]
            ).map { MemoSummary(Memo(row: $0)) }
        }
    }

    private static func memoSelect(body: String) -> String {
        """
        SELECT m.id, m.account_id, m.title, m.meeting_date, m.participants, \(body), m.author_id, m.created_at, m.edited_at, m.edited_by,
               a.name AS author_name, a.email AS author_email, e.name AS editor_name, e.email AS editor_email
        FROM memo m LEFT JOIN person a ON a.id = m.author_id LEFT JOIN person e ON e.id = m.edited_by
        """
    }

    static func fetchMemo(_ db: Database, _ id: MemoID, includeDeleted: Bool) throws -> Memo? {
        try Row.fetchOne(db, sql: memoSelect(body: "m.body") + " WHERE m.id = ?" + (includeDeleted ? "" : " AND m.deleted_at IS NULL"),
                         arguments: [id.rawValue]).map(Memo.init(row:))
    }
}

extension Memo {
    init(row: Row) {
        let author: Int64? = row["author_id"]
        let editor: Int64? = row["edited_by"]
        let meetingDate: String = row["meeting_date"]
        self.init(
            id: MemoID(row["id"]),
            account: AccountID(stored: row["account_id"]),
            title: row["title"],
            meetingDate: LocalDate(meetingDate) ?? LocalDate(year: 1900, month: 1, day: 1)!,
            participants: StoredList.decode(row["participants"]),
            body: row["body"],
            author: author.map { PersonRef(id: PersonID($0), name: row["author_name"] ?? "", email: row["author_email"] ?? "") },
            createdAt: row["created_at"],
            editedAt: row["edited_at"],
            editedBy: editor.map { PersonRef(id: PersonID($0), name: row["editor_name"] ?? "", email: row["editor_email"] ?? "") }
        )
    }
}
