import Foundation
import KanavaCore
import NIOCore
import NIOPosix
import Synchronization

/// One scenario's stage: a fresh installation in a temporary directory with its cast, and `kanava serve` on it.
/// Everything is removed afterwards, also when the scenario fails.
struct BenchStage {
    let cast: BenchCast
    let server: BenchServer
    let config: KanavaConfig
    let group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton

    static func run<T>(_ launcher: ServerLauncher, accounts: Int, membersPerAccount: Int, _ body: (BenchStage) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try launcher.config(dataDir: directory)
        let cast = try await BenchCast.make(config: config, accounts: accounts, membersPerAccount: membersPerAccount)
        let server = try await BenchServer.start(launcher, dataDir: directory)
        do {
            let result = try await body(BenchStage(cast: cast, server: server, config: config))
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Opens a socket for each person, at most `concurrency` handshakes at a time (the kernel's listen backlog is
    /// small), and subscribes each to its channel when asked.
    func connect(_ people: [BenchPerson], subscribe: Bool, concurrency: Int = 64,
                 onEvent: (Int) -> BenchSocket.EventHandler? = { _ in nil }) async throws -> [BenchSocket] {
        try FileLimit.ensure(people.count)
        let port = server.port
        let group = group
        return try await withThrowingTaskGroup(of: (Int, BenchSocket).self) { tasks in
            var sockets = [BenchSocket?](repeating: nil, count: people.count)
            func start(_ index: Int) {
                let person = people[index]
                let handler = onEvent(index)
                tasks.addTask {
                    let socket = try await BenchSocket.connect(port: port, person: person, group: group, onEvent: handler)
                    if subscribe { try await socket.subscribe([person.account]) }
                    return (index, socket)
                }
            }
            for index in people.indices.prefix(concurrency) { start(index) }
            var next = min(concurrency, people.count)
            while let (index, socket) = try await tasks.next() {
                sockets[index] = socket
                if next < people.count {
                    start(next)
                    next += 1
                }
            }
            return sockets.compactMap { $0 }
        }
    }

    /// The installation's store, opened beside the server (SQLite in WAL mode has room for both): for checking
    /// afterwards that what was acknowledged is there.
    func openStore() throws -> SQLiteStore {
        try SQLiteStore(path: Kanava.databasePath(config))
    }
}

/// The process's limit of open files, raised as far as the hard limit allows. The server, a child process,
/// inherits it.
enum FileLimit {
    /// Raises the soft limit to the hard one and checks that `sockets` more descriptors fit, with room to spare.
    static func ensure(_ sockets: Int) throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        guard UInt64(sockets) + 500 <= UInt64(limit.rlim_cur) else {
            throw BenchError("\(sockets) sockets need more open files than this process may have (\(limit.rlim_cur); the hard limit is \(limit.rlim_max) and only root with CAP_SYS_RESOURCE may raise it)")
        }
    }
}

/// Records what arrives, from any thread.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])

    func append(_ item: Element) {
        items.withLock { $0.append(item) }
    }

    var all: [Element] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }

    /// Waits until at least `count` items arrived, or `timeout` passed; returns whether they did.
    func wait(for count: Int, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while self.count < count {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return true
    }
}
