import Foundation
import KanavaCore
import KanavaSpawn

/// Where and how the benchmark starts its servers: the `kanava` executable (the same build as the benchmark, so both
/// are debug or both release), its configuration file, the directory it runs in (templates are read from there), the
/// database the installations are on, and how many nodes serve each.
public struct ServerLauncher: Sendable {
    public var executable: URL
    public var configPath: String
    public var workingDirectory: URL
    public var database: BenchDatabase
    /// `kanava serve` processes per installation, all on its database and data directory; more than one needs PostgreSQL.
    public var nodes: Int

    public init(executable: URL, configPath: String, workingDirectory: URL, database: BenchDatabase = .sqlite, nodes: Int = 1) {
        self.executable = executable
        self.configPath = configPath
        self.workingDirectory = workingDirectory
        self.database = database
        self.nodes = nodes
    }

    /// Refuses a node count that cannot work: none, or several on SQLite (one process owns its file).
    public func check() throws(BenchError) {
        guard nodes >= 1 else { throw BenchError("--nodes must be at least 1") }
        guard nodes == 1 || database != .sqlite else { throw BenchError("--nodes \(nodes) needs --database-url: several nodes share a PostgreSQL database") }
    }

    /// The configuration as the server will read it: the file, the environment, and ``environment(_:)``'s overrides.
    func config(_ installation: BenchInstallation) throws -> KanavaConfig {
        try ConfigLoader(environment: environment(installation)).load(path: configPath, required: false)
    }

    /// Environment variables that point the server at the installation's data directory and database on a free
    /// loopback port and lift the limits that protect a real installation from one person (messages per person,
    /// sockets per person): the benchmark is many people's worth of traffic from a few.
    func environment(_ installation: BenchInstallation) -> [String: String] {
        ProcessInfo.processInfo.environment.merging([
            "KANAVA_DATA_DIR": installation.dataDir.path,
            "KANAVA_DATABASE_URL": installation.databaseURL,
            "KANAVA_SERVER_HOST": "127.0.0.1",
            "KANAVA_SERVER_PORT": "0",
            "KANAVA_SERVER_PUBLIC_URL": "",
            "KANAVA_LOG_LEVEL": "error",
            "KANAVA_LIMITS_MESSAGES_PER_PERSON": "1000000",
            "KANAVA_LIMITS_MESSAGES_WINDOW_SECONDS": "1",
            "KANAVA_LIMITS_MAX_SOCKETS_PER_PERSON": "10000",
            "KANAVA_SMTP_HOST": "",
            "KANAVA_ROSTER_PATH": "",
            "KANAVA_CLOCK_CHECK_SECONDS": "3600",
        ]) { $1 }
    }
}

/// `kanava serve` as a child process on a loopback port it picked itself. Its memory is read from
/// `/proc/PID/status`, so the figures are the server's alone, not the clients'.
public final class BenchServer: Sendable {
    public let port: Int
    private let process: Subprocess

    /// Starts node number `node` of the installation and returns once it listens (at most `timeout`). Its output goes
    /// to `node-N.log` in the data directory.
    static func start(_ launcher: ServerLauncher, _ installation: BenchInstallation, node: Int, timeout: Duration = .seconds(60)) async throws -> BenchServer {
        let log = installation.dataDir.appendingPathComponent("node-\(node).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw BenchError("cannot write \(log.path)") }
        let process = try Subprocess(launcher.executable.path, ["serve", "--config", launcher.configPath],
                                     environment: launcher.environment(installation), directory: launcher.workingDirectory.path,
                                     output: .file(log.path))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /listening on http:\/\/[^:]+:(\d+)/), let port = Int(match.1) {
                return BenchServer(port: port, process: process)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.signal(SIGKILL)
        await process.wait()
        throw BenchError("node \(node) did not start listening: \((try? String(contentsOf: log, encoding: .utf8))?.suffix(2000) ?? "")")
    }

    private init(port: Int, process: Subprocess) {
        self.port = port
        self.process = process
    }

    /// The server's resident memory now (VmRSS), in bytes.
    public func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) }) else {
            throw BenchError("no VmRSS in /proc/\(process.pid)/status")
        }
        return kib * 1024
    }

    /// A graceful shutdown (SIGTERM), waited for at most `timeout`; then SIGKILL.
    public func stop(timeout: Duration = .seconds(20)) async {
        process.signal(SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        process.signal(SIGKILL)
        await process.wait()
    }
}

/// A benchmark that could not run or found something wrong.
public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
