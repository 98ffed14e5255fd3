import Foundation
import KanavaBench
import KanavaTestSupport
import Testing

/// Every `kanava bench` scenario in a tiny configuration against the real binary: the scenarios keep working, and
/// everything the server acknowledged is found afterwards. Correctness only; speed is `kanava bench`'s job.
@Suite("Benchmark scenarios", .serialized)
struct BenchScenarioTests {
    let launcher = Self.launcher()

    static func launcher(_ database: BenchDatabase = .sqlite, nodes: Int = 1) -> ServerLauncher {
        ServerLauncher(executable: KanavaProcess.executable, configPath: "config/kanava.yaml", workingDirectory: TestInstallation.repositoryRoot,
                       database: database, nodes: nodes)
    }

    @Test func connections() async throws {
        let result = try await withTimeout(120, "connections") { try await ConnectionsScenario(counts: [5]).run(launcher) }
        #expect(result.runs.map(\.alive) == [5])
        #expect(result.runs[0].serverRSSAfterBytes > 0)
        #expect(result.nothingLost)
        #expect(BenchReport(result, machine: .current, launcher: launcher).text.contains("connections — SQLite, 1 node"))
    }

    @Test func fanout() async throws {
        let result = try await withTimeout(120, "fanout") { try await FanoutScenario(memberCounts: [4], rounds: 2).run(launcher) }
        let run = try #require(result.runs.first)
        #expect(run.deliveries == 8 && run.expectedDeliveries == 8)
        #expect(run.noticesStored == 2)
        #expect(run.latency.count == 8)
        #expect(result.nothingLost)
    }

    /// Two nodes on one PostgreSQL database: the notice posted on node 1 reaches the members on node 2 as well.
    @Test(.enabled(if: Backend.all.contains(.postgres), "needs PostgreSQL"))
    func fanoutOverTwoNodes() async throws {
        let launcher = Self.launcher(.postgres(try await TestPostgres.shared.url()), nodes: 2)
        let result = try await withTimeout(180, "fanout over two nodes") { try await FanoutScenario(memberCounts: [4], rounds: 2).run(launcher) }
        let run = try #require(result.runs.first)
        #expect(run.deliveries == 8 && run.expectedDeliveries == 8)
        #expect(run.latencyPerNode.map(\.count) == [4, 4])
        #expect(run.noticesStored == 2)
        #expect(result.nothingLost)
        #expect(BenchReport(result, machine: .current, launcher: launcher).text.contains("fanout — PostgreSQL, 2 nodes"))
    }

    @Test func severalNodesNeedPostgres() {
        #expect(throws: BenchError.self) { try Self.launcher(nodes: 2).check() }
    }

    @Test func ingest() async throws {
        let scenario = IngestScenario(senderCounts: [1, 3], duration: .seconds(1), maxMessages: 30, pacedRate: 40)
        let result = try await withTimeout(120, "ingest") { try await scenario.run(launcher) }
        #expect(result.runs.map(\.senders) == [1, 3, 3])
        // A closed-loop run ends at its cap or after its second, whichever comes first (a busy machine sends fewer);
        // the paced run sends all 40 whatever the speed. Every acknowledged message must be found.
        #expect((1...30).contains(result.runs[0].acknowledged) && (1...30).contains(result.runs[1].acknowledged))
        #expect(result.runs[2].acknowledged == 40 && result.runs[2].pacedRate == 40)
        #expect(result.acknowledged == result.runs.map(\.acknowledged).reduce(0, +) && result.found == result.acknowledged)
        #expect(result.nothingLost)
    }

    @Test func mixed() async throws {
        let scenario = MixedScenario(accounts: 2, membersPerAccount: 6, connectedPerAccount: 3, duration: .seconds(3), thinkTime: .milliseconds(100))
        let result = try await withTimeout(120, "mixed") { try await scenario.run(launcher) }
        #expect(result.connected == 6 && result.members == 12)
        #expect(result.messages.acknowledged > 0)
        #expect(result.sectionRevisions.acknowledged > 0)
        #expect(result.requests.allSatisfy { $0.failed == 0 }, "\(result.requests)")
        #expect(result.nothingLost, "\(result.table.lines.joined(separator: "\n"))")
    }

    @Test func roster() async throws {
        let result = try await withTimeout(120, "roster") { try await RosterScenario(rows: 300, accounts: 6, seed: 3).run(launcher) }
        #expect(result.memberships > 0)
        #expect(result.turnoverChanges > 0)
        #expect(result.nothingLost)
    }
}
