import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Testing

/// A node whose PostgreSQL goes away: at start it waits with back-off (and gives up with the reason), while running
/// it answers 503 and recovers by itself, and nothing it acknowledged is lost.
@Suite("PostgreSQL outages", .enabled(if: Backend.all.contains(.postgres), "needs PostgreSQL"))
struct DatabaseOutageTests {
    static let account = "A1"

    /// The installation's database reached through a proxy on `port`, which the test stops and starts.
    static func environment(_ t: TestInstallation, through port: Int, _ extra: [String: String] = [:]) throws -> [String: String] {
        var url = try PostgresURL(t.kanava.config.database.url)
        url.port = port
        return ["KANAVA_DATABASE_URL": url.connectionString, "KANAVA_DATABASE_MAX_CONNECTIONS": "4"].merging(extra) { $1 }
    }

    @Test func aNodeWaitsForItsDatabaseAtStartAndServesOnceItIsBack() async throws {
        try await withInstallation(.postgres) { t in
            let database = try PostgresURL(t.kanava.config.database.url).port
            let port = try await TCPProxy.freePort()
            let node = try KanavaProcess(["serve"], dataDir: t.directory, environment: try Self.environment(t, through: port))
            // It says why it waits, and tries again (with back-off) instead of exiting.
            _ = try await node.output.wait(for: "the retry message", timeout: .seconds(20)) { text in
                text.components(separatedBy: "PostgreSQL cannot be reached; trying again").count > 2 ? true : nil
            }
            // A proxy left behind by a failing test exits when its object goes (its input pipe closes).
            let proxy = try await TCPProxy(to: database, port: port)
            let serving = try await node.output.wait(for: "kanava to listen", timeout: .seconds(30)) { text in
                text.firstMatch(of: /listening on https?:\/\/[^:]+:(\d+)/).flatMap { Int($0.1) }
            }
            #expect(try await HTTPSession(port: serving).get("/ready").status == .ok)
            await node.terminate()
            await proxy.stop()
        }
    }

    @Test func aNodeGivesUpOnAnUnreachableDatabaseNamingIt() async throws {
        try await withInstallation(.postgres) { t in
            let port = try await TCPProxy.freePort()
            let node = try KanavaProcess(["serve"], dataDir: t.directory,
                                         environment: try Self.environment(t, through: port, ["KANAVA_DATABASE_CONNECT_TIMEOUT_SECONDS": "2"]))
            let output = try await node.output.wait(for: "the node to give up", timeout: .seconds(20)) { text in
                text.contains("cannot be reached:") ? text : nil
            }
            #expect(await node.wait() != 0)
            #expect(output.contains("127.0.0.1:\(port)"), "names the database: \(output.suffix(300))")
            #expect(output.contains("Connection refused"), "says why: \(output.suffix(300))")
            #expect(!output.contains("password"), "never prints a password")
        }
    }

    @Test func lostDatabaseConnectionsAnswer503AndRecoverWithNothingAcknowledgedLost() async throws {
        try await withInstallation(.postgres) { t in
            try await t.account(Self.account, "Katkos Oy")
            try await t.person("a@example.fi")
            try await t.member(Self.account, "a@example.fi", .supervisor)
            let database = try PostgresURL(t.kanava.config.database.url).port
            var proxy = try await TCPProxy(to: database)
            let node = try await ServerProcess.start(dataDir: t.directory, environment: try Self.environment(t, through: proxy.port))
            let session = HTTPSession(port: node.port)
            #expect(try await session.signIn("a@example.fi").status == .ok)
            var acknowledged: Set<String> = []
            func send(_ text: String) async throws -> HTTPResponse.Status {
                let clientId = UUID().uuidString
                let response = try await session.request(.post, "/api/accounts/\(Self.account)/messages", json: ["clientId": clientId, "body": text])
                if response.status == .created || response.status == .ok { acknowledged.insert(clientId) }
                return response.status
            }
            for n in 1...5 { _ = try await send("ennen \(n)") }
            #expect(acknowledged.count == 5)

            await proxy.stop()
            #expect(try await session.get("/ready").status == .serviceUnavailable)
            let during = try await send("katkon aikana")
            #expect(during == .serviceUnavailable)
            let error = try await session.get("/api/accounts/\(Self.account)/messages")
            #expect(error.status == .serviceUnavailable)
            #expect((try error.json()["error"] as? [String: Any])?["code"] as? String == "unavailable")

            proxy = try await TCPProxy(to: database, port: proxy.port)
            let deadline = ContinuousClock.now + .seconds(30)
            while try await session.get("/ready").status != .ok {
                guard ContinuousClock.now < deadline else { throw TestFailure("the node did not recover within 30 s") }
                try await Task.sleep(for: .milliseconds(200))
            }
            for n in 1...5 {
                let status = try await send("jälkeen \(n)")
                #expect(status == .created || status == .ok, "after the outage: \(status)")
            }
            await node.terminate()
            await proxy.stop()

            let stored = try await t.kanava.chat.history(try AccountID.parse(Self.account), .channel, before: nil, limit: 100,
                                                         for: TestInstallation.system).messages.compactMap(\.clientId)
            #expect(Set(stored).isSuperset(of: acknowledged), "every acknowledged message is stored")
            #expect(acknowledged.count == 10)
        }
    }
}
