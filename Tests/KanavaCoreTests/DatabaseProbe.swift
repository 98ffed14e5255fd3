import Crypto
import Foundation
import GRDB
@testable import KanavaCore
import KanavaTestSupport
import PostgresNIO

/// Plain SQL on a test installation's database, on either backend: for checks that no store method offers (what is
/// stored, that the database itself refuses a change).
extension TestInstallation {
    /// The store, when the installation runs on PostgreSQL.
    var postgres: PostgresStore? { store as? PostgresStore }

    /// Each row's first column as text (NULL: nil). `sql` takes no parameters.
    func texts(_ sql: String) async throws -> [String?] {
        if let postgres {
            return try await postgres.read("test") { db in
                try await db.rows(PostgresQuery(unsafeSQL: sql)).map { row -> String? in try row.row.first?.decode(String?.self) ?? nil }
            }
        }
        let queue = try DatabaseQueue(path: Kanava.databasePath(kanava.config))
        defer { try? queue.close() }
        return try await queue.read { db in try String?.fetchAll(db, sql: sql) }
    }

    /// Runs one statement without parameters in a transaction of its own. A refused change throws GRDB's
    /// `DatabaseError` on SQLite and the store's ``KanavaError`` on PostgreSQL.
    func execute(_ sql: String) async throws {
        if let postgres {
            try await postgres.write("test") { db in _ = try await db.execute(PostgresQuery(unsafeSQL: sql)) }
            return
        }
        let queue = try DatabaseQueue(path: Kanava.databasePath(kanava.config))
        defer { try? queue.close() }
        try await queue.write { db in try db.execute(sql: sql) }
    }

    /// Every table's rows, hashed per table (row order does not matter).
    func tableDigests() async throws -> [String: String] {
        guard let postgres else { return try KanavaCoreTests.tableDigests(Kanava.databasePath(kanava.config)) }
        return try await postgres.read("test") { db in
            var digests: [String: String] = [:]
            for table in try await Self.tables(db) {
                let rows = try await db.rows("SELECT t::text AS row FROM \(unescaped: "\"\(table)\"") t").map { row -> String in try row["row"] }
                digests[table] = SHA256.hash(data: Data(rows.sorted().joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
            }
            return digests
        }
    }

    /// Every `table.column` of the database whose text contains `needle` (the e-mail compared without case), the
    /// search tables included.
    func traces(of needle: String, caseInsensitive: Bool) async throws -> [String] {
        guard let postgres else {
            return try KanavaCoreTests.traces(of: needle, caseInsensitive: caseInsensitive, in: Kanava.databasePath(kanava.config))
        }
        return try await postgres.read("test") { db in
            var found: [String] = []
            for table in try await Self.tables(db) {
                let columns = try await db.rows("""
                    SELECT column_name::text AS name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY ordinal_position
                    """).map { row -> String in try row["name"] }
                for column in columns {
                    let quoted = "\"\(table)\"", value = "CAST(\"\(column)\" AS TEXT)"
                    let query: PostgresQuery = caseInsensitive
                        ? "SELECT 1 FROM \(unescaped: quoted) WHERE strpos(lower(\(unescaped: value)), lower(\(needle))) > 0"
                        : "SELECT 1 FROM \(unescaped: quoted) WHERE strpos(\(unescaped: value), \(needle)) > 0"
                    if try await db.exists(query) { found.append("\(table).\(column)") }
                }
            }
            return found
        }
    }

    private static func tables(_ db: PostgresDB) async throws -> [String] {
        try await db.rows("""
            SELECT table_name::text AS name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE "C"
            """).map { row -> String in try row["name"] }
    }
}
