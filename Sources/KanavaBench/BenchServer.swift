import Foundation
import KanavaCore

/// Where and how the benchmark starts its server: the `kanava` executable (the same build as the benchmark, so both
/// are debug or both release), its configuration file, and the directory it runs in (templates are read from there).
public struct ServerLauncher: Sendable {
    public var executable: URL
    public var configPath: String
    public var workingDirectory: URL

    public init(executable: URL, configPath: String, workingDirectory: URL) {
        self.executable = executable
        self.configPath = configPath
        self.workingDirectory = workingDirectory
    }

    /// The configuration as the server will read it: the file, the environment, and ``overrides``.
    public func config(dataDir: URL) throws -> KanavaConfig {
        try ConfigLoader(environment: environment(dataDir: dataDir)).load(path: configPath, required: false)
    }

    /// Environment variables that point the server at `dataDir` on a free loopback port and lift the limits that
    /// protect a real installation from one person (messages per person, sockets per person): the benchmark is
    /// many people's worth of traffic from a few.
    func environment(dataDir: URL) -> [String: String] {
        ProcessInfo.processInfo.environment.merging([
            "KANAVA_DATA_DIR": dataDir.path,
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
    private let process: Process

    /// Starts the server on `dataDir` and returns once it listens (at most `timeout`).
    public static func start(_ launcher: ServerLauncher, dataDir: URL, timeout: Duration = .seconds(60)) async throws -> BenchServer {
        let log = dataDir.appendingPathComponent("server.log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw BenchError("cannot write \(log.path)") }
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = launcher.executable
        process.arguments = ["serve", "--config", launcher.configPath]
        process.currentDirectoryURL = launcher.workingDirectory
        process.environment = launcher.environment(dataDir: dataDir)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /listening on http:\/\/[^:]+:(\d+)/), let port = Int(match.1) {
                return BenchServer(port: port, process: process)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw BenchError("the server did not start listening: \((try? String(contentsOf: log, encoding: .utf8))?.suffix(2000) ?? "")")
    }

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// The server's resident memory now (VmRSS), in bytes.
    public func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) }) else {
            throw BenchError("no VmRSS in /proc/\(process.processIdentifier)/status")
        }
        return kib * 1024
    }

    /// A graceful shutdown (SIGTERM), waited for at most `timeout`; then SIGKILL.
    public func stop(timeout: Duration = .seconds(20)) async {
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A benchmark that could not run or found something wrong.
public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
