import Foundation

/// A loopback TCP proxy in front of a server (`Tests/Support/tcp_proxy.py`), for tests in which the database goes
/// away and comes back: ``stop()`` drops every connection through it and refuses new ones; a new proxy on the same
/// ``port`` brings the server back.
public final class TCPProxy: Sendable {
    public let port: Int
    private let process: Process
    private let output: OutputFile
    /// Closing it ends the proxy (and any interpreter shim's child with it).
    private let input = Pipe()

    /// Starts a proxy to `127.0.0.1:targetPort` on `port` (0: any free port) and returns once it listens.
    public init(to targetPort: Int, port: Int = 0) async throws {
        output = try OutputFile(in: FileManager.default.temporaryDirectory, name: "kanava-proxy-\(UUID().uuidString).log")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestInstallation.repositoryRoot.appendingPathComponent("Tests/Support/tcp_proxy.py").path,
                             "\(targetPort)", "\(port)"]
        let writer = try output.writer()
        process.standardInput = input
        process.standardOutput = writer
        process.standardError = writer
        try process.run()
        self.port = try await output.wait(for: "the proxy to listen", timeout: .seconds(10)) { text in
            text.split(separator: "\n").first.flatMap { Int($0) }
        }
    }

    /// A port nothing listens on (yet): where a proxy can be started later.
    public static func freePort() async throws -> Int {
        let proxy = try await TCPProxy(to: 1)
        proxy.stop()
        return proxy.port
    }

    /// Drops every connection at once: the proxy exits when its input closes, and is killed in case it has not.
    /// Nothing here waits for the exit: `Process.waitUntilExit()` blocks a thread of the cooperative pool (there are
    /// two on this machine) and is the prime suspect of a stalled test run.
    public func stop() {
        try? input.fileHandleForWriting.close()
        kill(process.processIdentifier, SIGKILL)
        try? FileManager.default.removeItem(at: output.url)
    }
}
