import Foundation
import KanavaCore
import NIOCore

/// Scenario 2: an urgent notice to a channel whose members are all connected. The director posts it over HTTP on
/// node 1; latency is from just before the request is written to the moment each member's socket reads the event.
/// With several nodes the members are spread over all of them, so those on the other nodes wait for the hop through
/// the database (PostgreSQL's NOTIFY, then the event read back).
public struct FanoutScenario: Sendable {
    public var memberCounts: [Int]
    /// Notices per channel size, one at a time, each waited for at every socket.
    public var rounds: Int

    public init(memberCounts: [Int], rounds: Int = 5) {
        self.memberCounts = memberCounts
        self.rounds = rounds
    }

    public struct Run: Encodable, Sendable {
        public var members: Int
        public var notices: Int
        /// Send → receipt over every socket and notice.
        public var latency: LatencySummary
        /// The same for the sockets of each node, node 1 (where the notice is posted) first.
        public var latencyPerNode: [LatencySummary]
        /// Per notice: send → receipt at the last socket, in milliseconds.
        public var lastClientMs: [Double]
        public var deliveries: Int
        public var expectedDeliveries: Int
        public var noticesStored: Int
    }

    public struct Result: ScenarioResult {
        public static let scenario = "fanout"
        public var runs: [Run]

        public var nothingLost: Bool { runs.allSatisfy { $0.deliveries == $0.expectedDeliveries && $0.noticesStored == $0.notices } }

        /// With several nodes, one more column: p50 and p99 on each node.
        public var table: BenchTable {
            let perNode = runs.contains { $0.latencyPerNode.count > 1 }
            return BenchTable(columns: ["members", "notices", "p50", "p99", "max", "last client (per notice)", "delivered"]
                                  + (perNode ? ["p50 / p99 by node"] : []), rows: runs.map { run in
                [String(run.members), String(run.notices), Figure.ms(run.latency.p50), Figure.ms(run.latency.p99), Figure.ms(run.latency.max),
                 run.lastClientMs.map { String(format: "%.1f", $0) }.joined(separator: ", ") + " ms", "\(run.deliveries)/\(run.expectedDeliveries)"]
                    + (perNode ? [run.latencyPerNode.enumerated().map { "node \($0.offset + 1) \(Figure.ms($0.element.p50)) / \(Figure.ms($0.element.p99))" }
                        .joined(separator: ", ")] : [])
            })
        }
    }

    public func run(_ launcher: ServerLauncher) async throws -> Result {
        var runs: [Run] = []
        for members in memberCounts {
            runs.append(try await BenchStage.run(launcher, accounts: 1, membersPerAccount: members) { stage in try await measure(stage) })
        }
        return Result(runs: runs)
    }

    private func measure(_ stage: BenchStage) async throws -> Run {
        let account = stage.cast.accounts[0]
        let receipts = Recorder<(node: Int, at: ContinuousClock.Instant)>()
        let sockets = try await stage.connect(account.members, subscribe: true) { index in
            let node = stage.nodes.node(for: index)
            return { frame, time in if frame.contains(BenchWire.noticePosted) { receipts.append((node, time)) } }
        }
        defer { for socket in sockets { socket.close() } }
        let director = try await stage.http(account.director, index: 0)
        defer { director.close() }
        try await Task.sleep(for: .seconds(1))

        var latencies = [[Double]](repeating: [], count: stage.nodes.count)
        var lastClient: [Double] = []
        for round in 0..<rounds {
            let seen = receipts.count
            let sent = ContinuousClock.now
            let response = try await director.request(.POST, "/api/accounts/\(account.id)/notices", json: BenchWire.NoticeDraft(
                clientId: "fanout-\(round)", title: "Tiedote \(round + 1)", body: "Sulkekaa vesi kohteessa \(round + 1)."
            ))
            guard response.status == 201 else { throw BenchError("the notice was not posted: \(response.status) \(String(decoding: response.body, as: UTF8.self))") }
            let complete = await receipts.wait(for: seen + sockets.count, timeout: .seconds(30))
            let times = receipts.all[seen...].map { (node: $0.node, ms: sent.duration(to: $0.at).milliseconds) }
            for time in times { latencies[time.node].append(time.ms) }
            lastClient.append(times.map(\.ms).max() ?? 0)
            guard complete else { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let stored = try await stage.withStore { try await $0.notices(in: account.id, limit: rounds + 10).count }
        return Run(members: account.members.count, notices: rounds, latency: LatencySummary(milliseconds: latencies.flatMap { $0 }),
                   latencyPerNode: latencies.map { LatencySummary(milliseconds: $0) }, lastClientMs: lastClient,
                   deliveries: receipts.count, expectedDeliveries: rounds * sockets.count, noticesStored: stored)
    }
}
