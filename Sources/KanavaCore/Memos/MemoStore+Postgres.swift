import Foundation
import PostgresNIO

extension PostgresStore: MemoStore {
    public func createMemo(_ new: NewMemo, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo> {
        try await write("createMemo") { db in
            guard try await db.lockChannel(new.account) else { throw KanavaError.notFound("channel \(new.account)") }
            let id = MemoID(try await db.value("""
                INSERT INTO memo (account_id, title, meeting_date, participants, body, author_id, created_at)
                VALUES (\(new.account.rawValue), \(new.title), \(new.meetingDate.description), \(try StoredList.encode(new.participants)),
                        \(new.body), \(new.author?.rawValue), \(time))
                RETURNING id
                """, as: Int64.self)!)
            let memo = try await Self.fetchMemo(db, id, includeDeleted: false)!
            return Committed(memo, events: try await db.append(events(memo), at: time))
        }
    }

    public func updateMemo(_ memo: Memo, editor: PersonID?, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo> {
        try await write("updateMemo") { db in
            try await db.lockChannel(memo.account)
            let updated = try await db.execute("""
                UPDATE memo SET title = \(memo.title), meeting_date = \(memo.meetingDate.description),
                    participants = \(try StoredList.encode(memo.participants)), body = \(memo.body),
                    edited_at = \(time), edited_by = \(editor?.rawValue)
                WHERE id = \(memo.id.rawValue) AND account_id = \(memo.account.rawValue) AND deleted_at IS NULL
                """)
            guard updated == 1 else { throw KanavaError.notFound("memo \(memo.id)") }
            let stored = try await Self.fetchMemo(db, memo.id, includeDeleted: false)!
            return Committed(stored, events: try await db.append(events(stored), at: time))
        }
    }

    public func deleteMemo(_ id: MemoID, in account: AccountID, by person: PersonID?, at time: Date,
                           events: @escaping MemoEvents) async throws -> Committed<Memo> {
        try await write("deleteMemo") { db in
            try await db.lockChannel(account)
            let deleted = try await db.execute("""
                UPDATE memo SET deleted_at = \(time), deleted_by = \(person?.rawValue)
                WHERE id = \(id.rawValue) AND account_id = \(account.rawValue) AND deleted_at IS NULL
                """)
            guard deleted == 1 else { throw KanavaError.notFound("memo \(id)") }
            let memo = try await Self.fetchMemo(db, id, includeDeleted: true)!
            return Committed(memo, events: try await db.append(events(memo), at: time))
        }
    }

    public func memo(_ id: MemoID, in account: AccountID) async throws -> Memo? {
        try await read("memo") { db in
            try await Self.fetchMemo(db, id, includeDeleted: false).flatMap { $0.account == account ? $0 : nil }
        }
    }

    public func memos(in account: AccountID) async throws -> [MemoSummary] {
        try await read("memos") { db in
            try await db.rows("""
                \(unescaped: Self.memoSelect(body: "'' AS body"))
                WHERE m.account_id = \(account.rawValue) AND m.deleted_at IS NULL
                ORDER BY m.meeting_date COLLATE "C" DESC, m.created_at DESC, m.id DESC
                """).map { MemoSummary(try Memo(pg: $0)) }
        }
    }

    private static func memoSelect(body: String) -> String {
        """
        SELECT m.id, m.account_id, m.title, m.meeting_date, m.participants, \(body), m.author_id, m.created_at, m.edited_at, m.edited_by,
               a.name AS author_name, a.email AS author_email, e.name AS editor_name, e.email AS editor_email
        FROM memo m LEFT JOIN person a ON a.id = m.author_id LEFT JOIN person e ON e.id = m.edited_by
        """
    }

    static func fetchMemo(_ db: PostgresDB, _ id: MemoID, includeDeleted: Bool) async throws -> Memo? {
        try await db.row("""
            \(unescaped: memoSelect(body: "m.body")) WHERE m.id = \(id.rawValue)\(unescaped: includeDeleted ? "" : " AND m.deleted_at IS NULL")
            """).map(Memo.init(pg:))
    }
}

extension Memo {
    init(pg row: PGRow) throws {
        let author: Int64? = try row["author_id"]
        let authorName: String? = try row["author_name"]
        let authorEmail: String? = try row["author_email"]
        let editor: Int64? = try row["edited_by"]
        let editorName: String? = try row["editor_name"]
        let editorEmail: String? = try row["editor_email"]
        let meetingDate: String = try row["meeting_date"]
        self.init(
            id: MemoID(try row["id"]),
            account: AccountID(stored: try row["account_id"]),
            title: try row["title"],
            meetingDate: LocalDate(meetingDate) ?? LocalDate(year: 1900, month: 1, day: 1)!,
            participants: StoredList.decode(try row["participants"]),
            body: try row["body"],
            author: author.map { PersonRef(id: PersonID($0), name: authorName ?? "", email: authorEmail ?? "") },
            createdAt: try row["created_at"],
            editedAt: try row["edited_at"],
            editedBy: editor.map { PersonRef(id: PersonID($0), name: editorName ?? "", email: editorEmail ?? "") }
        )
    }
}
