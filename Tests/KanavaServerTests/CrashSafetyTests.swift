import Foundation
import GRDB
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Synchronization
import Testing

/// One chat client of the crash tests (and of the multi-node test): what it was told was stored, what it sent without
/// hearing back, and what it has seen on the channel's stream.
final class CrashClient: @unchecked Sendable {
    let email: String
    /// clientId → message id, for every send the server acknowledged.
    var acknowledged: [String: Int] = [:] {
        didSet { acknowledgedCount.store(acknowledged.count, ordering: .relaxed) }
    }
    /// `acknowledged.count`, readable while the client posts (by a task that decides when to kill a server).
    let acknowledgedCount = Atomic<Int>(0)
    /// Sends that got no reply before the kill: stored or not, the client cannot know. Retried after the restart.
    var unanswered: [String: String] = [:]
    /// The last sequence number seen on the channel, sent as `after` when subscribing again.
    var lastSeq: Int64 = 0
    /// Message ids delivered as `message.posted` events.
    var delivered: Set<Int> = []
    var sent = 0

    init(email: String) {
        self.email = email
    }

    func absorb(_ frames: [WSTestClient.Frame]) {
        for frame in frames where frame["type"] as? String == "event" {
            guard let seq = (frame["seq"] as? NSNumber)?.int64Value else { continue }
            #expect(seq > lastSeq, "events arrive in order, each once (\(seq) after \(lastSeq))")
            lastSeq = max(lastSeq, seq)
            if frame["kind"] as? String == "message.posted", let id = (frame.value("data", "id") as? NSNumber)?.intValue {
                #expect(delivered.insert(id).inserted, "message \(id) delivered once")
            }
        }
    }

    func absorb(texts: [String]) {
        absorb(texts.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
    }
}

@Suite("Crash safety")
struct CrashSafetyTests {
    static let account = "A1"

    /// Several clients post without pause; the server is killed with SIGKILL at a random moment, three times.
    /// After each restart the clients subscribe from their last sequence number and retry what went unanswered.
    @Test func everyAcknowledgedMessageSurvivesSIGKILLOnceAndResumingDeliversEverything() async throws {
        try await withInstallation { t in
            try await t.account(Self.account, "Kaatuva Oy")
            let clients = (1...4).map { CrashClient(email: "esimies\($0)@example.fi") }
            for client in clients {
                try await t.person(client.email)
                try await t.member(Self.account, client.email, .supervisor)
            }
            var killPoints: [Int] = []
            for _ in 1...3 {
                let server = try await ServerProcess.start(dataDir: t.directory)
                let killAfter = Int.random(in: 200...1500)
                killPoints.append(killAfter)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for client in clients {
                        group.addTask { try await Self.post(client, to: server.port, untilClosed: true) }
                    }
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(killAfter))
                        await server.kill()
                    }
                    try await group.waitForAll()
                }
            }
            // A last start: retry and post a little more, then catch up once more from the last sequence.
            let server = try await ServerProcess.start(dataDir: t.directory)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in clients { group.addTask { try await Self.post(client, to: server.port, untilClosed: false) } }
                try await group.waitForAll()
            }
            for client in clients { try await Self.post(client, to: server.port, untilClosed: false, fresh: 0) }
            _ = await server.terminate()

            let stored = try Self.storedMessages(t.directory)
            var expected = Set<Int>()
            for client in clients {
                #expect(client.unanswered.isEmpty)
                #expect(client.acknowledged.count >= 3, "the client got to post (\(client.acknowledged.count) acknowledged)")
                for (clientId, id) in client.acknowledged {
                    let rows = stored.filter { $0.clientId == clientId && $0.email == client.email }
                    #expect(rows.count == 1, "\(clientId) of \(client.email) is stored exactly once")
                    #expect(rows.first?.id == id, "\(clientId) is the message the client was told")
                    expected.insert(id)
                }
            }
            #expect(Set(stored.map(\.id)) == expected, "nothing is stored that no client was finally told about")
            for client in clients {
                #expect(client.delivered == expected, """
                    \(client.email) saw every message on the stream exactly (kill points \(killPoints) ms): \
                    missing \(expected.subtracting(client.delivered).sorted()), extra \(client.delivered.subtracting(expected).sorted())
                    """)
            }
        }
    }

    /// A roster sync of a large file, killed at random moments: afterwards the memberships are exactly those before
    /// the sync or exactly those of the file, never a mix.
    @Test func aRosterSyncKilledMidApplyChangesAllOrNothing() async throws {
        try await withInstallation { t in
            let before = Self.roster(accounts: 60, peoplePerAccount: 40, generation: 0)
            let after = Self.roster(accounts: 60, peoplePerAccount: 40, generation: 1)
            let file = t.directory.appendingPathComponent("roster.csv")
            try after.write(to: file, atomically: true, encoding: .utf8)
            _ = try await t.kanava.roster.sync(data: Data(before.utf8), source: "before.csv", by: TestInstallation.system)
            let original = try Self.memberships(t.directory)
            // How long a whole sync takes here and now, so that the kills spread over all of it.
            let started = ContinuousClock.now
            #expect(try await KanavaProcess(["roster", "sync", file.path, "--force"], dataDir: t.directory).wait() == 0)
            let whole = started.duration(to: .now)
            #expect(try Self.memberships(t.directory) == Self.expected(after))
            _ = try await t.kanava.roster.sync(data: Data(before.utf8), source: "before.csv", by: TestInstallation.system, force: true)
            var outcomes: [String] = []
            for attempt in 1...4 {
                let sync = try KanavaProcess(["roster", "sync", file.path, "--force"], dataDir: t.directory)
                try await Task.sleep(for: whole * Double.random(in: 0.3...1.1))
                let status = await sync.kill()
                let now = try Self.memberships(t.directory)
                if now == original {
                    outcomes.append("\(attempt): nothing (\(sync.wasKilled ? "killed" : "exit \(status)"))")
                } else {
                    #expect(now == Self.expected(after), "attempt \(attempt): a killed sync left a mix of two rosters")
                    outcomes.append("\(attempt): all (\(sync.wasKilled ? "killed" : "exit \(status)"))")
                    // Back to the first roster for the next attempt.
                    _ = try await t.kanava.roster.sync(data: Data(before.utf8), source: "before.csv", by: TestInstallation.system, force: true)
                    #expect(try Self.memberships(t.directory) == original)
                }
            }
            #expect(outcomes.count == 4, "\(outcomes)")
        }
    }

    /// Uploads of a large file, the server killed at random moments while it receives them: afterwards every stored
    /// version refers to a whole file (downloadable, matching its hash), and the server serves on.
    @Test func anUploadKilledMidWriteLeavesNoHalfFileReferenced() async throws {
        try await withInstallation { t in
            try await t.account(Self.account, "Kaatuva Oy")
            try await t.person("johtaja@example.fi")
            try await t.member(Self.account, "johtaja@example.fi", .accountDirector)
            let big = Data("%PDF-1.7\n".utf8) + Data((0..<6_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }) + Data("\n%%EOF\n".utf8)
            for attempt in 1...4 {
                let server = try await ServerProcess.start(dataDir: t.directory)
                let session = HTTPSession(port: server.port)
                _ = try await session.signIn("johtaja@example.fi")
                let upload = Task {
                    try await session.request(.post, "/api/accounts/\(Self.account)/sections/contracts/documents", body: big, headers: [
                        .contentType: "application/pdf", HTTPField.Name("X-File-Name")!: "Sopimus-\(attempt).pdf",
                    ])
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...400)))
                await server.kill()
                _ = try? await upload.value
            }
            let server = try await ServerProcess.start(dataDir: t.directory)
            let session = HTTPSession(port: server.port)
            _ = try await session.signIn("johtaja@example.fi")
            let listed = try await session.get("/api/accounts/\(Self.account)/sections/contracts/documents").json()
            for document in listed["documents"] as? [[String: Any]] ?? [] {
                let id = document["id"] as? Int ?? 0
                let download = try await session.get("/api/accounts/\(Self.account)/documents/\(id)/versions/1/download")
                #expect(download.status == .ok, "document \(id) refers to a whole file")
                #expect(download.body == big)
            }
            // Every file in place is whole; what a kill interrupted is at most a temporary upload, referred to by nothing.
            let files = t.directory.appendingPathComponent("files")
            for case let path as String in FileManager.default.enumerator(atPath: files.path)?.allObjects ?? []
            where !path.hasPrefix("tmp") && path.split(separator: "/").count == 3 {
                #expect(try Data(contentsOf: files.appendingPathComponent(path)) == big, "\(path) is whole")
            }
            #expect(try await session.request(.post, "/api/accounts/\(Self.account)/sections/contracts/documents", body: big, headers: [
                .contentType: "application/pdf", HTTPField.Name("X-File-Name")!: "Sopimus.pdf",
            ]).status == .created)
            await server.terminate()
        }
    }

    /// A roster of `accounts` × `peoplePerAccount` rows; each generation moves a third of the people elsewhere.
    private static func roster(accounts: Int, peoplePerAccount: Int, generation: Int) -> String {
        var lines = ["account_id;account_name;site;city;person_email;person_name;role"]
        for a in 0..<accounts {
            for p in 0..<peoplePerAccount {
                let person = p % 3 == 0 ? p + generation * 1000 : p
                let role = p == 0 ? "account_director" : "supervisor"
                lines.append("K\(a);Asiakas \(a) Oy;Kohde \(a)-\(p);Tampere;henkilo\(a)-\(person)@example.fi;Henkilö \(a)-\(person);\(role)")
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The memberships a roster file means, as ``memberships(_:)`` lists them.
    private static func expected(_ roster: String) -> [String] {
        roster.split(separator: "\r\n").dropFirst().map { line in
            let fields = line.split(separator: ";", omittingEmptySubsequences: false)
            return "\(fields[0])|\(fields[4])|\(fields[6])"
        }.sorted()
    }

    private static func memberships(_ directory: URL) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: directory.appendingPathComponent(Backup.databaseName).path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try String.fetchAll(db, sql: """
                SELECT m.account_id || '|' || p.email || '|' || m.role FROM membership m JOIN person p ON p.id = m.person_id
                ORDER BY 1
                """)
        }
    }

    /// Connects, resumes from the last sequence, retries what went unanswered, and posts. With `untilClosed` it posts
    /// until the connection breaks (the kill); otherwise `fresh` more messages, then reads until the stream is quiet.
    /// Signs in on the server at `port`, subscribes from the client's last sequence number, retries what went
    /// unanswered and posts `fresh` new messages, or posts without pause until the server goes away (`untilClosed`).
    static func post(_ client: CrashClient, to port: Int, untilClosed: Bool, fresh: Int = 3) async throws {
        guard untilClosed else { return try await connectAndPost(client, to: port, untilClosed: false, fresh: fresh) }
        do {
            try await connectAndPost(client, to: port, untilClosed: true, fresh: fresh)
        } catch {
            // The kill came while the client was still signing in or subscribing: nothing was sent this round.
        }
    }

    private static func connectAndPost(_ client: CrashClient, to port: Int, untilClosed: Bool, fresh: Int) async throws {
        let session = HTTPSession(port: port)
        let signIn = try await session.signIn(client.email)
        guard signIn.status == .ok else { throw TestFailure("sign-in of \(client.email): \(signIn.status)") }
        let (socket, _) = try await WSTestClient.connect(port: port, cookie: session.cookie)
        do {
            try await post(client, on: socket, untilClosed: untilClosed, fresh: fresh)
            await socket.drop()
        } catch {
            await socket.drop()
            throw error
        }
    }

    private static func post(_ client: CrashClient, on socket: WSTestClient, untilClosed: Bool, fresh: Int) async throws {
        let subscribed = try await socket.reply(to: try socket.subscribe([(account, client.lastSeq)]), timeout: 10)
        client.absorb(subscribed.before)
        var retries = client.unanswered.map { ($0.key, $0.value) }
        var fresh = untilClosed ? Int.max : fresh
        while true {
            let (clientId, body): (String, String)
            if let retry = retries.popLast() {
                (clientId, body) = retry
            } else {
                guard fresh > 0 else { break }
                fresh -= 1
                client.sent += 1
                (clientId, body) = ("\(client.email)-\(client.sent)", "Viesti \(client.sent) käyttäjältä \(client.email)")
            }
            client.unanswered[clientId] = body
            let request = try socket.send("send", ["channel": account, "clientId": clientId, "body": body])
            let answer: (reply: WSTestClient.Frame, before: [WSTestClient.Frame])
            do {
                answer = try await socket.reply(to: request, timeout: 10)
            } catch {
                guard untilClosed else { throw error }
                client.absorb(texts: (try? await socket.waitUntilClosed(timeout: 2)) ?? [])
                return
            }
            client.absorb(answer.before)
            guard answer.reply["ok"] as? Bool == true, let id = (answer.reply.value("result", "message", "id") as? NSNumber)?.intValue else {
                throw TestFailure("send \(clientId) failed: \(answer.reply)")
            }
            client.unanswered[clientId] = nil
            client.acknowledged[clientId] = id
        }
        // Everyone's last messages: wait until the stream is quiet.
        while let frame = try? await socket.next(timeout: 1.5) { client.absorb([frame]) }
    }

    private struct StoredMessage {
        var id: Int
        var clientId: String?
        var email: String
    }

    private static func storedMessages(_ directory: URL) throws -> [StoredMessage] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: directory.appendingPathComponent(Backup.databaseName).path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.id, m.client_id, p.email FROM message m JOIN person p ON p.id = m.author_id WHERE m.account_id = ?
                """, arguments: [account]).map { StoredMessage(id: $0["id"], clientId: $0["client_id"], email: $0["email"]) }
        }
    }
}
