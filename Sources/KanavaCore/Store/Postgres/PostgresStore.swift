import Foundation
import Logging
import Metrics
import PostgresNIO

/// The store on PostgreSQL, for installations that run several `kanava serve` nodes on one database.
///
/// Feature folders extend it with their store protocols (`AccountStore+Postgres.swift`, …), all going through
/// ``read(_:_:)`` and ``write(_:_:)``: every call is one transaction on a pooled connection, timed like the SQLite
/// store's, with PostgreSQL's errors turned into ``KanavaError``s (a lost connection is `unavailable`, HTTP 503).
///
/// Writes run at READ COMMITTED. A store method that reads a row to write it back takes the row with `FOR UPDATE`;
/// appending events locks the channel's row, so a channel's events commit in `seq` order as on SQLite. Writes that
/// lose a deadlock or a serialization conflict are run again, up to three times.
public final class PostgresStore: Sendable {
    let client: PostgresClient
    public let url: PostgresURL
    let logger: Logger
    private let running: Task<Void, Never>

    /// Connects (retrying with back-off for up to `connectTimeout`), brings the schema up to date and refuses a
    /// database whose schema is newer than this program.
    public static func open(url: PostgresURL, maxConnections: Int = 20, connectTimeout: Duration = .seconds(60),
                            logger: Logger) async throws -> PostgresStore {
        let store = PostgresStore(url: url, maxConnections: maxConnections, logger: logger)
        do {
            try await store.waitUntilReachable(timeout: connectTimeout)
            try await PostgresMigrator(store: store).migrate()
            return store
        } catch {
            store.shutdown()
            throw error
        }
    }

    private init(url: PostgresURL, maxConnections: Int, logger: Logger) {
        self.url = url
        self.logger = logger
        let client = PostgresClient(configuration: url.clientConfiguration(maxConnections: maxConnections), backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
    }

    /// Closes every connection. The store cannot be used afterwards.
    public func close() async {
        shutdown()
    }

    private func shutdown() {
        running.cancel()
    }

    /// Touches the database (readiness checks).
    public func ping() async throws {
        _ = try await read("ping") { db in try await db.value("SELECT 1", as: Int.self) }
    }

    private func waitUntilReachable(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var delay = Duration.milliseconds(250)
        while true {
            do {
                try await ping()
                return
            } catch {
                guard ContinuousClock.now + delay < deadline else {
                    throw KanavaError(.unavailable, "PostgreSQL at \(url) cannot be reached: \(Self.describe(error))")
                }
                logger.warning("PostgreSQL cannot be reached; trying again", metadata: [
                    "database": "\(url)", "retry_in": "\(delay)", "error": "\(Self.describe(error))",
                ])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }

    /// A consistent snapshot for the body's queries (REPEATABLE READ, READ ONLY).
    func read<T: Sendable>(_ operation: String, _ body: @Sendable (PostgresDB) async throws -> T) async throws -> T {
        try await measure(operation) {
            try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
        }
    }

    /// One transaction (READ COMMITTED), run again when it loses a deadlock or a serialization conflict.
    func write<T: Sendable>(_ operation: String, _ body: @Sendable (PostgresDB) async throws -> T) async throws -> T {
        try await measure(operation) {
            var attempt = 1
            while true {
                do {
                    return try await transaction("BEGIN", body)
                } catch let error as PSQLError where attempt < 3 && Self.isRetryable(error) {
                    attempt += 1
                }
            }
        }
    }

    /// Chat sends: the SQLite store groups them into shared commits; PostgreSQL's own commits already overlap.
    func groupedWrite<T: Sendable>(_ operation: String, _ body: @Sendable (PostgresDB) async throws -> T) async throws -> T {
        try await write(operation, body)
    }

    private func transaction<T: Sendable>(_ begin: PostgresQuery, _ body: @Sendable (PostgresDB) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let db = PostgresDB(connection: connection, logger: logger)
            try await db.execute(begin)
            do {
                let value = try await body(db)
                try await db.execute("COMMIT")
                return value
            } catch {
                // A broken connection has rolled back already; the pool drops it.
                _ = try? await db.execute("ROLLBACK")
                throw error
            }
        }
    }

    private func measure<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer {
            Timer(label: "kanava_db_duration_seconds", dimensions: [("op", operation)])
                .recordInterval(start.duration(to: .now))
        }
        do {
            return try await body()
        } catch let error as PSQLError {
            throw Self.translate(error)
        }
    }

    static func sqlState(_ error: PSQLError) -> String? {
        error.serverInfo?[.sqlState]
    }

    static func isRetryable(_ error: PSQLError) -> Bool {
        ["40001", "40P01"].contains(sqlState(error) ?? "")
    }

    /// Constraint violations are conflicts with existing data; a lost or refused connection is temporary (503).
    static func translate(_ error: PSQLError) -> any Error {
        if let state = sqlState(error) {
            switch state {
            case let s where s.hasPrefix("23"):
                return KanavaError(.conflict, "the change conflicts with existing data")
            case "40001", "40P01":
                return KanavaError(.unavailable, "the database is busy; try again")
            case let s where s.hasPrefix("08") || s.hasPrefix("57P") || s == "53300":
                return KanavaError(.unavailable, "the database cannot be reached; try again")
            default:
                return error
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return KanavaError(.unavailable, "the database cannot be reached; try again")
        default:
            return error
        }
    }

    /// A one-line reason for logs and start-up errors ("connection refused", the server's message).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }
}

extension PostgresStore: KanavaStore {}
