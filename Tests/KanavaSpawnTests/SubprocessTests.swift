import Foundation
import KanavaSpawn
import Testing

@Suite struct SubprocessTests {
    /// The reason this type exists: Foundation's `Process` on Linux would wait here until the grandchild ended.
    @Test func theEndOfAChildIsSeenWhileSomethingItStartedLivesOn() async throws {
        let child = try Subprocess("/bin/sh", ["-c", "sleep 3600 & exit 3"])
        let ended = try await withThrowingTaskGroup(of: Subprocess.Termination?.self) { group in
            group.addTask { await child.wait() }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        child.signalGroup(SIGKILL) // the sleep, which stayed in the child's process group
        #expect(ended == .exited(3))
    }

    @Test func onlyStandardInputOutputAndErrorAreInherited() async throws {
        let descriptor = open("/dev/null", O_RDONLY) // without O_CLOEXEC
        try #require(descriptor > 2)
        defer { close(descriptor) }
        let probe = try await Subprocess.run("/bin/sh", ["-c", "test -e /proc/$$/fd/\(descriptor) || test ! -e /proc/$$/fd/2"])
        #expect(probe == .exited(1), "the child saw descriptor \(descriptor), or lacked standard error")
    }

    @Test func outputErrorWorkingDirectoryAndASignalledEnd() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-spawn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("output").path
        let ended = try await Subprocess.run("/bin/sh", ["-c", "pwd; echo virhe >&2; kill -TERM $$"], directory: directory.path,
                                             output: .file(output))
        #expect(ended == .signalled(SIGTERM))
        #expect(ended.status == 128 + SIGTERM)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text == "\(directory.resolvingSymlinksInPath().path)\nvirhe\n")
    }

    @Test func closingThePipeEndsAChildThatReadsItsInput() async throws {
        let child = try Subprocess("/bin/cat", [], input: .pipe)
        try await Task.sleep(for: .milliseconds(100))
        #expect(child.isRunning)
        child.closeInput()
        #expect(await child.wait() == .exited(0))
    }

    @Test func aProgramThatCannotStartIsAnErrorNamingIt() throws {
        #expect(throws: SubprocessError.self) { try Subprocess("/nonexistent/kanava", []) }
    }
}
