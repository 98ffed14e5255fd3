import Foundation
import PostgresNIO

/// PostgreSQL's text search in place of FTS5 (see the search part of `v5-chat-notices-search` in ``PostgresSchema``):
/// `kanava_tsquery` makes every word a prefix, all required, matching the folded text as written or stemmed; words
/// typed with diacritics must also appear so (`kanava_word_prefix`), as on SQLite. The access rules are the SQLite
/// store's, in the SQL.
extension PostgresStore: SearchStore {
    public func searchSections(_ query: SearchQuery, scope: SearchScope, limit: Int) async throws -> [SectionHit] {
        try await read("searchSections") { db in
            // FTS5's snippet(…, -1, …) shows the column that matches best: the body when it has every word or the
            // title has not, else the title.
            try await db.rows("""
                SELECT ss.account_id, ss.key, s.number, s.title, a.name AS account_name, shown.text AS snip_text,
                       ts_headline('kanava_simple', shown.text, q, \(Self.headlineOptions)) AS snip
                FROM section_search ss
                CROSS JOIN kanava_tsquery(\(query.words)) AS q
                JOIN section s ON s.account_id = ss.account_id AND s.key = ss.key
                JOIN account a ON a.id = ss.account_id
                LEFT JOIN membership me ON me.account_id = ss.account_id AND me.person_id = \(scope.viewer.rawValue)
                CROSS JOIN LATERAL (
                    SELECT CASE WHEN ts_filter(ss.tsv, '{d}') @@ q OR NOT ts_filter(ss.tsv, '{a}') @@ q THEN ss.body ELSE ss.title END AS text
                ) AS shown
                WHERE ss.tsv @@ q
                  AND (\(scope.isAdmin) OR (me.person_id IS NOT NULL
                           AND (s.restricted_to IS NULL OR strpos(',' || s.restricted_to || ',', ',' || me.role || ',') > 0)
                           AND (s.in_use OR me.role = 'account_director')))
                  AND (\(scope.account?.rawValue)::text IS NULL OR ss.account_id = \(scope.account?.rawValue))
                  AND NOT EXISTS (SELECT 1 FROM unnest(\(query.exactWords)::text[]) AS w(word)
                                  WHERE NOT kanava_word_prefix(s.title || ' ' || ss.body, w.word))
                ORDER BY ts_rank('{0.2, 0.2, 0.4, 1.0}', ss.tsv, q) DESC, ss.account_id COLLATE "C", ss.key COLLATE "C"
                LIMIT \(limit)
                """).map { row in
                SectionHit(account: AccountID(stored: try row["account_id"]), accountName: try row["account_name"], key: try row["key"],
                           number: try row["number"], title: try row["title"], snippet: try Self.snippet(row))
            }
        }
    }

    public func searchMessages(_ query: SearchQuery, scope: SearchScope, limit: Int) async throws -> [MessageHit] {
        try await read("searchMessages") { db in
            try await db.rows("""
                SELECT m.id, m.account_id, m.thread_root_id, m.private_with, m.author_name, m.created_at, a.name AS account_name,
                       p.id AS person_id, p.name, p.email, ms.body AS snip_text,
                       ts_headline('kanava_simple', ms.body, q, \(Self.headlineOptions)) AS snip
                FROM message_search ms
                CROSS JOIN kanava_tsquery(\(query.words)) AS q
                JOIN message m ON m.id = ms.rowid
                JOIN account a ON a.id = m.account_id
                LEFT JOIN person p ON p.id = m.author_id
                LEFT JOIN membership me ON me.account_id = m.account_id AND me.person_id = \(scope.viewer.rawValue)
                WHERE ms.tsv @@ q AND m.deleted_at IS NULL
                  AND (\(scope.isAdmin) OR (me.person_id IS NOT NULL
                           AND (m.private_with IS NULL OR m.private_with = \(scope.viewer.rawValue) OR me.role = 'account_director')))
                  AND (\(scope.account?.rawValue)::text IS NULL OR m.account_id = \(scope.account?.rawValue))
                  AND NOT EXISTS (SELECT 1 FROM unnest(\(query.exactWords)::text[]) AS w(word) WHERE NOT kanava_word_prefix(m.body, w.word))
                ORDER BY ts_rank(ms.tsv, q) DESC, m.id
                LIMIT \(limit)
                """).map { row in
                let root: Int64? = try row["thread_root_id"]
                let privateWith: Int64? = try row["private_with"]
                return MessageHit(account: AccountID(stored: try row["account_id"]), accountName: try row["account_name"],
                                  id: MessageID(try row["id"]), threadRoot: root.map { MessageID($0) }, privateWith: privateWith.map { PersonID($0) },
                                  author: try PersonRef(pg: row, prefix: ""),
                                  authorName: try row["author_name"], createdAt: try row["created_at"], snippet: try Self.snippet(row))
            }
        }
    }

    /// ts_headline's options for FTS5's `snippet(…, char(2), char(3), '…', 16)`: hits between STX and ETX, one
    /// fragment of about 16 words around them (the first 15 words when the text has no hit), short words counted.
    private static let headlineOptions = "StartSel=\u{2}, StopSel=\u{3}, MaxFragments=1, MaxWords=16, MinWords=15, ShortWord=0"

    /// The row's `snip` (a headline of `snip_text`) as FTS5 shows a snippet: "…" where the text goes on before or after
    /// it, and the rest of the text (its closing punctuation) when it reaches the last word, which ts_headline leaves out.
    private static func snippet(_ row: PGRow) throws -> [SnippetPart] {
        let headline: String = try row["snip"] ?? ""
        let text: String = try row["snip_text"] ?? ""
        let shown = headline.filter { $0 != "\u{2}" && $0 != "\u{3}" }
        guard !shown.isEmpty, let range = text.range(of: shown) else { return SnippetPart.parts(headline) }
        let hasWords = { (part: Substring) in part.contains { $0.isLetter || $0.isNumber } }
        let before = hasWords(text[..<range.lowerBound]) ? "…" : ""
        let after = text[range.upperBound...]
        return SnippetPart.parts(before + headline + (hasWords(after) ? "…" : after))
    }
}
