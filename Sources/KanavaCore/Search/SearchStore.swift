import Foundation
import GRDB

/// Who is searching: the store returns only what this viewer may see.
public struct SearchScope: Sendable {
    public var viewer: PersonID
    /// Admins see every channel; everyone else only the channels they are members of.
    public var isAdmin: Bool
    /// One channel only, or all the viewer's.
    public var account: AccountID?
}

public protocol SearchStore: Sendable {
    func searchSections(_ query: SearchQuery, scope: SearchScope, limit: Int) async throws -> [SectionHit]
    func searchMessages(_ query: SearchQuery, scope: SearchScope, limit: Int) async throws -> [MessageHit]
}

/// The access rules are in the SQL (a member's channels, restricted sections by role, private conversations for
/// their member and the director), so nothing the viewer may not see ever leaves the database.
extension SQLiteStore: SearchStore {
    public func searchSections(_ query: SearchQuery, scope: SearchScope, limit: Int) async throws -> [SectionHit] {
        try await read("searchSections") { db in
            var sql = """
                SELECT ss.account_id, ss.key, s.number, s.title, a.name AS account_name,
                       snippet(section_search, -1, char(2), char(3), '…', 16) AS snip
                FROM section_search ss
                JOIN section s ON s.account_id = ss.account_id AND s.key = ss.key
                JOIN account a ON a.id = ss.account_id
                LEFT JOIN membership me ON me.account_id = ss.account_id AND me.person_id = ?
                WHERE section_search MATCH ?
                  AND (? OR (me.person_id IS NOT NULL
                             AND (s.restricted_to IS NULL OR instr(',' || s.restricted_to || ',', ',' || me.role || ',') > 0)
                             AND (s.in_use OR me.role = 'account_director')))
                """
            var arguments: StatementArguments = [scope.viewer.rawValue, query.ftsExpression, scope.isAdmin]
            if let account = scope.account {
                sql += " AND ss.account_id = ?"
                arguments += [account.rawValue]
            }
            for word in query.exactWords {
                sql += " AND kanava_word_prefix(s.title || ' ' || ss.body, ?)"
                arguments += [word]
            }
            sql += " ORDER BY bm25(section_search, 0, 0, 5, 1) LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let account: String = row["account_id"]
                let snippet: String? = row["snip"]
                return SectionHit(account: AccountID(stored: account), accountName: row["account_name"], key: row["key"],
                                  number: row["number"], title: row["title"], snippet: SnippetPart.parts(snippet ?? ""))
            }
        }
    }

    public func searchMessages(_ query: SearchQuery, scope: SearchScope, limit: Int) async throws -> [MessageHit] {
        try await read("searchMessages") { db in
            var sql = """
                SELECT m.id, m.account_id, m.thread_root_id, m.private_with, m.author_name, m.created_at, a.name AS account_name,
                       p.id AS person_id, p.name, p.email,
                       snippet(message_search, 0, char(2), char(3), '…', 16) AS snip
                FROM message_search
                JOIN message m ON m.id = message_search.rowid
                JOIN account a ON a.id = m.account_id
                LEFT JOIN person p ON p.id = m.author_id
                LEFT JOIN membership me ON me.account_id = m.account_id AND me.person_id = ?1
                WHERE message_search MATCH ?2 AND m.deleted_at IS NULL
                  AND (?3 OR (me.person_id IS NOT NULL
                              AND (m.private_with IS NULL OR m.private_with = ?1 OR me.role = 'account_director')))
                """
            var arguments: StatementArguments = [scope.viewer.rawValue, query.ftsExpression, scope.isAdmin]
            if let account = scope.account {
                sql += " AND m.account_id = ?"
                arguments += [account.rawValue]
            }
            for word in query.exactWords {
                sql += " AND kanava_word_prefix(m.body, ?)"
                arguments += [word]
            }
            sql += " ORDER BY bm25(message_search) LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let root: Int64? = row["thread_root_id"]
                let privateWith: Int64? = row["private_with"]
                let account: String = row["account_id"]
                let id: Int64 = row["id"]
                let snippet: String? = row["snip"]
                return MessageHit(account: AccountID(stored: account), accountName: row["account_name"], id: MessageID(id),
                                  threadRoot: root.map { MessageID($0) }, privateWith: privateWith.map { PersonID($0) },
                                  author: PersonRef(row: row, prefix: ""), authorName: row["author_name"], createdAt: row["created_at"],
                                  snippet: SnippetPart.parts(snippet ?? ""))
            }
        }
    }
}
