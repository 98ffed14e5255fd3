import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Testing

/// The abuse limits (`limits.*`), set low here: the request over a limit is 429 with `Retry-After` (over the
/// WebSocket, a `rate_limited` reply with `retryAfter` on an open socket), others are unaffected, and after the
/// window (the test clock moves) it works again.
@Suite struct RateLimitTests {
    /// A1 with a director and a supervisor; an admin.
    private func setUp(_ server: TestServer) async throws {
        let t = server.installation
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("esimies@example.fi", "Ville Mäkinen")
        try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin)
        try await t.account("A1", "Östra kiinteistö Ab")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "esimies@example.fi", .supervisor)
    }

    private func post(_ session: HTTPSession, _ text: String) async throws -> HTTPSession.Response {
        try await session.request(.post, "/api/accounts/A1/messages", json: ["body": text, "clientId": UUID().uuidString])
    }

    /// The 429 of a limit: `rate_limited`, with a positive whole `Retry-After`.
    private func expectLimited(_ response: HTTPSession.Response, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .tooManyRequests, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorCode == "rate_limited", sourceLocation: sourceLocation)
        #expect(Int(response.headers[.retryAfter] ?? "").map { $0 > 0 } == true, "Retry-After: \(response.headers[.retryAfter] ?? "none")",
                sourceLocation: sourceLocation)
    }

    @Test func messagesPerPersonOverHTTPAndTheWebSocketTogether() async throws {
        try await withServer(configure: { $0.limits.messagesPerPerson = 3; $0.limits.messagesWindowSeconds = 30 }) { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let supervisor = try await server.signedIn("esimies@example.fi")
            for index in 1...2 { #expect(try await post(director, "Viesti \(index)").status == .created) }

            // The third goes over the WebSocket; the fourth, whichever way, is over the limit.
            let (socket, _) = try await WSTestClient.connect(port: server.port, cookie: director.cookie)
            let third = try await socket.reply(to: try socket.send("send", ["channel": "A1", "clientId": "ws-3", "body": "Viesti 3"])).reply
            #expect(third["ok"] as? Bool == true)
            let fourth = try await socket.reply(to: try socket.send("send", ["channel": "A1", "clientId": "ws-4", "body": "Viesti 4"])).reply
            #expect(fourth["ok"] as? Bool == false)
            #expect(fourth.value("error", "code") as? String == "rate_limited")
            #expect((fourth.value("error", "retryAfter") as? Int).map { $0 > 0 } == true, "\(fourth)")
            expectLimited(try await post(director, "Viesti 5"))

            // The socket stays open and answers; someone else is unaffected; nothing over the limit was stored.
            let ping = try await socket.reply(to: try socket.send("ping")).reply
            #expect(ping["ok"] as? Bool == true)
            #expect(try await post(supervisor, "Toisen viesti").status == .created)
            let stored = try await server.kanava.store.messages(in: AccountID.parse("A1"), .channel, before: nil, limit: 50).messages
            #expect(stored.compactMap(\.body).sorted() == ["Toisen viesti", "Viesti 1", "Viesti 2", "Viesti 3"])

            // A third of the window gives back one message.
            server.clock.advance(by: 10)
            #expect(try await post(director, "Viesti 6").status == .created)
            expectLimited(try await post(director, "Viesti 7"))
            await socket.close()
        }
    }

    @Test func documentUploadsPerPerson() async throws {
        try await withServer(configure: { $0.limits.uploadsPerPerson = 2; $0.limits.uploadsWindowSeconds = 60 }) { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let admin = try await server.signedIn("admin@example.fi")
            func upload(_ session: HTTPSession, _ name: String) async throws -> HTTPSession.Response {
                try await session.request(.post, "/api/accounts/A1/sections/contracts/documents", body: Data("%PDF-1.7\n%%EOF\n".utf8),
                                          headers: [.contentType: "application/pdf", HTTPField.Name("X-File-Name")!: name])
            }
            #expect(try await upload(director, "yksi.pdf").status == .created)
            #expect(try await upload(director, "kaksi.pdf").status == .created)
            expectLimited(try await upload(director, "kolme.pdf"))
            #expect(try await upload(admin, "admin.pdf").status == .created)
            server.clock.advance(by: 60)
            #expect(try await upload(director, "neljä.pdf").status == .created)
        }
    }

    @Test func webhookPostsPerWebhookAndPerAddress() async throws {
        try await withServer(configure: {
            $0.limits.webhookPostsPerToken = 2
            $0.limits.webhookPostsPerAddress = 5
            $0.limits.webhookWindowSeconds = 60
        }) { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            var paths: [String] = []
            for name in ["Jira", "Grafana", "Zabbix"] {
                let created = try await director.request(.post, "/api/accounts/A1/webhooks", json: ["name": name])
                let url = try #require(try created.json()["url"] as? String)
                paths.append(try #require(URL(string: url)?.path))
            }
            let client = server.session()
            func hook(_ path: String) async throws -> HTTPSession.Response { try await client.request(.post, path, json: ["text": "Hälytys"]) }
            #expect(try await hook(paths[0]).status == .ok)
            #expect(try await hook(paths[0]).status == .ok)
            expectLimited(try await hook(paths[0]))
            // Another webhook has its own budget, until the address's budget (5, the refused one included) runs out.
            #expect(try await hook(paths[1]).status == .ok)
            #expect(try await hook(paths[1]).status == .ok)
            expectLimited(try await hook(paths[2]))
            // Guessing secrets from the same address is limited too (before the secret is looked up).
            expectLimited(try await hook("/hooks/khk_guess"))
            server.clock.advance(by: 60)
            #expect(try await hook(paths[0]).status == .ok)
        }
    }

    @Test func botPostsPerBot() async throws {
        try await withServer(configure: { $0.limits.botPostsPerToken = 2; $0.limits.botWindowSeconds = 60 }) { server in
            try await setUp(server)
            let admin = try await server.signedIn("admin@example.fi")
            var tokens: [String] = []
            for name in ["Laskutus", "Valvonta"] {
                let created = try await admin.request(.post, "/api/admin/bots", json: ["name": name, "channels": ["A1"]])
                tokens.append(try #require(try created.json()["token"] as? String))
            }
            let client = server.session()
            func post(_ token: String) async throws -> HTTPSession.Response {
                try await client.request(.post, "/api/bot/channels/A1/messages", json: ["text": "Lasku lähti"], headers: [.authorization: "Bearer \(token)"])
            }
            #expect(try await post(tokens[0]).status == .created)
            #expect(try await post(tokens[0]).status == .created)
            expectLimited(try await post(tokens[0]))
            #expect(try await post(tokens[1]).status == .created)
            server.clock.advance(by: 30)
            #expect(try await post(tokens[0]).status == .created)
            expectLimited(try await post(tokens[0]))
        }
    }

    @Test func openSocketsPerPerson() async throws {
        try await withServer(configure: { $0.limits.maxSocketsPerPerson = 2 }) { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let supervisor = try await server.signedIn("esimies@example.fi")
            let origin = "http://127.0.0.1:\(server.port)"
            let (first, _) = try await WSTestClient.connect(port: server.port, cookie: director.cookie)
            let (second, _) = try await WSTestClient.connect(port: server.port, cookie: director.cookie)
            // The third is refused: the handshake gets the framework's empty 400 (as every refused upgrade), and the
            // same request without the upgrade headers says why.
            #expect(try await director.webSocketHandshake(origin: origin).status == .badRequest)
            expectLimited(try await director.request(.get, "/ws", body: nil, headers: [.origin: origin]))
            // The open ones keep working; another person may connect.
            #expect(try await first.reply(to: try first.send("ping")).reply["ok"] as? Bool == true)
            #expect(try await supervisor.webSocketHandshake(origin: origin).status == .switchingProtocols)
            // Closing one frees its place.
            await second.close()
            var status = HTTPResponse.Status.badRequest
            for _ in 0..<50 where status == .badRequest {
                status = try await director.webSocketHandshake(origin: origin).status
                if status == .badRequest { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == .switchingProtocols)
            await first.close()
        }
    }
}
