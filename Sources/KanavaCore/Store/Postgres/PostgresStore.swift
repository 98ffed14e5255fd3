import Foundation
import Logging
import Metrics
import PostgresNIO
import Synchronization

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
    private let notifier: HeadNotifier
    private let running: Task<Void, Never>
    /// Transactions that got an answer from the server: while this grows, the database is up and only busy.
    private let answered = Atomic<Int>(0)

    /// Connects (retrying with back-off for up to `connectTimeout`), brings the schema up to date and refuses a
    /// database whose schema is newer than this program.
    public static func open(url: PostgresURL, maxConnections: Int = 20, connectTimeout: Duration = .seconds(60),
                            logger: Logger) async throws -> PostgresStore {
        try await waitUntilReachable(url, timeout: connectTimeout, logger: logger)
        let store = PostgresStore(url: url, maxConnections: maxConnections, logger: logger)
        do {
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
        notifier = HeadNotifier(client: client, logger: logger)
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

    /// Connects once, outside the pool, until that works: the pool would only say that no connection came, where a
    /// connection of its own says why (refused, no such database, wrong password).
    private static func waitUntilReachable(_ url: PostgresURL, timeout: Duration, logger: Logger) async throws {
        let deadline = ContinuousClock.now + timeout
        var delay = Duration.milliseconds(250)
        while true {
            do {
                let connection = try await PostgresConnection.connect(
                    on: PostgresConnection.defaultEventLoopGroup.any(), configuration: try url.connectionConfiguration(), id: 0, logger: logger
                ).get()
                try? await connection.close()
                return
            } catch {
                guard ContinuousClock.now + delay < deadline else {
                    throw KanavaError(.unavailable, "PostgreSQL at \(url) cannot be reached: \(describe(error))")
                }
                logger.warning("PostgreSQL cannot be reached; trying again", metadata: [
                    "database": "\(url)", "retry_in": "\(delay)", "error": "\(describe(error))",
                ])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }

    /// A consistent snapshot for the body's queries (REPEATABLE READ, READ ONLY).
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresDB) async throws -> T) async throws -> T {
        try await measure(operation) {
            try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
        }
    }

    /// One transaction (READ COMMITTED), run again when it loses a deadlock or a serialization conflict.
    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresDB) async throws -> T) async throws -> T {
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
    func groupedWrite<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresDB) async throws -> T) async throws -> T {
        try await write(operation, body)
    }

    private func transaction<T: Sendable>(_ begin: PostgresQuery, _ body: @escaping @Sendable (PostgresDB) async throws -> T) async throws -> T {
        try await withConnection { connection in
            let db = PostgresDB(connection: connection, logger: self.logger)
            try await db.execute(begin)
            self.answered.add(1, ordering: .relaxed)
            do {
                let value = try await body(db)
                try await db.execute("COMMIT")
                let heads = db.heads.all
                if !heads.isEmpty { await self.notifier.committed(heads) }
                return value
            } catch {
                // A broken connection has rolled back already; the pool drops it.
                _ = try? await db.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// How long a call waits for a connection while no other call gets one either before it answers "unavailable"
    /// (HTTP 503): while the database is away the pool keeps trying to connect, and callers should not hang meanwhile.
    static let connectionWait = Duration.seconds(5)
    /// How long a call waits for a connection while the others get theirs (a burst: the database is up, the pool busy).
    static let busyWait = Duration.seconds(60)

    /// A pooled connection for `body`, or ``KanavaError/Code/unavailable`` when none comes: within ``connectionWait``
    /// when meanwhile no other call got one either (the database is away), else within ``busyWait``. Once `body` has
    /// its connection it runs to its end, however long (a roster sync's transaction may take a while).
    private func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let race = ConnectionRace<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation)
                let work = Task {
                    do {
                        let value = try await self.client.withConnection { connection in
                            race.leased()
                            return try await body(connection)
                        }
                        race.finish(.success(value))
                    } catch {
                        race.finish(.failure(error))
                    }
                }
                race.onGiveUp { work.cancel() }
                Task {
                    var waited = Duration.zero
                    var seen = self.answered.load(ordering: .relaxed)
                    while !race.isSettled {
                        try? await Task.sleep(for: Self.connectionWait)
                        waited += Self.connectionWait
                        let now = self.answered.load(ordering: .relaxed)
                        if now == seen || waited >= Self.busyWait { return race.timeOut() }
                        seen = now
                    }
                }
            }
        } onCancel: {
            race.cancel()
        }
    }

    private func measure<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await StoreTiming.timed(operation, body)
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

/// Who answers a ``PostgresStore/withConnection(_:)`` call first: its work, or the wait for a connection running out
/// before the work got one. The work is left to end by itself (its lease request is cancelled).
private final class ConnectionRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var leased = false
        var giveUp: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func onGiveUp(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.giveUp = action }
    }

    func leased() {
        state.withLock { $0.leased = true }
    }

    /// Whether the call has its connection or its answer: no need to watch the wait any more.
    var isSettled: Bool {
        state.withLock { $0.leased || $0.continuation == nil }
    }

    func finish(_ result: Result<T, any Error>) {
        state.withLock { state -> CheckedContinuation<T, any Error>? in
            defer { state.continuation = nil }
            return state.continuation
        }?.resume(with: result)
    }

    func cancel() {
        let (continuation, giveUp) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            defer { state.continuation = nil }
            return (state.continuation, state.giveUp)
        }
        continuation?.resume(throwing: CancellationError())
        giveUp?()
    }

    func timeOut() {
        let (continuation, giveUp) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !state.leased, let continuation = state.continuation else { return (nil, nil) }
            state.continuation = nil
            return (continuation, state.giveUp)
        }
        continuation?.resume(throwing: KanavaError(.unavailable, "the database cannot be reached; try again"))
        giveUp?()
    }
}
