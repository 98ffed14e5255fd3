import Foundation
import KanavaCore
import NIOCore
import Synchronization

/// Scenario 4: a working day compressed. Connected members (a socket and an HTTP connection each) post, read the
/// history, move their read marker, open a section and the account list, and acknowledge the urgent notices that
/// reach them; directors edit sections and post notices. Every request is timed by type; afterwards the messages,
/// section revisions and acknowledgements the server confirmed are looked for in the database.
public struct MixedScenario: Sendable {
    public var accounts: Int
    public var membersPerAccount: Int
    public var connectedPerAccount: Int
    public var duration: Duration
    /// The mean pause between one person's actions (exponentially distributed); directors pause twice as long.
    public var thinkTime: Duration
    public var seed: UInt64

    public init(accounts: Int = 100, membersPerAccount: Int = 50, connectedPerAccount: Int = 10, duration: Duration = .seconds(30),
                thinkTime: Duration = .seconds(5), seed: UInt64 = 7) {
        self.accounts = accounts
        self.membersPerAccount = membersPerAccount
        self.connectedPerAccount = connectedPerAccount
        self.duration = duration
        self.thinkTime = thinkTime
        self.seed = seed
    }

    public struct RequestFigures: Encodable, Sendable {
        public var type: String
        public var latency: LatencySummary
        public var failed: Int
    }

    public struct Result: ScenarioResult {
        public static let scenario = "mixed"
        public var accounts: Int
        public var members: Int
        public var connected: Int
        public var seconds: Double
        public var requests: [RequestFigures]
        public var messages: Checked
        public var sectionRevisions: Checked
        public var noticeAcknowledgements: Checked

        /// Acknowledged by the server, and found in the database afterwards.
        public struct Checked: Encodable, Sendable {
            public var acknowledged: Int
            public var found: Int
        }

        public var nothingLost: Bool {
            [messages, sectionRevisions, noticeAcknowledgements].allSatisfy { $0.found == $0.acknowledged } && requests.allSatisfy { $0.failed == 0 }
        }

        public var table: BenchTable {
            let total = requests.reduce(0) { $0 + $1.latency.count }
            var table = BenchTable(columns: ["request", "count", "p50", "p99", "max", "failed"], rows: requests.map { figures in
                [figures.type, String(figures.latency.count), Figure.ms(figures.latency.p50), Figure.ms(figures.latency.p99),
                 Figure.ms(figures.latency.max), String(figures.failed)]
            })
            table.rows.append(["all (\(accounts) accounts, \(members) members, \(connected) connected)", String(total),
                               Figure.rate(Double(total) / seconds), "", "", ""])
            for (name, checked) in [("messages", messages), ("section revisions", sectionRevisions), ("notice acks", noticeAcknowledgements)] {
                table.rows.append(["\(name) found afterwards", "\(checked.found)/\(checked.acknowledged)", "", "", "", ""])
            }
            return table
        }
    }

    public func run(_ launcher: ServerLauncher) async throws -> Result {
        try await BenchStage.run(launcher, accounts: accounts, membersPerAccount: membersPerAccount) { stage in
            let day = Day(stage: stage, scenario: self)
            let members = stage.cast.accounts.flatMap { $0.members.prefix(connectedPerAccount) }
            let notices = members.map { _ in NoticeInbox() }
            let sockets = try await stage.connect(members, subscribe: true) { index in
                { frame, _ in notices[index].receive(frame) }
            }
            defer { for socket in sockets { socket.close() } }
            let start = ContinuousClock.now
            let deadline = start + duration
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for (index, member) in members.enumerated() {
                    tasks.addTask {
                        try await day.member(member, index: index, socket: sockets[index], notices: notices[index], until: deadline, seed: seed &+ UInt64(index))
                    }
                }
                for (index, account) in stage.cast.accounts.enumerated() {
                    tasks.addTask { try await day.director(account, index: index, until: deadline, seed: seed &+ 1_000_000 &+ UInt64(index)) }
                }
                try await tasks.waitForAll()
            }
            let seconds = start.duration(to: .now).seconds
            // Notices posted at the very end: acknowledge them too, so every notice is owed nothing by those connected.
            for (index, member) in members.enumerated() { try await day.acknowledge(notices[index], member, socket: sockets[index]) }
            return try await day.result(members: members.count, seconds: seconds)
        }
    }
}

/// The notices a member's socket announced, waiting for the member to acknowledge them.
private final class NoticeInbox: Sendable {
    private let waiting = Mutex<[Int64]>([])

    /// Called on the socket's event loop for each event frame: only notices are read.
    func receive(_ frame: ByteBuffer) {
        guard frame.contains(BenchWire.noticePosted), let event = try? JSONDecoder().decode(Event.self, from: Data(frame.readableBytesView)) else { return }
        waiting.withLock { $0.append(event.data.id) }
    }

    /// The notices announced since the last call.
    func take() -> [Int64] {
        waiting.withLock { waiting in
            defer { waiting.removeAll() }
            return waiting
        }
    }

    private struct Event: Decodable {
        var data: Notice
        struct Notice: Decodable { var id: Int64 }
    }
}

/// The people's behaviour, and what they were told was stored.
private struct Day: Sendable {
    let stage: BenchStage
    let scenario: MixedScenario
    let timings = Timings()
    let messages = AckedMessages()
    let revisions = Recorder<(AccountID, Int)>()
    let acks = Recorder<(AccountID, Int64, PersonID)>()

    init(stage: BenchStage, scenario: MixedScenario) {
        self.stage = stage
        self.scenario = scenario
    }

    /// Connected member number `index`: its HTTP connection goes to the same node as its socket.
    func member(_ person: BenchPerson, index: Int, socket: BenchSocket, notices: NoticeInbox, until deadline: ContinuousClock.Instant,
                seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let http = try await stage.http(person, index: index)
        defer { http.close() }
        let channel = "/api/accounts/\(person.account)"
        var lastSeen: Int64?
        var sent = 0
        while try await pause(scenario.thinkTime, &random, until: deadline) {
            try await acknowledge(notices, person, socket: socket)
            switch random.next() % 100 {
            case 0..<35:
                sent += 1
                let reply = try await timed("post (ws send)") {
                    try await socket.request(["type": "send", "channel": person.account.rawValue, "clientId": "m\(person.person.id)-\(sent)",
                                              "body": "Päivän kuulumiset \(sent) kohteesta."])
                }
                if let reply, let id = try? JSONDecoder().decode(BenchWire.SendReply.self, from: reply.data).result.message.id {
                    messages.record(id, in: person.account)
                    lastSeen = id
                }
            case 35..<60:
                let response = try await timed("history (GET messages)") { try await http.request(.GET, "\(channel)/messages?limit=50") }
                if let response, let page = try? JSONDecoder().decode(Page.self, from: response.body), let last = page.messages.last {
                    lastSeen = last.id
                }
            case 60..<75:
                guard let upTo = lastSeen else { continue }
                _ = try await timed("read marker (ws)") { try await socket.request(["type": "read", "channel": person.account.rawValue, "upTo": Int(upTo)]) }
            case 75..<90:
                _ = try await timed("section read (GET)") { try await http.request(.GET, "\(channel)/sections/overview") }
            default:
                _ = try await timed("account list (GET)") { try await http.request(.GET, "/api/accounts") }
            }
        }
    }

    /// The director of account number `index`, on node `index % nodes`.
    func director(_ account: BenchAccount, index: Int, until deadline: ContinuousClock.Instant, seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let http = try await stage.http(account.director, index: index)
        defer { http.close() }
        let channel = "/api/accounts/\(account.id)"
        var edits = 0
        while try await pause(scenario.thinkTime * 2, &random, until: deadline) {
            edits += 1
            if random.next() % 100 < 10 {
                _ = try await timed("notice post (POST)") {
                    try await http.request(.POST, "\(channel)/notices", json: BenchWire.NoticeDraft(clientId: "d\(account.id)-\(edits)",
                                                                                               title: "Tiedote \(edits)", body: "Kuitatkaa, kiitos."))
                }
            } else {
                let page = try await http.request(.GET, "\(channel)/sections/overview")
                let revision = try JSONDecoder().decode(SectionPage.self, from: page.body).section.revision
                let saved = try await timed("section edit (PUT)") {
                    try await http.request(.PUT, "\(channel)/sections/overview", json: SectionSave(body: "## Perustiedot\n\nVersio \(edits).", baseRevision: revision))
                }
                if saved != nil { revisions.append((account.id, revision + 1)) }
            }
        }
    }

    /// Acknowledges the notices the member's socket announced since last time.
    func acknowledge(_ notices: NoticeInbox, _ person: BenchPerson, socket: BenchSocket) async throws {
        for notice in notices.take() {
            if try await timed("notice ack (ws)", { try await socket.request(["type": "ack", "channel": person.account.rawValue, "notice": Int(notice)]) }) != nil {
                acks.append((person.account, notice, person.person.id))
            }
        }
    }

    /// Sleeps for a random think time (not past the end of the day); false once the day is over.
    private func pause(_ mean: Duration, _ random: inout SplitMix64, until deadline: ContinuousClock.Instant) async throws -> Bool {
        let uniform = Double(random.next() >> 11) / Double(1 << 53)
        try await Task.sleep(until: min(.now + mean * -log(1 - uniform), deadline), clock: .continuous)
        return ContinuousClock.now < deadline
    }

    /// Times a request; returns its result when the server said yes (2xx, or `ok` on the socket), else counts a failure.
    private func timed<T: Success>(_ type: String, _ request: () async throws -> T) async throws -> T? {
        let start = ContinuousClock.now
        let result = try await request()
        timings.record(type, start.duration(to: .now).milliseconds, ok: result.succeeded)
        return result.succeeded ? result : nil
    }

    func result(members: Int, seconds: Double) async throws -> MixedScenario.Result {
        try await stage.withStore { store in
            var revisionsFound = 0
            for (account, revision) in revisions.all where try await store.revision(revision, of: "overview", in: account) != nil { revisionsFound += 1 }
            var acksFound = 0
            var statuses: [Int64: Set<PersonID>] = [:]
            for (account, notice, person) in acks.all {
                if statuses[notice] == nil {
                    statuses[notice] = Set(try await store.noticeStatus(NoticeID(notice), in: account).acknowledged.map(\.person.id))
                }
                if statuses[notice]?.contains(person) == true { acksFound += 1 }
            }
            return MixedScenario.Result(
                accounts: scenario.accounts, members: scenario.accounts * scenario.membersPerAccount, connected: members, seconds: seconds,
                requests: timings.figures,
                messages: .init(acknowledged: messages.count, found: try await messages.countStored(in: store)),
                sectionRevisions: .init(acknowledged: revisions.count, found: revisionsFound),
                noticeAcknowledgements: .init(acknowledged: acks.count, found: acksFound)
            )
        }
    }

    private struct Page: Decodable {
        var messages: [Message]
        struct Message: Decodable { var id: Int64 }
    }

    private struct SectionPage: Decodable {
        var section: Section
        struct Section: Decodable { var revision: Int }
    }

    private struct SectionSave: Encodable, Sendable {
        var body: String
        var baseRevision: Int
    }
}

/// Whether an answer means the server did what was asked.
private protocol Success {
    var succeeded: Bool { get }
}

extension BenchSocket.Reply: Success {
    var succeeded: Bool { ok }
}

extension BenchHTTP.Response: Success {
    var succeeded: Bool { (200..<300).contains(status) }
}

/// Latencies and failures by request type.
private final class Timings: Sendable {
    private let samples = Mutex<[String: (latencies: [Double], failed: Int)]>([:])

    func record(_ type: String, _ milliseconds: Double, ok: Bool) {
        samples.withLock { samples in
            if ok { samples[type, default: ([], 0)].latencies.append(milliseconds) } else { samples[type, default: ([], 0)].failed += 1 }
        }
    }

    var figures: [MixedScenario.RequestFigures] {
        samples.withLock { $0 }.sorted { $0.key < $1.key }.map { MixedScenario.RequestFigures(type: $0.key, latency: LatencySummary(milliseconds: $0.value.latencies), failed: $0.value.failed) }
    }
}
