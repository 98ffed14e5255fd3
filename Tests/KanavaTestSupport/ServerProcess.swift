import Foundation

/// The real `kanava` binary serving a data directory, as a child process on a loopback port it picked itself.
///
/// For tests that must kill the server the hard way (`SIGKILL`) and start it again on the same data.
public final class ServerProcess: Sendable {
    public let port: Int
    private let process: Process
    private let exited: AsyncStream<Void>
    public let output: OutputFile

    /// The `kanava` executable built beside this test binary.
    public static var executable: URL {
        let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("kanava")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return TestInstallation.repositoryRoot.appendingPathComponent(".build/debug/kanava")
    }

    /// Runs `kanava serve` on `dataDir` (with the repository's config, Web/ and templates) and returns once it listens.
    public static func start(dataDir: URL, environment extra: [String: String] = [:]) async throws -> ServerProcess {
        let output = try OutputFile(in: dataDir.deletingLastPathComponent(), name: "kanava-serve-\(UUID().uuidString).log")
        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve"]
        process.currentDirectoryURL = TestInstallation.repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging([
            "KANAVA_DATA_DIR": dataDir.path,
            "KANAVA_SERVER_PORT": "0",
            "KANAVA_LOG_LEVEL": "warning",
            "KANAVA_CLOCK_CHECK_SECONDS": "3600",
        ].merging(extra) { $1 }) { $1 }
        let writer = try output.writer()
        process.standardOutput = writer
        process.standardError = writer
        let (exited, exit) = AsyncStream.makeStream(of: Void.self)
        process.terminationHandler = { _ in exit.finish() }
        try process.run()
        let server = ServerProcess(process: process, exited: exited, output: output, port: 0)
        do {
            let port = try await output.wait(for: "kanava to listen", timeout: .seconds(30)) { text in
                text.firstMatch(of: /listening on https?:\/\/[^:]+:(\d+)/).flatMap { Int($0.1) }
            }
            return ServerProcess(process: process, exited: exited, output: output, port: port)
        } catch {
            await server.kill()
            throw error
        }
    }

    private init(process: Process, exited: AsyncStream<Void>, output: OutputFile, port: Int) {
        self.process = process
        self.exited = exited
        self.output = output
        self.port = port
    }

    /// `SIGKILL`: no shutdown, no flush, no goodbye. Returns once the process is gone.
    public func kill() async {
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        for await _ in exited {}
        try? FileManager.default.removeItem(at: output.url)
    }

    /// `SIGTERM`: a graceful shutdown. Returns the exit status once the process is gone.
    @discardableResult
    public func terminate() async -> Int32 {
        process.terminate()
        for await _ in exited {}
        try? FileManager.default.removeItem(at: output.url)
        return process.terminationStatus
    }
}
