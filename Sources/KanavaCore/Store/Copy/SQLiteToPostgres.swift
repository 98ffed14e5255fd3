import Crypto
import Foundation
import GRDB
import Logging
import PostgresNIO

/// `kanava migrate`: copies an installation's SQLite database into an empty PostgreSQL database, in one transaction,
/// and proves the copy: every table's row count and a SHA-256 over all its rows, read back from both sides.
///
/// Both schemas come from the same migrations (``Migrations``, ``PostgresSchema``), so tables and columns match by
/// name. The copy follows the foreign keys (parents first), converts each value to its PostgreSQL column's type
/// (SQLite's 0/1 to booleans, GRDB's date text to `timestamptz`), and moves the identity sequences past the copied
/// ids. The search tables are not copied: PostgreSQL's triggers fill them from the messages and sections.
public struct SQLiteToPostgres: Sendable {
    public let source: String
    public let target: PostgresURL
    let logger: Logger

    /// Rows per INSERT statement (PostgreSQL takes at most 65 535 parameters in one).
    static let batch = 500

    public init(source: String, target: PostgresURL, logger: Logger) {
        self.source = source
        self.target = target
        self.logger = logger
    }

    /// One table's figures from the verification.
    public struct TableReport: Sendable, Equatable {
        public var table: String
        public var rows: Int
        /// SHA-256 of the table's rows in key order, the same from SQLite and from PostgreSQL.
        public var sha256: String
    }

    /// Copies, then verifies; throws ``CopyError`` (and leaves the target as it was) when anything does not match.
    public func run() async throws -> [TableReport] {
        guard FileManager.default.fileExists(atPath: source) else { throw CopyError("no SQLite database at \(source)") }
        // Brings the file to this version's schema first, exactly as `kanava serve` would.
        _ = try SQLiteStore(path: source)
        let sqlite = try DatabaseQueue(path: source, configuration: { var c = Configuration(); c.readonly = true; return c }())
        let postgres = try await PostgresStore.open(url: target, maxConnections: 2, connectTimeout: .seconds(30), logger: logger)
        do {
            let reports = try await copy(sqlite, into: postgres)
            await postgres.close()
            return reports
        } catch {
            await postgres.close()
            throw error
        }
    }

    private func copy(_ sqlite: DatabaseQueue, into postgres: PostgresStore) async throws -> [TableReport] {
        let tables = try await plan(sqlite, postgres)
        try await postgres.write("migrateCopy") { db in
            for table in ["person", "account"] where try await db.exists("SELECT 1 FROM \(unescaped: table) LIMIT 1") {
                throw CopyError("the target database is not empty (table \(table) has rows): migrate into a new, empty database")
            }
            for table in tables {
                let copied = try await copy(table, from: sqlite, into: db)
                logger.info("copied a table", metadata: ["table": "\(table.name)", "rows": "\(copied)"])
            }
            for table in tables {
                for column in table.columns where column.isIdentity {
                    try await db.execute("""
                        SELECT setval(pg_get_serial_sequence(\(table.name), \(column.name)), GREATEST(MAX(\(unescaped: column.quoted)), 1),
                                      MAX(\(unescaped: column.quoted)) IS NOT NULL) FROM \(unescaped: table.name)
                        """)
                }
            }
        }
        return try await verify(tables, sqlite, postgres)
    }

    // MARK: - Plan

    struct Column: Sendable {
        var name: String
        /// PostgreSQL's `data_type` of the column.
        var type: String
        var isIdentity: Bool
        /// The SQLite column it is read from: its name, or `rowid` for the key PostgreSQL adds to keyless tables.
        var sourceExpression: String
        var quoted: String { "\"\(name)\"" }
    }

    struct Table: Sendable {
        var name: String
        var columns: [Column]
        /// SQLite's ORDER BY for a stable row order (the primary key, else the rowid).
        var order: [String]
    }

    /// The tables both schemas have, parents before children, with the columns to copy.
    func plan(_ sqlite: DatabaseQueue, _ postgres: PostgresStore) async throws -> [Table] {
        let pgColumns = try await postgres.read("migratePlan") { db in
            var columns: [String: [Column]] = [:]
            for row in try await db.rows("""
                SELECT table_name, column_name, data_type, is_identity = 'YES' AS identity, is_generated = 'ALWAYS' AS generated
                FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
                """) where !(try row["generated"] as Bool) {
                let name: String = try row["column_name"]
                columns[try row["table_name"], default: []].append(
                    Column(name: name, type: try row["data_type"], isIdentity: try row["identity"], sourceExpression: name))
            }
            return columns
        }
        return try await sqlite.read { db in
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name
                """).filter { name in !name.hasSuffix("_search") && !name.contains("_search_") }
            var tables: [String: Table] = [:]
            var parents: [String: Set<String>] = [:]
            for name in names {
                guard let target = pgColumns[name] else { throw CopyError("table \(name) is in SQLite but not in PostgreSQL") }
                let sourceColumns = Set(try db.columns(in: name).map(\.name))
                let columns = try target.compactMap { column -> Column? in
                    if sourceColumns.contains(column.name) { return column }
                    if column.name == "rowid" { return column }
                    if column.name == "tsv" { return nil }
                    throw CopyError("column \(name).\(column.name) is in PostgreSQL but not in SQLite")
                }
                for missing in sourceColumns.subtracting(columns.map(\.name)) {
                    throw CopyError("column \(name).\(missing) is in SQLite but not in PostgreSQL")
                }
                let key = try db.primaryKey(name).columns
                tables[name] = Table(name: name, columns: columns, order: key == ["rowid"] || key.isEmpty ? ["rowid"] : key)
                parents[name] = Set(try db.foreignKeys(on: name).map(\.destinationTable)).subtracting([name])
            }
            // Parents first (Kahn's algorithm); a cycle would be a schema bug.
            var ordered: [Table] = []
            var done: Set<String> = []
            while ordered.count < names.count {
                guard let next = names.first(where: { !done.contains($0) && parents[$0, default: []].isSubset(of: done) }) else {
                    throw CopyError("the foreign keys between \(Set(names).subtracting(done).sorted()) form a cycle")
                }
                ordered.append(tables[next]!)
                done.insert(next)
            }
            return ordered
        }
    }

    // MARK: - Copy

    private func copy(_ table: Table, from sqlite: DatabaseQueue, into db: PostgresDB) async throws -> Int {
        let select = "SELECT " + table.columns.map { $0.sourceExpression == "rowid" ? "rowid" : "\"\($0.sourceExpression)\"" }.joined(separator: ", ")
            + " FROM \"\(table.name)\" ORDER BY " + table.order.map { "\"\($0)\"" }.joined(separator: ", ")
        let rows = try await sqlite.read { db in try Row.fetchAll(db, sql: select).map { Array($0.databaseValues) } }
        let columnList = table.columns.map(\.quoted).joined(separator: ", ")
        var offset = 0
        while offset < rows.count {
            let slice = rows[offset..<min(offset + Self.batch, rows.count)]
            var bindings = PostgresBindings(capacity: slice.count * table.columns.count)
            var tuples: [String] = []
            for row in slice {
                var placeholders: [String] = []
                for (column, value) in zip(table.columns, row) {
                    try Self.bind(value, as: column, in: table.name, to: &bindings)
                    placeholders.append("$\(bindings.count)")
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            try await db.execute(PostgresQuery(unsafeSQL: "INSERT INTO \"\(table.name)\" (\(columnList)) VALUES " + tuples.joined(separator: ", "),
                                               binds: bindings))
            offset += slice.count
        }
        return rows.count
    }

    /// One SQLite value as its PostgreSQL column's type.
    static func bind(_ value: DatabaseValue, as column: Column, in table: String, to bindings: inout PostgresBindings) throws {
        if value.isNull { return bindings.appendNull() }
        func mismatch() -> CopyError { CopyError("\(table).\(column.name): \(value) cannot be stored as \(column.type)") }
        switch column.type {
        case "bigint", "integer", "smallint":
            guard let number = Int64.fromDatabaseValue(value) else { throw mismatch() }
            bindings.append(number)
        case "boolean":
            guard let flag = Bool.fromDatabaseValue(value) else { throw mismatch() }
            bindings.append(flag)
        case "timestamp with time zone":
            guard let date = Date.fromDatabaseValue(value) else { throw mismatch() }
            bindings.append(MillisecondTimestamp(date))
        case "double precision", "real":
            guard let number = Double.fromDatabaseValue(value) else { throw mismatch() }
            bindings.append(number)
        case "text":
            guard let text = String.fromDatabaseValue(value) else { throw mismatch() }
            bindings.append(text)
        case "bytea":
            guard let bytes = Data.fromDatabaseValue(value) else { throw mismatch() }
            try bindings.append(bytes)
        default:
            throw CopyError("\(table).\(column.name) has the PostgreSQL type \(column.type), which the copy does not know")
        }
    }

    // MARK: - Verify

    private func verify(_ tables: [Table], _ sqlite: DatabaseQueue, _ postgres: PostgresStore) async throws -> [TableReport] {
        var reports: [TableReport] = []
        var differences: [String] = []
        for table in tables {
            let order = table.order.map { "\"\($0)\"" }.joined(separator: ", ")
            let sourceSelect = "SELECT " + table.columns.map { $0.sourceExpression == "rowid" ? "rowid" : "\"\($0.name)\"" }.joined(separator: ", ")
                + " FROM \"\(table.name)\" ORDER BY \(order)"
            let (sourceRows, sourceHash) = try await sqlite.read { db in
                var digest = RowDigest()
                var count = 0
                for row in try Row.fetchAll(db, sql: sourceSelect) {
                    for (column, value) in zip(table.columns, row.databaseValues) { digest.add(Self.canonical(value, as: column.type)) }
                    digest.endRow()
                    count += 1
                }
                return (count, digest.hex)
            }
            let targetSelect = "SELECT " + table.columns.map(\.quoted).joined(separator: ", ") + " FROM \"\(table.name)\" ORDER BY \(order)"
            let (targetRows, targetHash) = try await postgres.read("migrateVerify") { db in
                var digest = RowDigest()
                let rows = try await db.rows(PostgresQuery(unsafeSQL: targetSelect))
                for row in rows {
                    for column in table.columns { digest.add(try Self.canonical(row, column)) }
                    digest.endRow()
                }
                return (rows.count, digest.hex)
            }
            if sourceRows != targetRows || sourceHash != targetHash {
                differences.append("\(table.name): SQLite \(sourceRows) rows \(sourceHash.prefix(12)), PostgreSQL \(targetRows) rows \(targetHash.prefix(12))")
            }
            reports.append(TableReport(table: table.name, rows: targetRows, sha256: targetHash))
        }
        if !differences.isEmpty { throw CopyError("the copy differs from the source: " + differences.joined(separator: "; ")) }
        return reports
    }

    /// A value as text that both sides produce alike: integers and booleans as numbers, dates as milliseconds since
    /// 1970, doubles by their exact bits, NULL apart from every text.
    static func canonical(_ value: DatabaseValue, as type: String) -> String? {
        if value.isNull { return nil }
        switch type {
        case "boolean": return Bool.fromDatabaseValue(value).map { $0 ? "1" : "0" }
        case "timestamp with time zone": return Date.fromDatabaseValue(value).map(milliseconds)
        case "double precision", "real": return Double.fromDatabaseValue(value).map { String($0.bitPattern) }
        case "bytea": return Data.fromDatabaseValue(value).map { $0.base64EncodedString() }
        default: return Int64.fromDatabaseValue(value).map(String.init) ?? String.fromDatabaseValue(value)
        }
    }

    static func canonical(_ row: PGRow, _ column: Column) throws -> String? {
        switch column.type {
        case "boolean": return (try row[column.name] as Bool?).map { $0 ? "1" : "0" }
        case "timestamp with time zone": return (try row[column.name] as Date?).map(milliseconds)
        case "double precision", "real": return (try row[column.name] as Double?).map { String($0.bitPattern) }
        case "bytea": return (try row[column.name] as Data?).map { $0.base64EncodedString() }
        case "bigint", "integer", "smallint": return (try row[column.name] as Int64?).map(String.init)
        default: return try row[column.name] as String?
        }
    }

    private static func milliseconds(_ date: Date) -> String {
        String(Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }
}

/// SHA-256 over rows of values, each value length-prefixed so that no two different rows hash alike.
struct RowDigest {
    private var hash = SHA256()

    mutating func add(_ value: String?) {
        guard let value else { return hash.update(data: Data([0])) }
        let bytes = Data(value.utf8)
        hash.update(data: Data([1]) + withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { Data($0) } + bytes)
    }

    mutating func endRow() {
        hash.update(data: Data([2]))
    }

    var hex: String {
        hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// Why `kanava migrate` stopped; nothing was written to the target.
public struct CopyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
