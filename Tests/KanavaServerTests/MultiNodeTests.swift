import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Testing

/// Two `kanava serve` nodes on one PostgreSQL database, as behind a load balancer: events cross between the nodes,
/// a client of a killed node goes on on the other one with nothing lost, and scheduled work runs once.
@Suite("Several nodes on PostgreSQL", .enabled(if: Backend.all.contains(.postgres), "needs PostgreSQL"))
struct MultiNodeTests {
    static let account = CrashSafetyTests.account

    static func environment(_ t: TestInstallation, _ extra: [String: String] = [:]) -> [String: String] {
        ["KANAVA_DATABASE_URL": t.kanava.config.database.url, "KANAVA_DATABASE_MAX_CONNECTIONS": "8",
         // The clients post without pause; the per-person limit is for people.
         "KANAVA_LIMITS_MESSAGES_PER_PERSON": "1000000"].merging(extra) { $1 }
    }

    @Test func aMessageOnOneNodeReachesAClientOnTheOther() async throws {
        try await withInstallation(.postgres) { t in
            try await t.account(Self.account, "Kahden solmun Oy")
            for email in ["a@example.fi", "b@example.fi"] {
                try await t.person(email)
                try await t.member(Self.account, email, .supervisor)
            }
            try await Self.withNodes(2, t, Self.environment(t)) { nodes in
                let onA = try await Self.subscribed("a@example.fi", on: nodes[0].port)
                let onB = try await Self.subscribed("b@example.fi", on: nodes[1].port)
                for (from, to, body) in [(onA, onB, "Hei node B"), (onB, onA, "Hei node A")] {
                    let sent = ContinuousClock.now
                    let reply = try await from.reply(to: try from.send("send", ["channel": Self.account, "clientId": UUID().uuidString, "body": body]))
                    #expect(reply.reply["ok"] as? Bool == true, "\(reply.reply)")
                    _ = try await to.next(where: { $0["kind"] as? String == "message.posted" && $0.value("data", "body") as? String == body },
                                          timeout: 5)
                    // LISTEN/NOTIFY, not the one-second poll of a single file.
                    #expect(sent.duration(to: .now) < .milliseconds(900), "delivered across nodes in \(sent.duration(to: .now))")
                }
                await onA.close()
                await onB.close()
            }
        }
    }

    /// Clients on both nodes post without pause; node A is killed at a random moment. Its clients sign in on node B
    /// (any node: sessions live in the database), subscribe from their last sequence number and retry what went
    /// unanswered. Every acknowledged message is stored once, and every client saw every message once.
    @Test func theClientsOfAKilledNodeResumeOnTheOtherWithNothingLost() async throws {
        try await withInstallation(.postgres) { t in
            try await t.account(Self.account, "Kaatuva solmu Oy")
            let clients = (1...4).map { CrashClient(email: "esimies\($0)@example.fi") }
            for client in clients {
                try await t.person(client.email)
                try await t.member(Self.account, client.email, .supervisor)
            }
            // Counted from when node A's first client has three messages acknowledged: a loaded machine may take a
            // while to sign in and subscribe, and the kill is meant to land in the middle of the posting.
            let killAfter = Int.random(in: 0...1200)
            try await Self.withNodes(2, t, Self.environment(t)) { nodes in
                let (nodeA, nodeB) = (nodes[0], nodes[1])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, client) in clients.enumerated() {
                        let port = index % 2 == 0 ? nodeA.port : nodeB.port
                        group.addTask { try await CrashSafetyTests.post(client, to: port, untilClosed: index % 2 == 0, fresh: index % 2 == 0 ? 0 : 40) }
                    }
                    group.addTask {
                        let deadline = ContinuousClock.now + .seconds(30)
                        while clients[0].acknowledgedCount.load(ordering: .relaxed) < 3 && ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(10))
                        }
                        try await Task.sleep(for: .milliseconds(killAfter))
                        await nodeA.kill()
                    }
                    try await group.waitForAll()
                }
                for client in clients { try await CrashSafetyTests.post(client, to: nodeB.port, untilClosed: false, fresh: 2) }
                for client in clients { try await CrashSafetyTests.post(client, to: nodeB.port, untilClosed: false, fresh: 0) }
            }

            let stored = try await Self.allMessages(t)
            var expected = Set<Int>()
            for client in clients {
                #expect(client.unanswered.isEmpty)
                for (clientId, id) in client.acknowledged {
                    let rows = stored.filter { $0.clientId == clientId && $0.author?.email == client.email }
                    #expect(rows.count == 1, "\(clientId) of \(client.email) is stored exactly once")
                    #expect(rows.first.map { Int($0.id.rawValue) } == id)
                    expected.insert(id)
                }
            }
            #expect(clients[0].acknowledged.count >= 3, "node A's clients got to post before the kill (\(killAfter) ms after their third)")
            #expect(Set(stored.map { Int($0.id.rawValue) }) == expected, "nothing is stored that no client was told about")
            for client in clients {
                #expect(client.delivered == expected, """
                    \(client.email) saw every message once (kill after \(killAfter) ms): missing \
                    \(expected.subtracting(client.delivered).sorted()), extra \(client.delivered.subtracting(expected).sorted())
                    """)
            }
        }
    }

    /// Both nodes check the annual clock every second; a reminder due now is posted once.
    @Test func aReminderIsPostedOnceWithTwoNodesRunning() async throws {
        try await withInstallation(.postgres, configure: { config in
            let empty = URL(fileURLWithPath: config.dataDir).appendingPathComponent("annual-clock.yaml")
            FileManager.default.createFile(atPath: empty.path, contents: Data("events: []\n".utf8))
            config.templates.annualClock = empty.path
        }) { t in
            try await t.account(Self.account, "Vuosikello Oy")
            let today = LocalDate.inHelsinki(Date())
            let account = try AccountID.parse(Self.account)
            for (n, lead) in [(1, 0), (2, 3)] {
                let start = try #require(today.adding(days: lead))
                _ = try await t.kanava.annualClock.create(account, ClockEventInput(title: "Katselmus \(n)", kind: "other", owner: "account_director",
                                                                                   start: start.description, recurrence: .some(nil), leadDays: lead),
                                                          by: TestInstallation.system)
            }
            let environment = Self.environment(t, ["KANAVA_CLOCK_CHECK_SECONDS": "0.5", "KANAVA_TEMPLATES_ANNUAL_CLOCK": t.kanava.config.templates.annualClock])
            let posted = try await Self.withNodes(2, t, environment) { _ in
                var posted: [Message] = []
                let deadline = ContinuousClock.now + .seconds(20)
                while posted.count < 2 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(250))
                    posted = try await t.kanava.chat.history(account, .channel, before: nil, limit: 50, for: TestInstallation.system).messages
                }
                // Several more rounds on both nodes: still one reminder per event.
                try await Task.sleep(for: .seconds(3))
                return try await t.kanava.chat.history(account, .channel, before: nil, limit: 50, for: TestInstallation.system).messages
            }
            #expect(posted.count == 2, "\(posted.map { $0.body ?? "" })")
            #expect(Set(posted.compactMap(\.clientId)).count == 2)
        }
    }

    /// Runs `body` with `count` nodes on the installation's database, and stops them afterwards (those still running),
    /// also when `body` throws.
    static func withNodes<T>(_ count: Int, _ t: TestInstallation, _ environment: [String: String],
                             _ body: ([ServerProcess]) async throws -> T) async throws -> T {
        var nodes: [ServerProcess] = []
        do {
            for _ in 0..<count { nodes.append(try await ServerProcess.start(dataDir: t.directory, environment: environment)) }
            let result = try await body(nodes)
            for node in nodes { await node.terminate() }
            return result
        } catch {
            for node in nodes { await node.terminate() }
            throw error
        }
    }

    /// Every message of the channel, page by page.
    static func allMessages(_ t: TestInstallation) async throws -> [Message] {
        var messages: [Message] = []
        var before: MessageID?
        while true {
            let page = try await t.kanava.chat.history(try AccountID.parse(account), .channel, before: before, limit: 200, for: TestInstallation.system)
            messages += page.messages
            guard page.hasMore, let oldest = page.messages.map(\.id).min(by: { $0.rawValue < $1.rawValue }) else { return messages }
            before = oldest
        }
    }

    static func subscribed(_ email: String, on port: Int) async throws -> WSTestClient {
        let session = HTTPSession(port: port)
        guard try await session.signIn(email).status == .ok else { throw TestFailure("sign-in of \(email) on port \(port)") }
        let (socket, _) = try await WSTestClient.connect(port: port, cookie: session.cookie)
        let reply = try await socket.reply(to: try socket.subscribe([(account, nil)]))
        guard reply.reply["ok"] as? Bool == true else { throw TestFailure("subscribe: \(reply.reply)") }
        return socket
    }
}
