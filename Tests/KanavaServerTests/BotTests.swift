import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Testing

/// Bots over HTTP: admins manage them; a bot uses only its token and only its channels.
@Suite struct BotTests {
    /// A1 and B2 with a director each, C3 with nobody; an admin. The clock reads 10 March 2026.
    private func setUp(_ server: TestServer) async throws {
        let t = server.installation
        server.clock.set(ISO8601DateFormatter().date(from: "2026-03-10T10:00:00Z")!)
        try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin)
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("muu@example.fi", "Muu Ihminen")
        try await t.account("A1", "Östra kiinteistö Ab")
        try await t.account("B2", "Wärtsi kirjasto")
        try await t.account("C3", "Ässä-Tekniikka Oy")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("B2", "muu@example.fi", .accountDirector)
    }

    private func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// Creates a bot as the admin and returns its id and token.
    private func createBot(_ admin: HTTPSession, name: String, channels: [String]) async throws -> (id: Int, token: String) {
        let response = try await admin.request(.post, "/api/admin/bots", json: ["name": name, "channels": channels])
        #expect(response.status == .created, "\(response.text)")
        let json = try response.json()
        return (try #require(json.value("bot", "id") as? Int), try #require(json["token"] as? String))
    }

    private func messages(_ server: TestServer, _ account: String) async throws -> [Message] {
        try await server.kanava.store.messages(in: AccountID.parse(account), .channel, before: nil, limit: 200).messages
    }

    @Test func adminsManageBotsAndTheTokenIsShownOnceAndStoredHashed() async throws {
        try await withServer { server in
            try await setUp(server)
            let admin = try await server.signedIn("admin@example.fi")
            let director = try await server.signedIn("johtaja@example.fi")

            let created = try await admin.request(.post, "/api/admin/bots", json: ["name": "Laskutus", "channels": ["B2", "A1", "A1"]])
            #expect(created.status == .created, "\(created.text)")
            let json = try created.json()
            let token = try #require(json["token"] as? String)
            #expect(token.hasPrefix("kbt_") && token.count == 47)
            #expect(json.value("bot", "name") as? String == "Laskutus")
            #expect(json.value("bot", "channels") as? [String] == ["A1", "B2"], "distinct, in id order")
            #expect(json.value("bot", "createdAt") as? String != nil)
            #expect(json.value("bot", "revokedAt") == nil)
            let id = try #require(json.value("bot", "id") as? Int)

            // The list has no token; neither has the database, which keeps only its SHA-256.
            let list = try await admin.get("/api/admin/bots")
            #expect(list.status == .ok)
            #expect(!list.text.contains(token) && !list.text.contains(String(token.dropFirst(4))))
            #expect((try list.json()["bots"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Laskutus"])
            let database = try Data(contentsOf: URL(fileURLWithPath: Kanava.databasePath(server.kanava.config)))
            let wal = (try? Data(contentsOf: URL(fileURLWithPath: Kanava.databasePath(server.kanava.config) + "-wal"))) ?? Data()
            #expect(database.range(of: Data(token.utf8)) == nil && wal.range(of: Data(token.utf8)) == nil)

            let renamed = try await admin.request(.patch, "/api/admin/bots/\(id)", json: ["name": "Laskutusbotti", "channels": ["C3"]])
            #expect(renamed.status == .ok, "\(renamed.text)")
            #expect(try renamed.json().value("bot", "name") as? String == "Laskutusbotti")
            #expect(try renamed.json().value("bot", "channels") as? [String] == ["C3"])
            let nameOnly = try await admin.request(.patch, "/api/admin/bots/\(id)", json: ["name": "Laskutus"])
            #expect(try nameOnly.json().value("bot", "channels") as? [String] == ["C3"], "channels left as they were")

            // Only admins; a director gets 403 before anything is read.
            #expect(try await director.get("/api/admin/bots").status == .forbidden)
            #expect(try await director.request(.post, "/api/admin/bots", json: ["name": "x", "channels": ["A1"]]).status == .forbidden)
            #expect(try await director.request(.post, "/api/admin/bots/\(id)/revoke").status == .forbidden)
            #expect(try await server.session().get("/api/admin/bots").status == .unauthorized)

            let revoked = try await admin.request(.post, "/api/admin/bots/\(id)/revoke")
            #expect(revoked.status == .ok)
            let revokedAt = try #require(try revoked.json().value("bot", "revokedAt") as? String)
            server.clock.advance(by: 60)
            #expect(try await admin.request(.post, "/api/admin/bots/\(id)/revoke").json().value("bot", "revokedAt") as? String == revokedAt,
                    "a second revocation keeps the first time")
            #expect(try await admin.request(.post, "/api/admin/bots/999/revoke").status == .notFound)
            #expect(try await admin.request(.patch, "/api/admin/bots/999", json: ["name": "x"]).status == .notFound)
        }
    }

    @Test func badBotInputIsRefusedNamingTheProblem() async throws {
        try await withServer { server in
            try await setUp(server)
            let admin = try await server.signedIn("admin@example.fi")
            let bad: [([String: Any], String)] = [
                (["name": "Botti", "channels": ["A1", "NOPE", "Z9"]], "channels: no such channel: NOPE, Z9"),
                (["name": "Botti", "channels": ["A 1"]], "channels: 'A 1' is not a channel id"),
                (["name": "", "channels": ["A1"]], "name: must not be empty"),
                (["name": String(repeating: "b", count: 81), "channels": ["A1"]], "name: must be at most 80 characters"),
                (["name": "kaksi\nriviä", "channels": ["A1"]], "name: must be one line"),
                (["channels": ["A1"]], "name: is required"),
                (["name": "Botti"], "channels: is required"),
                (["name": "Botti", "channels": "A1"], "channels: expected a list"),
                (["name": "Botti", "channels": ["A1"], "scopes": ["all"]], "unknown field 'scopes'"),
            ]
            for (body, expected) in bad {
                let response = try await admin.request(.post, "/api/admin/bots", json: body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                #expect((try response.json().value("error", "message") as? String)?.contains(expected) == true, "\(body): \(response.text)")
            }
            #expect((try await admin.get("/api/admin/bots").json()["bots"] as? [Any])?.isEmpty == true, "nothing was created")

            let bot = try await createBot(admin, name: "Botti", channels: ["A1"])
            let change = try await admin.request(.patch, "/api/admin/bots/\(bot.id)", json: ["channels": ["A1", "X1"]])
            #expect(change.status == .badRequest)
            #expect((try change.json().value("error", "message") as? String)?.contains("X1") == true)
            let stored = try #require(try await server.kanava.store.bot(BotID(Int64(bot.id))))
            #expect(stored.channels.map(\.rawValue) == ["A1"], "a refused change changes nothing")
            #expect(try await admin.request(.patch, "/api/admin/bots/abc", json: ["name": "x"]).status == .badRequest)
        }
    }

    @Test func aBotListsPostsAndReadsTheClockOfItsOwnChannelsOnly() async throws {
        try await withServer { server in
            try await setUp(server)
            let admin = try await server.signedIn("admin@example.fi")
            let bot = try await createBot(admin, name: "Työmaaseuranta", channels: ["A1", "C3"])
            let client = server.session()

            let channels = try await client.request(.get, "/api/bot/channels", headers: bearer(bot.token))
            #expect(channels.status == .ok, "\(channels.text)")
            let listed = try #require(try channels.json()["channels"] as? [[String: Any]])
            #expect(listed.map { $0["id"] as? String } == ["C3", "A1"], "in Finnish order of names: Ässä before Östra")
            #expect(listed.map { $0["name"] as? String } == ["Ässä-Tekniikka Oy", "Östra kiinteistö Ab"])

            // Posting: 201 the first time, 200 with the same message when retried with the same clientId.
            let post = try await client.request(.post, "/api/bot/channels/A1/messages", json: ["text": "Työmaa **Tampere** valmis", "clientId": "run-1"],
                                                headers: bearer(bot.token))
            #expect(post.status == .created, "\(post.text)")
            let message = try post.json()
            #expect(message.value("message", "authorName") as? String == "Työmaaseuranta")
            #expect(message.value("message", "author") == nil)
            #expect((message.value("message", "html") as? String)?.contains("<strong>Tampere</strong>") == true)
            let retry = try await client.request(.post, "/api/bot/channels/A1/messages", json: ["text": "Työmaa **Tampere** valmis", "clientId": "run-1"],
                                                 headers: bearer(bot.token))
            #expect(retry.status == .ok)
            #expect(try retry.json().value("message", "id") as? Int == message.value("message", "id") as? Int)
            let conflict = try await client.request(.post, "/api/bot/channels/A1/messages", json: ["text": "toinen", "clientId": "run-1"], headers: bearer(bot.token))
            #expect(conflict.status == .conflict)
            #expect(try await messages(server, "A1").filter { $0.authorName == "Työmaaseuranta" }.count == 1)

            // The annual clock, as members read it, but the bot may change nothing.
            let clock = try await client.request(.get, "/api/bot/channels/A1/clock?year=2026", headers: bearer(bot.token))
            #expect(clock.status == .ok, "\(clock.text)")
            let year = try clock.json()
            #expect(year["year"] as? Int == 2026)
            #expect(year["canEdit"] as? Bool == false)
            let events = try #require(year["events"] as? [[String: Any]])
            #expect(!events.isEmpty && events.allSatisfy { $0["canMark"] as? Bool == false })
            #expect(events.first?.value("event", "account") as? String == "A1")
            #expect(try await client.request(.get, "/api/bot/channels/A1/clock?year=1999", headers: bearer(bot.token)).status == .badRequest)

            // B2 was not given to the bot: 404, as for a non-member, and nothing stored.
            let before = try await messages(server, "B2").count
            let outside = try await client.request(.post, "/api/bot/channels/B2/messages", json: ["text": "Hei"], headers: bearer(bot.token))
            #expect(outside.status == .notFound)
            #expect(outside.errorCode == "not_found")
            #expect(try await client.request(.get, "/api/bot/channels/B2/clock", headers: bearer(bot.token)).status == .notFound)
            #expect(try await client.request(.post, "/api/bot/channels/NOPE/messages", json: ["text": "Hei"], headers: bearer(bot.token)).status == .notFound)
            #expect(try await messages(server, "B2").count == before)

            // Taking a channel away takes effect at once.
            _ = try await admin.request(.patch, "/api/admin/bots/\(bot.id)", json: ["channels": ["C3"]])
            #expect(try await client.request(.post, "/api/bot/channels/A1/messages", json: ["text": "Hei"], headers: bearer(bot.token)).status == .notFound)
            let remaining = try await client.request(.get, "/api/bot/channels", headers: bearer(bot.token)).json()["channels"] as? [[String: Any]]
            #expect(remaining?.map { $0["id"] as? String } == ["C3"])

            // Bad bodies name the field.
            for (body, expected) in [(["text": ""], "text: must not be empty"), (["text": String(repeating: "x", count: 4001)], "text: must be at most 4000"),
                                     (["body": "x"], "unknown field 'body'"), (["text": "x", "clientId": "has space"], "clientId:")] as [([String: Any], String)] {
                let response = try await client.request(.post, "/api/bot/channels/C3/messages", json: body, headers: bearer(bot.token))
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                #expect((try response.json().value("error", "message") as? String)?.contains(expected) == true, "\(response.text)")
            }
            #expect(try await messages(server, "C3").isEmpty)
        }
    }

    @Test func aBotsClientIdsAreItsOwnApartFromOtherBotsAndTheReminderBot() async throws {
        try await withServer { server in
            try await setUp(server)
            let admin = try await server.signedIn("admin@example.fi")
            let first = try await createBot(admin, name: "Eka", channels: ["A1"])
            let second = try await createBot(admin, name: "Toka", channels: ["A1"])
            let client = server.session()
            let a1 = try AccountID.parse("A1")
            // The reminder bot posts under a clock-… client id with no bot.
            let reminder = try await server.kanava.chat.send(a1, MessageDraft(clientId: "clock-1-2026-03-31", body: "Huomenna: Laatukäynti"),
                                                            by: .system(ClockReminders.botName))

            var ids: Set<Int> = [Int(reminder.message.id.rawValue)]
            for (token, text) in [(first.token, "Ekan viesti"), (second.token, "Tokan viesti")] {
                let response = try await client.request(.post, "/api/bot/channels/A1/messages", json: ["text": text, "clientId": "clock-1-2026-03-31"],
                                                        headers: bearer(token))
                #expect(response.status == .created, "a new message, not the reminder: \(response.text)")
                #expect(try response.json().value("message", "body") as? String == text)
                ids.insert(try #require(try response.json().value("message", "id") as? Int))
            }
            #expect(ids.count == 3)
            // The reminder bot's retry still finds its own message.
            let again = try await server.kanava.chat.send(a1, MessageDraft(clientId: "clock-1-2026-03-31", body: "Huomenna: Laatukäynti"),
                                                         by: .system(ClockReminders.botName))
            #expect(again.duplicate && again.message.id == reminder.message.id)
            // And each bot's retry finds its own.
            let retry = try await client.request(.post, "/api/bot/channels/A1/messages", json: ["text": "Tokan viesti", "clientId": "clock-1-2026-03-31"],
                                                 headers: bearer(second.token))
            #expect(retry.status == .ok)
            #expect(try await messages(server, "A1").count == 3)
        }
    }

    @Test func wrongMissingAndRevokedTokensAreRefusedAtOnce() async throws {
        try await withServer { server in
            try await setUp(server)
            let admin = try await server.signedIn("admin@example.fi")
            let bot = try await createBot(admin, name: "Botti", channels: ["A1"])
            let client = server.session()
            #expect(try await client.request(.get, "/api/bot/channels", headers: bearer(bot.token)).status == .ok)

            let wrong = String(bot.token.dropLast()) + (bot.token.hasSuffix("A") ? "B" : "A")
            for headers: HTTPFields in [[:], bearer(wrong), bearer("kbt_short"), bearer(String(bot.token.dropFirst(4))), [.authorization: "Basic \(bot.token)"],
                                        bearer(""), [.authorization: bot.token]] {
                let response = try await client.request(.get, "/api/bot/channels", headers: headers)
                #expect(response.status == .unauthorized, "\(headers)")
                #expect(response.errorCode == "unauthenticated")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(try await client.request(.post, "/api/bot/channels/A1/messages", json: ["text": "x"], headers: headers).status == .unauthorized)
            }
            // A signed-in person's cookie is no bot token; with a token, the cookie does not matter (no CSRF token needed).
            let director = try await server.signedIn("johtaja@example.fi")
            #expect(try await director.request(.get, "/api/bot/channels").status == .unauthorized)
            director.csrfToken = nil
            #expect(try await director.request(.post, "/api/bot/channels/A1/messages", json: ["text": "Evästeellä"], headers: bearer(bot.token)).status == .created)
            #expect(try await director.request(.post, "/api/bot/channels/A1/messages", json: ["text": "x"], headers: bearer(wrong)).status == .unauthorized)

            // Lowercase "bearer" works as RFC 6750 allows; last use is recorded.
            #expect(try await client.request(.get, "/api/bot/channels", headers: [.authorization: "bearer \(bot.token)"]).status == .ok)
            #expect((try await admin.get("/api/admin/bots").json()["bots"] as? [[String: Any]])?.first?["lastUsedAt"] as? String != nil)

            _ = try await admin.request(.post, "/api/admin/bots/\(bot.id)/revoke")
            let before = try await messages(server, "A1").count
            let revoked = try await client.request(.post, "/api/bot/channels/A1/messages", json: ["text": "Vielä?"], headers: bearer(bot.token))
            #expect(revoked.status == .unauthorized)
            #expect((try revoked.json().value("error", "message") as? String)?.contains("revoked") == true)
            #expect(try await client.request(.get, "/api/bot/channels", headers: bearer(bot.token)).status == .unauthorized)
            #expect(try await messages(server, "A1").count == before)
        }
    }
}

