import Foundation
import Logging
import NIOCore
import PostgresNIO

/// One PostgreSQL connection inside a store call, usually in a transaction: what GRDB's `Database` is to the SQLite
/// store. Queries are ``PostgresQuery`` literals, so every interpolated value is a bound parameter:
///
/// ```swift
/// let rows = try await db.rows("SELECT * FROM account WHERE id = \(id.rawValue)")
/// ```
public struct PostgresDB: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// The channels' heads this transaction moved (``append(_:at:)``), announced to other nodes after the commit.
    let heads = CommittedHeads()

    /// Runs a statement; returns the number of rows it inserted, updated or deleted.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        let result: EventLoopFuture<PostgresQueryResult> = connection.query(query, logger: logger)
        return try await result.get().metadata.rows ?? 0
    }

    /// All rows of a query.
    public func rows(_ query: PostgresQuery) async throws -> [PGRow] {
        let result: EventLoopFuture<PostgresQueryResult> = connection.query(query, logger: logger)
        return try await result.get().rows.map(PGRow.init)
    }

    /// The first row of a query, if any.
    public func row(_ query: PostgresQuery) async throws -> PGRow? {
        try await rows(query).first
    }

    /// The first column of the first row, if there is a row and the value is not NULL.
    public func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
        guard let row = try await rows(query).first, let cell = row.row.first, cell.bytes != nil else { return nil }
        return try cell.decode(T.self)
    }

    /// Whether a query returns any row.
    public func exists(_ query: PostgresQuery) async throws -> Bool {
        try await rows(query).isEmpty == false
    }

    /// Several statements at once, without parameters (schema migrations). PostgresNIO speaks only the extended
    /// protocol, which takes one statement at a time, so the script runs as one `DO` block that `EXECUTE`s it.
    func script(_ sql: String) async throws {
        precondition(!sql.contains("$kanava_sql$"), "a migration must not contain the script's own quote")
        try await connection.query(PostgresQuery(unsafeSQL: "DO $kanava_script$ BEGIN EXECUTE $kanava_sql$\(sql)$kanava_sql$; END $kanava_script$"),
                                   logger: logger)
    }
}

/// A result row, read by column name: `let name: String = try row["name"]`.
public struct PGRow: @unchecked Sendable {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    /// The value of `column`, decoded as the type the caller asks for (an optional type accepts NULL).
    public subscript<T: PostgresDecodable>(_ column: String) -> T {
        get throws {
            guard row.contains(column) else {
                throw KanavaError(.internal, "the query returned no column \(column)")
            }
            return try row[column].decode(T.self)
        }
    }

    public func contains(_ column: String) -> Bool {
        row.contains(column)
    }
}

extension PostgresDB {
    /// Locks the channel's row until the transaction ends, as appending its events will: taken first, it makes a store
    /// method's reads and checks see what the channel's previous write left (SQLite's one writer at a time), and it keeps
    /// one lock order, channel before rows. False when there is no such channel.
    @discardableResult
    func lockChannel(_ account: AccountID) async throws -> Bool {
        try await exists("SELECT 1 FROM channel WHERE account_id = \(account.rawValue) FOR UPDATE")
    }

    /// ``lockChannel(_:)`` for several channels, in one order whatever the caller's (so two such writes cannot deadlock).
    func lockChannels(_ accounts: [AccountID]) async throws {
        try await execute("""
            SELECT 1 FROM channel WHERE account_id = ANY(\(accounts.map(\.rawValue))) ORDER BY account_id COLLATE "C" FOR UPDATE
            """)
    }
}
