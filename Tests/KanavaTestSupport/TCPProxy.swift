import Foundation
import KanavaSpawn

/// A loopback TCP proxy in front of a server (`Tests/Support/tcp_proxy.py`), for tests in which the database goes
/// away and comes back: ``stop()`` drops every connection through it and refuses new ones; a new proxy on the same
/// ``port`` brings the server back.
public final class TCPProxy: Sendable {
    public let port: Int
    /// Its standard input is a pipe: the proxy exits when it closes, also if this test process dies.
    private let process: Subprocess
    private let output: OutputFile

    /// Starts a proxy to `127.0.0.1:targetPort` on `port` (0: any free port) and returns once it listens.
    public init(to targetPort: Int, port: Int = 0) async throws {
        output = try OutputFile(in: FileManager.default.temporaryDirectory, name: "kanava-proxy-\(UUID().uuidString).log")
        process = try Subprocess(
            "/usr/bin/env", ["python3", TestInstallation.repositoryRoot.appendingPathComponent("Tests/Support/tcp_proxy.py").path,
                             "\(targetPort)", "\(port)"],
            input: .pipe, output: .file(output.url.path))
        do {
            self.port = try await output.wait(for: "the proxy to listen", timeout: .seconds(10)) { text in
                text.split(separator: "\n").first.flatMap { Int($0) }
            }
        } catch {
            await Self.stop(process, output)
            throw error
        }
    }

    /// A port nothing listens on (yet): where a proxy can be started later.
    public static func freePort() async throws -> Int {
        let proxy = try await TCPProxy(to: 1)
        await proxy.stop()
        return proxy.port
    }

    /// Drops every connection at once, and returns once the proxy (and any interpreter shim in front of it) is gone.
    public func stop() async {
        await Self.stop(process, output)
    }

    private static func stop(_ process: Subprocess, _ output: OutputFile) async {
        process.closeInput()
        process.signalGroup(SIGKILL)
        await process.wait()
        try? FileManager.default.removeItem(at: output.url)
    }
}
