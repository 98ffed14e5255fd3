import Foundation
import GRDB
import KanavaCore
import KanavaTestSupport
import Testing

/// One chat client of the crash test: what it was told was stored, what it sent without hearing back, and what
/// it has seen on the channel's stream.
private final class CrashClient: @unchecked Sendable {
    let email: String
    /// clientId → message id, for every send the server acknowledged.
    var acknowledged: [String: Int] = [:]
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

    /// Connects, resumes from the last sequence, retries what went unanswered, and posts. With `untilClosed` it posts
    /// until the connection breaks (the kill); otherwise `fresh` more messages, then reads until the stream is quiet.
    private static func post(_ client: CrashClient, to port: Int, untilClosed: Bool, fresh: Int = 3) async throws {
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
