import Foundation
import KanavaCore
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

    /// Runs one SQL statement on its own connection: no `psql` child process, since the tests create and drop hundreds
    /// of databases and Foundation's `Process` on Linux can lose track of children when many start at once.
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
        let asUser: [String] = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
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
            let asUser: [String] = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
            _ = spawnAndWait(asUser + [TestPostgres.binaries.appendingPathComponent("pg_ctl").path, "-D",
                                       cluster.directory.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
            try? FileManager.default.removeItem(at: cluster.directory)
        }
    }

    /// The cluster's commands run by posix_spawn and waitpid, not Foundation's `Process`: on Linux it misses the exit
    /// of `runuser` around `pg_ctl start` (whose server lives on), and waits for ever.
    private static func run(_ arguments: [String]) async throws {
        let status = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: spawnAndWait(arguments)) }
        }
        guard status == 0 else {
            throw TestFailure("\(arguments.joined(separator: " ")) exited with \(status)")
        }
    }

    private static func spawnAndWait(_ arguments: [String]) -> Int32 {
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
