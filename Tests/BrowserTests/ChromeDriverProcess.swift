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
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--port=0"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        let (exited, exit) = AsyncStream.makeStream(of: Void.self)
        process.terminationHandler = { _ in exit.finish() }
        let output = chunks(of: stdout.fileHandleForReading)
        try process.run()

        let child = Child(process: process, exited: exited)
        do {
            let port = try await withTimeout(10, "waiting for chromedriver to start") { try await Self.port(announcedIn: output) }
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

    /// The running process and a stream that finishes when it exits.
    private struct Child: Sendable {
        let process: Process
        let exited: AsyncStream<Void>

        func stop() async {
            let pid = process.processIdentifier
            kill(pid, SIGKILL)
            kill(-pid, SIGKILL) // its process group: browsers left behind
            for await _ in exited {}
        }
    }

    private static func waitUntilReady(_ server: WebDriverServer) async throws {
        struct Status: Decodable { var ready: Bool }
        try await waitFor("chromedriver to be ready") {
            let status: Status = try await server.get("status")
            return status.ready
        }
    }

    /// The port in chromedriver's "ChromeDriver was started successfully on port 41234." line.
    private static func port(announcedIn output: AsyncStream<Data>) async throws -> Int {
        var text = Data()
        for await chunk in output {
            text.append(chunk)
            if let match = String(decoding: text, as: UTF8.self).firstMatch(of: /started successfully on port (\d+)/) {
                return Int(match.1)!
            }
        }
        throw TestFailure("chromedriver exited without announcing its port: \(String(decoding: text, as: UTF8.self))")
    }

    /// What a child process writes to `handle`, until it closes. It is read as it comes, so the child never
    /// blocks on a full pipe.
    private static func chunks(of handle: FileHandle) -> AsyncStream<Data> {
        let (chunks, continuation) = AsyncStream.makeStream(of: Data.self)
        handle.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                continuation.finish()
            } else {
                continuation.yield(data)
            }
        }
        return chunks
    }
}
