import CKanavaSpawn
import Foundation
import Synchronization

/// A program run as a child process with `posix_spawn`: the `kanava serve` nodes of `kanava bench`, and every child
/// the tests start (servers, chromedriver, python, openssl, PostgreSQL's tools).
///
/// Not Foundation's `Process`: on Linux it learns that a child ended when a socket the child inherits reaches
/// end-of-file, and every descendant inherits that socket too. A helper that outlives the program it was started by
/// (a database server, a browser's crash handler) hides the program's end for as long as it lives, and a test waiting
/// for it never finishes. Here the child inherits its standard input, output and error and nothing else, and its end
/// is read with `waitpid` on its own pid. It runs in a process group of its own, so ``signalGroup(_:)`` also reaches
/// what it started.
public final class Subprocess: Sendable {
    /// Where standard output or standard error goes.
    public enum Output: Sendable {
        case null
        /// Appended to the file at this path, which is created if missing.
        case file(String)
    }

    /// What standard input reads.
    public enum Input: Sendable {
        case null
        case file(String)
        /// A pipe this process holds: the child reads end-of-file after ``closeInput()``, or when this process ends
        /// in any way, so a child that stops at end-of-file never outlives it.
        case pipe
    }

    /// How the child ended.
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Something else in this process reaped it (`waitpid` answered ECHILD), so its status is lost.
        case unknown

        /// The shell's convention: the exit code, or 128 plus the signal's number; -1 when unknown.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            case .unknown: -1
            }
        }
    }

    public let pid: pid_t
    private let state: Mutex<State>

    private struct State {
        var termination: Termination?
        /// The writing end of an ``Input/pipe``, until it is closed.
        var input: Int32?
    }

    /// Starts `executable` (a path; it is not looked up in `PATH`) with `arguments`. `environment` replaces this
    /// process's when given; `directory` is the working directory (else this process's); `error` goes to `output`
    /// when nil.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
                input: Input = .null, output: Output = .null, error: Output? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        func check(_ result: Int32, _ what: String) throws {
            guard result == 0 else { throw SubprocessError("could not start \(executable): \(what): \(String(cString: strerror(result)))") }
        }

        switch input {
        case .null:
            try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "standard input")
        case .file(let path):
            try check(posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0), "standard input")
        case .pipe:
            guard kanava_pipe_cloexec(&pipeEnds) == 0 else { throw SubprocessError("could not start \(executable): pipe: errno \(errno)") }
            try check(posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0), "standard input")
        }
        let closeInputPipe = { for end in pipeEnds where end >= 0 { close(end) } }
        do {
            try Self.redirect(&actions, 1, output, check)
            if let error {
                try Self.redirect(&actions, 2, error, check)
            } else {
                try check(posix_spawn_file_actions_adddup2(&actions, 1, 2), "standard error")
            }
            // Everything else stays behind: this process's sockets, files and other children's pipes.
            try check(kanava_spawn_addclosefrom(&actions, 3), "closing inherited descriptors")
            if let directory { try check(kanava_spawn_addchdir(&actions, directory), "working directory \(directory)") }
        } catch {
            closeInputPipe()
            throw error
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A process group of its own; no blocked signals; default handling of the signals this process ignores or
        // handles (SIGPIPE for SwiftNIO, SIGTERM and SIGINT for graceful shutdown), which an exec would keep ignored.
        var none = sigset_t(), reset = sigset_t()
        sigemptyset(&none)
        sigemptyset(&reset)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD] { sigaddset(&reset, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &reset)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        if pipeEnds[0] >= 0 { close(pipeEnds[0]) }
        guard spawned == 0 else {
            if pipeEnds[1] >= 0 { close(pipeEnds[1]) }
            throw SubprocessError("could not start \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        state = Mutex(State(input: pipeEnds[1] >= 0 ? pipeEnds[1] : nil))
    }

    deinit {
        state.withLock { state in
            if let input = state.input { close(input) }
        }
    }

    private static func redirect(_ actions: inout posix_spawn_file_actions_t, _ descriptor: Int32, _ output: Output,
                                 _ check: (Int32, String) throws -> Void) throws {
        let what = descriptor == 1 ? "standard output" : "standard error"
        switch output {
        case .null:
            try check(posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0), what)
        case .file(let path):
            try check(posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_APPEND, 0o644), what)
        }
    }

    /// Runs `executable` to its end and returns how it ended.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
                           input: Input = .null, output: Output = .null, error: Output? = nil) async throws -> Termination {
        try await Subprocess(executable, arguments, environment: environment, directory: directory, input: input, output: output, error: error)
            .wait()
    }

    /// How it ended, or nil while it runs.
    public var termination: Termination? {
        state.withLock { state in
            if let termination = state.termination { return termination }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                state.termination = (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
            } else if result == -1 && errno == ECHILD {
                state.termination = .unknown
            }
            return state.termination
        }
    }

    public var isRunning: Bool { termination == nil }

    /// Waits for the child to end, looking every 10 ms. Not cancellable: a test that stops a child means to wait for it.
    @discardableResult
    public func wait() async -> Termination {
        while true {
            if let termination { return termination }
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(10)) { continuation.resume() }
            }
        }
    }

    /// Waits for the child to end, blocking this thread: only for code that cannot suspend, such as an `atexit` handler.
    @discardableResult
    public func waitBlocking() -> Termination {
        while true {
            if let termination { return termination }
            usleep(10_000)
        }
    }

    /// Sends `signal` to the child, unless it has already been waited for (its pid may then belong to another process).
    public func signal(_ signal: Int32) {
        state.withLock { state in
            if state.termination == nil { _ = kill(pid, signal) }
        }
    }

    /// Sends `signal` to the child's process group: the child and whatever it started that has not left the group.
    public func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// Closes the writing end of an ``Input/pipe``: the child reads end-of-file.
    public func closeInput() {
        state.withLock { state in
            if let input = state.input { close(input) }
            state.input = nil
        }
    }
}

/// A child process that could not be started.
public struct SubprocessError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
