import Foundation
import KanavaSpawn

/// The real `kanava` binary running one command on a data directory, as a child process.
///
/// For tests that must kill Kanava the hard way (`SIGKILL`) and start it again on the same data. The repository is
/// the working directory, so `config/kanava.yaml`, `Web/` and the templates are the repository's.
public final class KanavaProcess: Sendable {
    private let child: Subprocess
    /// Standard output and standard error, together.
    public let output: OutputFile

    /// The `kanava` executable built beside this test binary.
    public static var executable: URL {
        let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("kanava")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return TestInstallation.repositoryRoot.appendingPathComponent(".build/debug/kanava")
    }

    public init(_ arguments: [String], dataDir: URL, environment extra: [String: String] = [:]) throws {
        output = try OutputFile(in: dataDir.deletingLastPathComponent(), name: "kanava-\(arguments.first ?? "")-\(UUID().uuidString).log")
        child = try Subprocess(
            Self.executable.path, arguments,
            environment: ProcessInfo.processInfo.environment.merging([
                "KANAVA_DATA_DIR": dataDir.path,
                "KANAVA_SERVER_PORT": "0",
                "KANAVA_LOG_LEVEL": "warning",
                "KANAVA_CLOCK_CHECK_SECONDS": "3600",
            ].merging(extra) { $1 }) { $1 },
            directory: TestInstallation.repositoryRoot.path, output: .file(output.url.path))
    }

    /// `SIGKILL`: no shutdown, no flush, no goodbye. Returns the exit status once the process is gone
    /// (its own status when it had already finished).
    @discardableResult
    public func kill() async -> Int32 {
        child.signal(SIGKILL)
        return await wait()
    }

    /// `SIGTERM`: a graceful shutdown. Returns the exit status once the process is gone.
    @discardableResult
    public func terminate() async -> Int32 {
        child.signal(SIGTERM)
        return await wait()
    }

    /// Waits for the process to end and returns its exit status (128 plus the signal's number when a signal ended it);
    /// its output file is removed.
    @discardableResult
    public func wait() async -> Int32 {
        let termination = await child.wait()
        try? FileManager.default.removeItem(at: output.url)
        return termination.status
    }

    /// Whether it ended by a signal rather than by exiting.
    public var wasKilled: Bool {
        if case .signalled = child.termination { return true }
        return false
    }
}

/// `kanava serve` on a loopback port it picked itself.
public struct ServerProcess: Sendable {
    public let port: Int
    public let process: KanavaProcess

    /// Starts the server on `dataDir` and returns once it listens.
    public static func start(dataDir: URL, environment: [String: String] = [:]) async throws -> ServerProcess {
        let process = try KanavaProcess(["serve"], dataDir: dataDir, environment: environment)
        do {
            let port = try await process.output.wait(for: "kanava to listen", timeout: .seconds(30)) { text in
                text.firstMatch(of: /listening on https?:\/\/[^:]+:(\d+)/).flatMap { Int($0.1) }
            }
            return ServerProcess(port: port, process: process)
        } catch {
            await process.kill()
            throw error
        }
    }

    public func kill() async { await process.kill() }

    @discardableResult
    public func terminate() async -> Int32 { await process.terminate() }
}
