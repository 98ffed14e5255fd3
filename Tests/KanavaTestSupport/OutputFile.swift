import Foundation

/// A child process's standard output, written to a file and read by polling.
///
/// Not a pipe with `FileHandle.readabilityHandler`: that reads through a dispatch source whose teardown races with
/// closing the pipe, and has crashed the whole test process on Linux (in libdispatch's `_dispatch_event_loop_drain`,
/// swift-corelibs-foundation#5507). A file needs no reader, so a chatty child never blocks either.
public struct OutputFile: Sendable {
    public let url: URL

    /// Creates an empty file `name` in `directory`.
    public init(in directory: URL, name: String) throws {
        url = directory.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw TestFailure("could not create \(url.path)")
        }
    }

    public var text: String {
        String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self)
    }

    /// Polls the output until `find` gets what it looks for from the text so far, or fails after `timeout`.
    public func wait<T>(for what: String, timeout: Duration, _ find: (String) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = find(text) { return found }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("timed out after \(timeout) waiting for \(what); output so far: \(text.prefix(500))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
