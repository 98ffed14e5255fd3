import Foundation
import Synchronization

/// Python packages from PyPI that tests use as independent implementations of what Kanava speaks (aiosmtpd for
/// SMTP, slack_sdk for webhooks, icalendar for the feed), and a way to run the scripts in `Tests/Support` with them.
///
/// A package that python3 cannot import is installed once per package into `.build/python/<package>` of this
/// package (pip, PyPI). If that fails, the test fails with pip's output rather than being skipped.
public enum PythonDependencies {
    private static let installs = Mutex<[String: Task<String?, any Error>]>([:])

    /// The PYTHONPATH entry that makes `import <module>` work: nil if it works as it is, else `.build/python/<package>`.
    public static func path(module: String, package: String) async throws -> String? {
        let install = installs.withLock { tasks in
            if let task = tasks[package] { return task }
            let task = Task { try await findOrInstall(module: module, package: package) }
            tasks[package] = task
            return task
        }
        return try await install.value
    }

    private static func findOrInstall(module: String, package: String) async throws -> String? {
        if try await canImport(module, pythonPath: nil) { return nil }
        let target = TestInstallation.repositoryRoot.appendingPathComponent(".build/python/\(package)")
        if try await canImport(module, pythonPath: target.path) { return target.path }

        // Install beside the target and rename into place, so that a concurrent test process never sees a
        // half-installed directory; if another process got there first, its copy is used.
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let staging = target.deletingLastPathComponent().appendingPathComponent("\(package)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        let pip = try await Python.run(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", staging.path, package])
        guard pip.status == 0 else {
            throw TestFailure("\(package) is not installed and `pip install --target \(staging.path) \(package)` failed (exit \(pip.status)): \(pip.standardError)")
        }
        if rename(staging.path, target.path) != 0 && !FileManager.default.fileExists(atPath: target.path) {
            throw TestFailure("could not move \(package) into \(target.path): errno \(errno)")
        }
        guard try await canImport(module, pythonPath: target.path) else {
            throw TestFailure("\(package) was installed into \(target.path) but `import \(module)` still fails")
        }
        return target.path
    }

    private static func canImport(_ module: String, pythonPath: String?) async throws -> Bool {
        try await Python.run(["-c", "import \(module)"], pythonPath: pythonPath).status == 0
    }
}

/// Runs python3.
public enum Python {
    public typealias Result = ChildProcess.Result

    /// Runs `Tests/Support/<script>` with `arguments`, `input` on standard input, and the packages it needs
    /// (`module`, PyPI `package`) importable.
    public static func script(_ script: String, _ arguments: [String] = [], input: Data = Data(),
                              needs packages: [(module: String, package: String)]) async throws -> Result {
        var paths: [String] = []
        for (module, package) in packages {
            if let path = try await PythonDependencies.path(module: module, package: package) { paths.append(path) }
        }
        let path = TestInstallation.repositoryRoot.appendingPathComponent("Tests/Support/\(script)").path
        return try await run([path] + arguments, input: input, pythonPath: paths.isEmpty ? nil : paths.joined(separator: ":"))
    }

    /// Runs python3 with `arguments` (``ChildProcess/run(_:_:input:environment:directory:)``).
    /// `directory` is its working directory (for tools that write files there), else the test's.
    public static func run(_ arguments: [String], input: Data = Data(), pythonPath: String? = nil, directory workingDirectory: URL? = nil) async throws -> Result {
        try await ChildProcess.run("/usr/bin/env", ["python3"] + arguments, input: input,
                                   environment: pythonPath.map { ["PYTHONPATH": $0] } ?? [:], directory: workingDirectory)
    }
}
