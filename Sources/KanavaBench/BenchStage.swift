import Foundation
import KanavaCore
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One scenario's stage: a fresh installation (a temporary directory, and a database of its own on PostgreSQL) with
/// its cast, and its `kanava serve` nodes. Everything is removed afterwards, also when the scenario fails.
struct BenchStage {
    let cast: BenchCast
    let nodes: BenchNodes
    let config: KanavaConfig
    let group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton

    static func run<T>(_ launcher: ServerLauncher, accounts: Int, membersPerAccount: Int, _ body: (BenchStage) async throws -> T) async throws -> T {
        try launcher.check()
        return try await BenchInstallation.make(launcher.database) { installation in
            let config = try launcher.config(installation)
            let cast = try await BenchCast.make(config: config, accounts: accounts, membersPerAccount: membersPerAccount)
            let nodes = try await BenchNodes.start(launcher, installation)
            do {
                let result = try await body(BenchStage(cast: cast, nodes: nodes, config: config))
                await nodes.stop()
                return result
            } catch {
                await nodes.stop()
                throw error
            }
        }
    }

    /// Opens a socket for each person, person `i` on node `i % nodes` (``BenchNodes``), at most `concurrency`
    /// handshakes at a time (the kernel's listen backlog is small), and subscribes each to its channel when asked.
    func connect(_ people: [BenchPerson], subscribe: Bool, concurrency: Int = 64,
                 onEvent: (Int) -> BenchSocket.EventHandler? = { _ in nil }) async throws -> [BenchSocket] {
        try FileLimit.ensure(people.count)
        let nodes = nodes
        let group = group
        return try await withThrowingTaskGroup(of: (Int, BenchSocket).self) { tasks in
            var sockets = [BenchSocket?](repeating: nil, count: people.count)
            func start(_ index: Int) {
                let person = people[index]
                let handler = onEvent(index)
                tasks.addTask {
                    let socket = try await BenchSocket.connect(port: nodes.port(for: index), person: person, group: group, onEvent: handler)
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

    /// An HTTP connection of `person` to the node client number `index` talks to.
    func http(_ person: BenchPerson, index: Int) async throws -> BenchHTTP {
        try await BenchHTTP.connect(port: nodes.port(for: index), person: person, group: group)
    }

    /// The installation's store, opened beside the servers as a node opens it (SQLite in WAL mode has room for both;
    /// PostgreSQL for any number), for checking afterwards that what was acknowledged is there.
    func withStore<T>(_ body: (any KanavaStore) async throws -> T) async throws -> T {
        try await Kanava.using(config) { try await body($0.store) }
    }
}

extension Kanava {
    /// Opens the installation of `config` in this process for `body`, and closes its store afterwards (on PostgreSQL
    /// its connections, before the benchmark drops the database).
    static func using<T>(_ config: KanavaConfig, _ body: (Kanava) async throws -> T) async throws -> T {
        let kanava = try await Kanava.open(config: config, logger: .bench)
        do {
            let result = try await body(kanava)
            await kanava.store.close()
            return result
        } catch {
            await kanava.store.close()
            throw error
        }
    }
}

extension Logger {
    /// The benchmark's own: errors only.
    static var bench: Logger {
        var logger = Logger(label: "kanava-bench")
        logger.logLevel = .error
        return logger
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
