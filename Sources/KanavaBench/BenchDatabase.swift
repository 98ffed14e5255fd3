import Foundation
import KanavaCore
import Logging
import PostgresNIO

/// Where each scenario's installation keeps its data: the SQLite file in its temporary data directory, or a database
/// of its own on a PostgreSQL server, created empty for the scenario (its first `Kanava.open` makes the schema) and
/// dropped afterwards.
public enum BenchDatabase: Sendable, Equatable, CustomStringConvertible {
    case sqlite
    /// The server, named by a URL of a database the benchmark's user may connect to and run CREATE DATABASE from
    /// (`postgres://user@127.0.0.1:5432/postgres`).
    case postgres(PostgresURL)

    /// `SQLite` or `PostgreSQL`, as the reports say.
    public var description: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// Runs `body` with the `database.url` of a fresh database: empty for SQLite (the installation's file); on
    /// PostgreSQL `kanava_bench_<random>`, dropped afterwards (also when `body` fails, and with any connection still
    /// open to it).
    func provision<T>(_ body: (String) async throws -> T) async throws -> T {
        guard case .postgres(let server) = self else { return try await body("") }
        let database = server.with(database: "kanava_bench_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))")
        let drop = "DROP DATABASE IF EXISTS \(database.database) WITH (FORCE)"
        try await Self.execute("CREATE DATABASE \(database.database)", on: server)
        do {
            let result = try await body(database.connectionString)
            try await Self.execute(drop, on: server)
            return result
        } catch {
            try? await Self.execute(drop, on: server)
            throw error
        }
    }

    /// One statement on a connection of its own (CREATE and DROP DATABASE cannot run in a transaction).
    private static func execute(_ sql: String, on server: PostgresURL) async throws {
        let logger = Logger.bench
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.any(),
                                                              configuration: try server.connectionConfiguration(), id: 1, logger: logger).get()
        } catch {
            throw BenchError("PostgreSQL at \(server) cannot be reached: \(String(reflecting: error))")
        }
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw BenchError("\(sql) on \(server): \(String(reflecting: error))")
        }
    }
}

/// One scenario's installation before anything runs on it: a temporary data directory, and the `database.url` of a
/// fresh database (empty: the SQLite file in that directory).
struct BenchInstallation: Sendable {
    var dataDir: URL
    var databaseURL: String

    /// Makes one for `body` and removes its directory and database afterwards, also when `body` fails.
    static func make<T>(_ database: BenchDatabase, _ body: (BenchInstallation) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await database.provision { url in try await body(BenchInstallation(dataDir: directory, databaseURL: url)) }
    }
}
