import Foundation
import KanavaSpawn

/// Runs a program to its end, its standard input, output and error going through files, so no pipe fills up.
public enum ChildProcess {
    public struct Result: Sendable {
        /// The exit code, or 128 plus the signal's number (``Subprocess/Termination/status``).
        public var status: Int32
        public var output: Data
        public var standardError: String

        public var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// `environment` is added to this process's; `directory` is the working directory (else the test's).
    public static func run(_ executable: String, _ arguments: [String], input: Data = Data(), environment: [String: String] = [:],
                           directory workingDirectory: URL? = nil) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdin = directory.appendingPathComponent("stdin"), stdout = directory.appendingPathComponent("stdout"),
            stderr = directory.appendingPathComponent("stderr")
        try input.write(to: stdin)
        let termination = try await Subprocess.run(
            executable, arguments,
            environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
            directory: workingDirectory?.path, input: .file(stdin.path), output: .file(stdout.path), error: .file(stderr.path))
        return Result(status: termination.status, output: (try? Data(contentsOf: stdout)) ?? Data(),
                      standardError: (try? String(contentsOf: stderr, encoding: .utf8)) ?? "")
    }
}
