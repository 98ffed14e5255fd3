import Foundation
import KanavaCore

/// Scenario 1: N idle, signed-in sockets, each subscribed to its channel (50 members per channel). Reports the
/// server's resident memory per socket (with several nodes, all the nodes' together) and how fast they connected.
public struct ConnectionsScenario: Sendable {
    public var counts: [Int]
    public var membersPerAccount = 50

    public init(counts: [Int]) {
        self.counts = counts
    }

    public struct Run: Encodable, Sendable {
        public var clients: Int
        /// Handshake, hello and subscribe reply of all clients, 64 at a time.
        public var connectSeconds: Double
        public var connectsPerSecond: Double
        public var serverRSSBeforeBytes: Int
        public var serverRSSAfterBytes: Int
        public var serverBytesPerConnection: Double
        /// Sockets that answered a ping after the measurement.
        public var alive: Int
    }

    public struct Result: ScenarioResult {
        public static let scenario = "connections"
        public var memory = "resident memory (VmRSS) of the server process (every node's, added up), read from /proc/PID/status; clients run in the benchmark's own process"
        public var runs: [Run]

        public var nothingLost: Bool { runs.allSatisfy { $0.alive == $0.clients } }

        public var table: BenchTable {
            BenchTable(columns: ["clients", "connect", "rate", "server RSS before → after", "per socket", "alive"], rows: runs.map { run in
                [String(run.clients), Figure.seconds(run.connectSeconds), Figure.rate(run.connectsPerSecond),
                 "\(Figure.mib(Double(run.serverRSSBeforeBytes))) → \(Figure.mib(Double(run.serverRSSAfterBytes)))",
                 Figure.kib(run.serverBytesPerConnection), "\(run.alive)/\(run.clients)"]
            })
        }
    }

    public func run(_ launcher: ServerLauncher) async throws -> Result {
        var runs: [Run] = []
        for clients in counts {
            let accounts = (clients + membersPerAccount - 1) / membersPerAccount
            runs.append(try await BenchStage.run(launcher, accounts: accounts, membersPerAccount: membersPerAccount) { stage in
                try await measure(stage, people: Array(stage.cast.members.prefix(clients)))
            })
        }
        return Result(runs: runs)
    }

    private func measure(_ stage: BenchStage, people: [BenchPerson]) async throws -> Run {
        // One socket first, so the memory every server has once it served anything is not counted per socket.
        let first = try await stage.connect([stage.cast.accounts[0].director], subscribe: true)
        try await Task.sleep(for: .milliseconds(500))
        let before = try stage.nodes.residentBytes()
        let start = ContinuousClock.now
        let sockets = try await stage.connect(people, subscribe: true)
        let elapsed = start.duration(to: .now).seconds
        try await Task.sleep(for: .seconds(2))
        let after = try stage.nodes.residentBytes()
        var alive = 0
        for socket in sockets where (try? await socket.request(["type": "ping"]).ok) == true { alive += 1 }
        for socket in sockets + first { socket.close() }
        return Run(clients: people.count, connectSeconds: elapsed, connectsPerSecond: Double(people.count) / elapsed,
                   serverRSSBeforeBytes: before, serverRSSAfterBytes: after,
                   serverBytesPerConnection: Double(after - before) / Double(max(1, people.count)), alive: alive)
    }
}
