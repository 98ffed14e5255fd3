import Foundation
import KanavaCore
import KanavaSpawn
import Logging
import NIOPosix
import PostgresNIO
import Testing

/// Which store a test runs on. Store and service tests take `Backend.all` as their arguments, so one test body runs
/// on the embedded SQLite file and on PostgreSQL.
public enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    /// Both, when PostgreSQL can be had (``TestPostgres``); only SQLite otherwise, unless `KANAVA_REQUIRE_POSTGRES=1`
    /// (`.ci/run`), which keeps PostgreSQL in so that its tests fail rather than vanish.
    public static var all: [Backend] {
        TestPostgres.isAvailable ? [.sqlite, .postgres] : [.sqlite]
    }
}

/// A throwaway PostgreSQL server for the tests of this process, and a fresh database for each installation.
///
/// `KANAVA_TEST_POSTGRES_URL` names a server to use (`.ci/run` starts one on a loopback port, as an ordinary user);
/// otherwise the first test that needs one starts a cluster of its own with Debian's `initdb` and `pg_ctl` in a
/// temporary directory (as the `postgres` user when the tests run as root, because PostgreSQL refuses root), on a
/// free loopback port, and stops it and removes it when the process exits. Each installation gets its own database,
/// copied from a template that has the schema already, and dropped afterwards.
public actor TestPostgres {
    public static let shared = TestPostgres()

    static let binaries = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")

    public nonisolated static var isAvailable: Bool {
        ProcessInfo.processInfo.environment["KANAVA_TEST_POSTGRES_URL"] != nil
            || ProcessInfo.processInfo.environment["KANAVA_REQUIRE_POSTGRES"] == "1"
            || FileManager.default.isExecutableFile(atPath: binaries.appendingPathComponent("initdb").path)
    }

    private var server: Task<PostgresURL, any Error>?
    private var template: Task<Void, any Error>?

    /// The server's URL (database `postgres`), starting the server on first use.
    public func url() async throws -> PostgresURL {
        if let server { return try await server.value }
        let task = Task { try await Self.start() }
        server = task
        return try await task.value
    }

    /// A new, empty database with the current schema; drop it with ``dropDatabase(_:)``.
    public func createDatabase() async throws -> PostgresURL {
        let url = try await url()
        try await schemaTemplate(url)
        let name = Self.newDatabaseName()
        try await Self.execute(url, "CREATE DATABASE \(name) TEMPLATE kanava_template")
        return url.with(database: name)
    }

    /// A new database without even the schema (`kanava migrate` makes it).
    public func createEmptyDatabase() async throws -> PostgresURL {
        let url = try await url()
        let name = Self.newDatabaseName()
        try await Self.execute(url, "CREATE DATABASE \(name)")
        return url.with(database: name)
    }

    private static func newDatabaseName() -> String {
        "kanava_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
    }

    public nonisolated func dropDatabase(_ url: PostgresURL) async {
        _ = try? await Self.execute(url.with(database: "postgres"), "DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)")
    }

    /// The template every test database is copied from: migrated once per process, which also tests a migration
    /// from nothing.
    private func schemaTemplate(_ url: PostgresURL) async throws {
        if let template { return try await template.value }
        let task = Task {
            try await Self.execute(url, "DROP DATABASE IF EXISTS kanava_template WITH (FORCE)")
            try await Self.execute(url, "CREATE DATABASE kanava_template")
            let store = try await PostgresStore.open(url: url.with(database: "kanava_template"), maxConnections: 1, connectTimeout: .seconds(10),
                                                     logger: .init(label: "kanava-test-template"))
            await store.close()
            // The client's connection closes in the background; a template must have none.
            try await Self.execute(url, """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'kanava_template' AND pid <> pg_backend_pid()
                """)
        }
        template = task
        try await task.value
    }

    /// Runs one SQL statement on its own connection: no `psql` child process for each of the hundreds of databases the
    /// tests create and drop.
    public static func execute(_ url: PostgresURL, _ sql: String) async throws {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try url.connectionConfiguration(), id: 1,
            logger: Logger(label: "kanava-test-postgres")
        ).get()
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "kanava-test-postgres"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw TestFailure("\(sql): \(String(reflecting: error))")
        }
    }

    private static func start() async throws -> PostgresURL {
        if let given = ProcessInfo.processInfo.environment["KANAVA_TEST_POSTGRES_URL"] {
            return try PostgresURL(given)
        }
        let cluster = try await LocalCluster.start()
        return try PostgresURL("postgres://kanava@127.0.0.1:\(cluster.port)/postgres?sslmode=disable")
    }
}

/// A PostgreSQL cluster in a temporary directory, stopped and removed when the test process exits.
struct LocalCluster {
    let directory: URL
    let port: Int

    nonisolated(unsafe) private static var started: [LocalCluster] = []

    static func start() async throws -> LocalCluster {
        let directory = URL(fileURLWithPath: "/tmp/kanava-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let asUser = asPostgresUser
        if getuid() == 0 { try await run(["/usr/bin/chown", "postgres", directory.path]) }
        let data = directory.appendingPathComponent("data").path
        try await run(asUser + [TestPostgres.binaries.appendingPathComponent("initdb").path, "-D", data, "-U", "kanava", "--auth=trust",
                          "--encoding=UTF8", "--locale=C.UTF-8"])
        for attempt in 1...5 {
            let port = Int.random(in: 20_000...29_999)
            do {
                try await run(asUser + [TestPostgres.binaries.appendingPathComponent("pg_ctl").path, "-D", data, "-w", "-t", "30",
                                  "-l", directory.appendingPathComponent("log").path, "-o",
                                  "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off "
                                      + "-c synchronous_commit=off -c full_page_writes=off", "start"])
                let cluster = LocalCluster(directory: directory, port: port)
                if started.isEmpty { atexit { LocalCluster.stopAll() } }
                started.append(cluster)
                return cluster
            } catch where attempt < 5 {
                continue
            }
        }
        throw TestFailure("could not start PostgreSQL in \(directory.path)")
    }

    /// Runs at exit: `pg_ctl stop -m immediate` and the directory removed.
    private static func stopAll() {
        for cluster in started {
            let command = asPostgresUser + [TestPostgres.binaries.appendingPathComponent("pg_ctl").path, "-D",
                                            cluster.directory.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"]
            (try? Subprocess(command[0], Array(command.dropFirst())))?.waitBlocking()
            try? FileManager.default.removeItem(at: cluster.directory)
        }
    }

    /// `runuser -u postgres --` when running as root (PostgreSQL refuses to run as root), else nothing.
    private static var asPostgresUser: [String] { getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : [] }

    /// Runs a command to its end. `pg_ctl start` leaves the server running with its output going to the log file,
    /// which is why these are ``Subprocess``es: their end is seen even though the server lives on.
    private static func run(_ command: [String]) async throws {
        let termination = try await Subprocess.run(command[0], Array(command.dropFirst()))
        guard termination == .exited(0) else {
            throw TestFailure("\(command.joined(separator: " ")) ended with \(termination)")
        }
    }
}
