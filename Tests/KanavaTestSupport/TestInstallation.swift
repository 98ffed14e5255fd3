import Foundation
import KanavaCore
import Logging

/// A real installation on a temporary SQLite file, with a manual clock and a running event bus.
/// Use ``withInstallation(_:configure:_:)``: it removes everything afterwards.
public struct TestInstallation: Sendable {
    public let kanava: Kanava
    public let clock: ManualClock
    public let directory: URL
    public let backend: Backend

    public var store: any KanavaStore { kanava.store }
    public static let system = Principal.system("test")

    /// The configuration tests start from: fast bcrypt, files under `directory`, the repo's Web/ folder.
    public static func config(directory: URL) -> KanavaConfig {
        var config = KanavaConfig()
        config.dataDir = directory.path
        config.auth.bcryptCost = 4
        config.server.port = 0
        config.server.webRoot = repositoryRoot.appendingPathComponent("Web").path
        config.server.openapi = repositoryRoot.appendingPathComponent("docs/openapi.yaml").path
        config.templates.toc = repositoryRoot.appendingPathComponent("config/toc.yaml").path
        config.templates.annualClock = repositoryRoot.appendingPathComponent("config/annual-clock.yaml").path
        config.templates.planner = repositoryRoot.appendingPathComponent("config/planner").path
        // Tests run the reminder bot's rounds themselves; the server's own would post into their channels.
        config.clock.checkSeconds = 3600
        // The test clock stands still, so a rate limit's window never passes by itself: the limits stay out of the
        // way unless a test sets them (RateLimitTests does).
        config.limits.messagesPerPerson = 1_000_000
        config.limits.uploadsPerPerson = 1_000_000
        config.limits.webhookPostsPerToken = 1_000_000
        config.limits.webhookPostsPerAddress = 1_000_000
        config.limits.botPostsPerToken = 1_000_000
        config.limits.maxSocketsPerPerson = 10_000
        config.logLevel = "warning"
        return config
    }

    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Adds a person with a password (the same for everyone in tests unless given).
    @discardableResult
    public func person(_ email: String, _ name: String? = nil, global: GlobalRole? = nil, password: String = TestInstallation.password) async throws -> Person {
        try await kanava.people.add(email: email, name: name ?? email, globalRole: global, password: password, by: Self.system)
    }

    @discardableResult
    public func account(_ id: String, _ name: String, start: String? = nil) async throws -> Account {
        try await kanava.accounts.create(id: id, name: name, startDate: start, by: Self.system)
    }

    @discardableResult
    public func member(_ account: String, _ email: String, _ role: ChannelRole) async throws -> Member {
        try await kanava.accounts.addMember(try AccountID.parse(account), email: email, role: role.rawValue, by: Self.system)
    }

    public static let password = "correct horse battery"
}

/// Runs `body` with a fresh installation on `backend` and removes it afterwards, also when `body` throws.
/// `runBus: false` when something else (the server's service group) runs the event bus.
public func withInstallation<T>(
    _ backend: Backend = .sqlite,
    configure: (inout KanavaConfig) -> Void = { _ in },
    runBus: Bool = true,
    _ body: (TestInstallation) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var config = TestInstallation.config(directory: directory)
    let database = backend == .postgres ? try await TestPostgres.shared.createDatabase() : nil
    if let database {
        config.database.url = database.connectionString
        config.database.maxConnections = 4
    }
    configure(&config)
    // Whole seconds: the database keeps milliseconds, so a sub-millisecond start would make "exactly an hour
    // later" a hair short of an hour when read back.
    let clock = ManualClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
    var logger = Logger(label: "kanava-test")
    logger.logLevel = .warning
    let kanava: Kanava
    do {
        kanava = try await Kanava.open(config: config, clock: clock, logger: logger)
    } catch {
        if let database { await TestPostgres.shared.dropDatabase(database) }
        throw error
    }
    let bus = runBus ? Task { try await kanava.bus.run() } : nil
    func cleanUp() async {
        bus?.cancel()
        await kanava.store.close()
        if let database { await TestPostgres.shared.dropDatabase(database) }
    }
    do {
        let result = try await body(TestInstallation(kanava: kanava, clock: clock, directory: directory, backend: backend))
        await cleanUp()
        return result
    } catch {
        await cleanUp()
        throw error
    }
}

/// Fails instead of hanging when `body` takes longer than `seconds`.
public func withTimeout<T: Sendable>(_ seconds: Double, _ what: String = "operation", _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimeoutError(what: what, seconds: seconds)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

public struct TimeoutError: Error, CustomStringConvertible {
    public var what: String
    public var seconds: Double
    public var description: String { "\(what) did not finish within \(seconds) s" }
}
