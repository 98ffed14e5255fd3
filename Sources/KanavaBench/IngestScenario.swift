import Foundation
import KanavaCore
import Synchronization

/// Scenario 3: senders posting chat messages over their sockets as fast as they are acknowledged (each waits for
/// its reply before the next), then a paced run at a fixed rate. Afterwards every acknowledged message is looked
/// for in the database. Senders are spread over ten channels and do not subscribe (fan-out is scenario 2); with
/// several nodes, sender `i` posts to node `i % nodes`.
public struct IngestScenario: Sendable {
    public var senderCounts: [Int]
    /// How long each closed-loop run lasts, and the most messages it sends.
    public var duration: Duration
    public var maxMessages: Int
    /// The paced run: this many messages a second for `duration`, spread over the largest sender count.
    public var pacedRate: Int

    public init(senderCounts: [Int], duration: Duration = .seconds(10), maxMessages: Int = 500_000, pacedRate: Int = 1_000) {
        self.senderCounts = senderCounts
        self.duration = duration
        self.maxMessages = maxMessages
        self.pacedRate = pacedRate
    }

    public struct Run: Encodable, Sendable {
        public var senders: Int
        /// Nil: as fast as acknowledged; else the offered rate.
        public var pacedRate: Int?
        public var acknowledged: Int
        public var failed: Int
        public var seconds: Double
        public var messagesPerSecond: Double
        /// From the moment a send was due (paced) or written (closed loop) to its reply.
        public var ack: LatencySummary
    }

    public struct Result: ScenarioResult {
        public static let scenario = "ingest"
        public var runs: [Run]
        public var acknowledged: Int
        /// Acknowledged messages found in the database afterwards.
        public var found: Int

        public var nothingLost: Bool { found == acknowledged && runs.allSatisfy { $0.failed == 0 } }

        public var table: BenchTable {
            BenchTable(columns: ["senders", "load", "acked", "durable msgs/s", "ack p50", "ack p99", "ack max", "failed"], rows: runs.map { run in
                [String(run.senders), run.pacedRate.map { "paced \($0)/s" } ?? "closed loop", String(run.acknowledged),
                 Figure.rate(run.messagesPerSecond), Figure.ms(run.ack.p50), Figure.ms(run.ack.p99), Figure.ms(run.ack.max), String(run.failed)]
            } + [["", "found in the database afterwards", "\(found)/\(acknowledged)", "", "", "", "", ""]])
        }
    }

    static let channels = 10

    public func run(_ launcher: ServerLauncher) async throws -> Result {
        let most = max(senderCounts.max() ?? 1, 1)
        return try await BenchStage.run(launcher, accounts: Self.channels, membersPerAccount: (most + Self.channels - 1) / Self.channels) { stage in
            // Sender k is member k / channels of channel k % channels, so any count of senders spans the channels.
            let people = (0..<most).map { stage.cast.accounts[$0 % Self.channels].members[$0 / Self.channels] }
            let sockets = try await stage.connect(people, subscribe: false)
            let acked = AckedMessages()
            var runs: [Run] = []
            for senders in senderCounts {
                runs.append(try await closedLoop(Array(sockets.prefix(senders)), people, acked))
            }
            runs.append(try await paced(sockets, people, acked))
            for socket in sockets { socket.close() }
            let found = try await stage.withStore { try await acked.countStored(in: $0) }
            return Result(runs: runs, acknowledged: acked.count, found: found)
        }
    }

    private func closedLoop(_ sockets: [BenchSocket], _ people: [BenchPerson], _ acked: AckedMessages) async throws -> Run {
        let budget = maxMessages / sockets.count
        let start = ContinuousClock.now
        let deadline = start + duration
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { tasks in
            for (index, socket) in sockets.enumerated() {
                let account = people[index].account
                tasks.addTask {
                    var outcome = Outcome()
                    var sent = 0
                    while ContinuousClock.now < deadline, sent < budget {
                        let began = ContinuousClock.now
                        outcome.record(try await Self.send(socket, account, "\(index)-\(sent)", acked), since: began)
                        sent += 1
                    }
                    return outcome
                }
            }
            return try await tasks.reduce(into: Outcome()) { $0.merge($1) }
        }
        return outcomes.run(senders: sockets.count, pacedRate: nil, seconds: start.duration(to: .now).seconds)
    }

    /// Open loop: sends fall due at a fixed rate whether or not earlier ones were answered, and each latency counts
    /// from when its send was due, so a slow moment shows in the figures instead of slowing the load.
    private func paced(_ sockets: [BenchSocket], _ people: [BenchPerson], _ acked: AckedMessages) async throws -> Run {
        let interval = Duration.seconds(1) / pacedRate
        let total = Int(duration.seconds * Double(pacedRate))
        let start = ContinuousClock.now + .milliseconds(100)
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { tasks in
            for number in 0..<total {
                let due = start + interval * number
                try await Task.sleep(until: due, clock: .continuous)
                let index = number % sockets.count
                let socket = sockets[index], account = people[index].account
                tasks.addTask {
                    var outcome = Outcome()
                    outcome.record(try await Self.send(socket, account, "p\(index)-\(number)", acked), since: due)
                    return outcome
                }
            }
            return try await tasks.reduce(into: Outcome()) { $0.merge($1) }
        }
        return outcomes.run(senders: sockets.count, pacedRate: pacedRate, seconds: start.duration(to: .now).seconds)
    }

    /// Sends one message; returns its reply (nil when refused).
    private static func send(_ socket: BenchSocket, _ account: AccountID, _ key: String, _ acked: AckedMessages) async throws -> BenchSocket.Reply? {
        let reply = try await socket.request(["type": "send", "channel": account.rawValue, "clientId": "bench-\(key)", "body": "Viesti \(key): kaikki hyvin kohteessa."])
        guard reply.ok else { return nil }
        acked.record(try JSONDecoder().decode(BenchWire.SendReply.self, from: reply.data).result.message.id, in: account)
        return reply
    }

    private struct Outcome {
        var latencies: [Double] = []
        var failed = 0

        mutating func record(_ reply: BenchSocket.Reply?, since: ContinuousClock.Instant) {
            guard let reply else { return failed += 1 }
            latencies.append(since.duration(to: reply.at).milliseconds)
        }

        mutating func merge(_ other: Outcome) {
            latencies += other.latencies
            failed += other.failed
        }

        func run(senders: Int, pacedRate: Int?, seconds: Double) -> Run {
            Run(senders: senders, pacedRate: pacedRate, acknowledged: latencies.count, failed: failed, seconds: seconds,
                messagesPerSecond: Double(latencies.count) / seconds, ack: LatencySummary(milliseconds: latencies))
        }
    }
}

/// The ids of acknowledged messages per channel, to look for in the database afterwards.
final class AckedMessages: Sendable {
    private let ids = Mutex<[AccountID: [MessageID]]>([:])

    func record(_ id: Int64, in account: AccountID) {
        ids.withLock { $0[account, default: []].append(MessageID(id)) }
    }

    var count: Int { ids.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// How many of the acknowledged messages the store has, reading each channel's timeline page by page.
    func countStored(in store: some ChatStore) async throws -> Int {
        var found = 0
        for (account, acked) in ids.withLock({ $0 }) {
            var stored = Set<MessageID>()
            var before: MessageID?
            repeat {
                let page = try await store.messages(in: account, .channel, before: before, limit: ChatService.maxPageSize)
                stored.formUnion(page.messages.map(\.id))
                before = page.hasMore ? page.messages.first?.id : nil
            } while before != nil
            found += acked.filter(stored.contains).count
        }
        return found
    }
}
