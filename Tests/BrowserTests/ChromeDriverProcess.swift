import Foundation
import KanavaSpawn
import KanavaTestSupport

/// A `chromedriver` child process listening on a loopback port it picked itself (`--port=0`).
///
/// It runs in a process group of its own, which the browsers chromedriver launches join: ``stop()`` kills that whole
/// group, so no Chromium outlives a test, even one whose session could not be deleted.
struct ChromeDriverProcess: Sendable {
    let server: WebDriverServer
    private let child: Child

    /// Starts chromedriver and returns once it answers `GET /status` with `ready: true`.
    static func start(executable: URL) async throws -> ChromeDriverProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-chromedriver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = try OutputFile(in: directory, name: "stdout.txt")
        let child = Child(process: try Subprocess(executable.path, ["--port=0"], output: .file(output.url.path), error: .null),
                          directory: directory)
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

    /// The running process and the folder of its output.
    private struct Child: Sendable {
        let process: Subprocess
        let directory: URL

        func stop() async {
            process.signalGroup(SIGKILL) // chromedriver and the browsers it left behind
            await process.wait()
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
