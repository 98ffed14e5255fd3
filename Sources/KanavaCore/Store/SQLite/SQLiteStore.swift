import Foundation
import GRDB
import Metrics

/// The embedded store: GRDB on one SQLite file in WAL mode, foreign keys on, migrations in code.
///
/// Feature folders extend it with their store protocols (`AccountStore+SQLite.swift`, …), all going
/// through ``read(_:_:)`` and ``write(_:_:)``, which time every call and turn database errors into
/// ``KanavaError``s.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    public let path: String
    /// Chat messages arrive many at a time: they share transactions (see ``groupedWrite(_:_:)``).
    private let messageGroups: GroupCommit

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // FULL: a commit is on disk before the client hears "ok", also across power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            db.add(function: SearchQuery.wordPrefixFunction)
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        messageGroups = GroupCommit(pool: pool)
        try pool.read { db in
            guard try db.tableExists("grdb_migrations") else { return }
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            try SchemaCheck.refuseNewer(applied: applied, known: Migrations.migrator.migrations)
        }
        try Migrations.migrator.migrate(pool)
    }

    /// Touches the database (readiness checks).
    public func ping() async throws {
        _ = try await read("ping") { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// The file closes when the last reference to the store goes.
    public func close() async {}

    /// The migrations applied to this file, in the order they were registered.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await measure(operation) { try await self.pool.read(body) }
    }

    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await measure(operation) { try await self.pool.write(body) }
    }

    /// As ``write(_:_:)``, in one transaction with the other grouped writes of the moment: one disk sync for many
    /// chat messages, each still answered only after its commit (``GroupCommit``).
    func groupedWrite<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await measure(operation) { try await self.messageGroups.write(body) }
    }

    private func measure<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await StoreTiming.timed(operation, body)
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    /// Constraint violations are conflicts with existing data; a locked database is temporary.
    static func translate(_ error: DatabaseError) -> any Error {
        switch error.resultCode {
        case .SQLITE_CONSTRAINT:
            return KanavaError(.conflict, "the change conflicts with existing data")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return KanavaError(.unavailable, "the database is busy; try again")
        default:
            return error
        }
    }
}


extension SQLiteStore: KanavaStore {}
