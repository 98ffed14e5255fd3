import Foundation
import KanavaTestSupport

/// A `chromedriver` child process listening on a loopback port it picked itself (`--port=0`).
///
/// On Linux, Foundation starts a child in a process group of its own, which the browsers chromedriver
/// launches join: ``stop()`` kills that whole group, so no Chromium outlives a test, even one whose session
/// could not be deleted.
struct ChromeDriverProcess: Sendable {
    let server: WebDriverServer
    private let child: Child

    /// Starts chromedriver and returns once it answers `GET /status` with `ready: true`.
    static func start(executable: URL) async throws -> ChromeDriverProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-chromedriver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = try OutputFile(in: directory, name: "stdout.txt")
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--port=0"]
        process.standardOutput = try output.writer()
        process.standardError = FileHandle.nullDevice
        let (exited, exit) = AsyncStream.makeStream(of: Void.self)
        process.terminationHandler = { _ in exit.finish() }
        try process.run()

        let child = Child(process: process, exited: exited, directory: directory)
        do {
            // "ChromeDriver was started successfully on port 41234."
            let port = try await output.wait(for: "chromedriver to announce its port", timeout: .seconds(10)) { text in
                text.firstMatch(of: /started successfully on port (\d+)/).flatMap { Int($0.1) }
            }
            let server = WebDriverServer(port: port)
            try await waitUntilReady(server)
            return ChromeDriverProcess(server: server, child: child)
        } catch {
            await child.stop()
            throw error
        }
    }

    private init(server: WebDriverServer, child: Child) {
        self.server = server
        self.child = child
    }

    /// Kills chromedriver and anything left in its process group, and waits for chromedriver to exit.
    func stop() async {
        await child.stop()
    }

    /// The running process, a stream that finishes when it exits, and the folder of its output.
    private struct Child: Sendable {
        let process: Process
        let exited: AsyncStream<Void>
        let directory: URL

        func stop() async {
            let pid = process.processIdentifier
            kill(pid, SIGKILL)
            kill(-pid, SIGKILL) // its process group: browsers left behind
            for await _ in exited {}
            try? FileManager.default.removeItem(at: directory)
        }
    }

    private static func waitUntilReady(_ server: WebDriverServer) async throws {
        struct Status: Decodable { var ready: Bool }
        try await waitFor("chromedriver to be ready") {
            let status: Status = try await server.get("status")
            return status.ready
        }
    }
}
