import Foundation

/// Runs a program to its end, its standard input, output and error going through files, so no pipe fills up.
public enum ChildProcess {
    public struct Result: Sendable {
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
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let input = try FileHandle(forReadingFrom: stdin), output = try FileHandle(forWritingTo: stdout), errors = try FileHandle(forWritingTo: stderr)
        defer {
            try? input.close()
            try? output.close()
            try? errors.close()
        }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let (exited, exit) = AsyncStream.makeStream(of: Void.self)
        process.terminationHandler = { _ in exit.finish() }
        try process.run()
        for await _ in exited {}
        return Result(status: process.terminationStatus, output: (try? Data(contentsOf: stdout)) ?? Data(),
                      standardError: (try? String(contentsOf: stderr, encoding: .utf8)) ?? "")
    }
}
