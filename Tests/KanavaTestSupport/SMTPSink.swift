import Foundation
import KanavaSpawn

/// A real SMTP server on loopback for tests: `Tests/Support/smtp_sink.py` (Python's aiosmtpd) as a child
/// process, recording each message it accepts.
///
/// ```swift
/// try await SMTPSink.run(.init(rejectRecipients: ["nobody@example.fi"])) { sink in
///     … send to 127.0.0.1:sink.port …
///     let messages = try await sink.waitForMessages(count: 1)
/// }
/// ```
///
/// If aiosmtpd is not importable, it is installed once into `.build/python/aiosmtpd` of this package (pip, PyPI;
/// see ``PythonDependencies``); if that fails too, starting a sink throws, so a test fails rather than skips.
public struct SMTPSink: Sendable {
    /// How the sink behaves.
    public struct Options: Sendable {
        /// Offer and require STARTTLS with this certificate and key (PEM files).
        public var startTLS: (certificate: String, key: String)?
        /// Speak TLS from the first byte with this certificate and key.
        public var implicitTLS: (certificate: String, key: String)?
        /// Require AUTH with these credentials (over TLS when the sink has TLS).
        public var auth: (username: String, password: String)?
        /// AUTH mechanisms not to offer, such as "PLAIN".
        public var authExclude: [String]
        /// Recipients answered with 550.
        public var rejectRecipients: [String]

        public init(
            startTLS: (certificate: String, key: String)? = nil, implicitTLS: (certificate: String, key: String)? = nil,
            auth: (username: String, password: String)? = nil, authExclude: [String] = [], rejectRecipients: [String] = []
        ) {
            self.startTLS = startTLS
            self.implicitTLS = implicitTLS
            self.auth = auth
            self.authExclude = authExclude
            self.rejectRecipients = rejectRecipients
        }

        fileprivate var arguments: [String] {
            var arguments: [String] = []
            if let startTLS { arguments += ["--starttls", startTLS.certificate, startTLS.key] }
            if let implicitTLS { arguments += ["--tls", implicitTLS.certificate, implicitTLS.key] }
            if let auth { arguments += ["--auth", "\(auth.username):\(auth.password)"] }
            for mechanism in authExclude { arguments += ["--auth-exclude", mechanism] }
            for address in rejectRecipients { arguments += ["--reject-rcpt", address] }
            return arguments
        }
    }

    /// One message as the sink received and decoded it.
    public struct Message: Decodable, Sendable {
        public var mailFrom: String
        public var rcptTos: [String]
        /// The Subject header, decoded.
        public var subject: String?
        /// The text/plain part, decoded, with LF line ends.
        public var text: String?
        /// The text/html part, decoded, with LF line ends; nil if there is none.
        public var html: String?
        /// The header fields, decoded (the last one of a repeated name).
        public var headers: [String: String]
        /// The message as it came over the wire, after DATA's dot-unstuffing.
        public var raw: String
        /// Whether the message came over TLS.
        public var tls: Bool
        /// Who had authenticated, if anyone.
        public var authUser: String?
    }

    /// The loopback port the sink listens on (127.0.0.1).
    public let port: Int
    /// Its standard input is a pipe kept open: the sink exits when it closes, also if this test process dies.
    private let process: Subprocess
    private let directory: URL

    private var outputFile: URL { directory.appendingPathComponent("messages.jsonl") }
    private var errorFile: URL { directory.appendingPathComponent("stderr.txt") }

    /// Starts a sink, runs `body` with it, and stops it, also when `body` throws.
    public static func run<T>(_ options: Options = Options(), _ body: (SMTPSink) async throws -> T) async throws -> T {
        let sink = try await start(options)
        do {
            let result = try await body(sink)
            await sink.stop()
            return result
        } catch {
            await sink.stop()
            throw error
        }
    }

    /// Starts a sink and returns once it listens. Call ``stop()`` when done.
    public static func start(_ options: Options = Options()) async throws -> SMTPSink {
        let pythonPath = try await PythonDependencies.path(module: "aiosmtpd", package: "aiosmtpd")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        let stdout = try OutputFile(in: directory, name: "stdout.txt")
        let process: Subprocess
        do {
            process = try Subprocess(
                "/usr/bin/env", ["python3", scriptPath, "--port", "0", "--out", directory.appendingPathComponent("messages.jsonl").path]
                    + options.arguments,
                environment: pythonPath.map { ProcessInfo.processInfo.environment.merging(["PYTHONPATH": $0]) { $1 } },
                input: .pipe, output: .file(stdout.url.path), error: .file(directory.appendingPathComponent("stderr.txt").path))
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw SMTPSinkError("could not start python3 for the SMTP sink: \(error)")
        }

        let starting = SMTPSink(port: 0, process: process, directory: directory)
        do {
            // The first line is "PORT n" (or the sink exits, saying why on standard error).
            let line = try await stdout.wait(for: "the SMTP sink to announce its port", timeout: .seconds(30)) { text in
                text.firstIndex(of: "\n").map { String(text[..<$0]) } ?? (process.isRunning ? nil : "")
            }
            guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
                throw SMTPSinkError("the SMTP sink did not start: \(starting.standardError())")
            }
            return SMTPSink(port: port, process: process, directory: directory)
        } catch {
            await starting.stop()
            throw error
        }
    }

    private init(port: Int, process: Subprocess, directory: URL) {
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// The messages received so far, oldest first.
    public func messages() throws -> [Message] {
        guard let data = FileManager.default.contents(atPath: outputFile.path) else { return [] }
        // Only whole lines: the last piece is empty, or a line still being written.
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try lines.map { try decoder.decode(Message.self, from: Data($0)) }
    }

    /// Polls until at least `count` messages have arrived and returns them; throws after `timeout`.
    public func waitForMessages(count: Int, timeout: Duration = .seconds(10)) async throws -> [Message] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let messages = try messages()
            if messages.count >= count { return messages }
            guard ContinuousClock.now < deadline else {
                throw SMTPSinkError("waited \(timeout) for \(count) message(s), got \(messages.count); sink stderr: \(standardError())")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops the sink (SIGTERM, then SIGKILL if it lingers), waits for it to exit and removes its files.
    public func stop() async {
        process.closeInput()
        process.signalGroup(SIGTERM)
        let killer = Task {
            try await Task.sleep(for: .seconds(5))
            process.signalGroup(SIGKILL)
        }
        await process.wait()
        killer.cancel()
        try? FileManager.default.removeItem(at: directory)
    }

    /// What the sink wrote to stderr, for failure messages.
    public func standardError() -> String {
        (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    }

    /// `Tests/Support/smtp_sink.py` of this package.
    static let scriptPath = packageRoot.appendingPathComponent("Tests/Support/smtp_sink.py").path

    /// This package's root: two levels above this file.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

public struct SMTPSinkError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
