import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// Chat over real WebSockets against a live server: delivery, order, resume, idempotency, access, bad input.
@Suite struct ChatTests {
    /// A1 with a director, two supervisors and a regional director; A2 with someone else.
    private func setUp(_ server: TestServer) async throws {
        let t = server.installation
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("ville@example.fi", "Ville Mäkinen")
        try await t.person("eino@example.fi", "Eino Öhman")
        try await t.person("alue@example.fi", "Aino Aluejohtaja")
        try await t.person("toinen@example.fi", "Toisen Tili")
        try await t.account("A1", "Östra kiinteistö Ab")
        try await t.account("A2", "Wärtsi kirjasto")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "ville@example.fi", .supervisor)
        try await t.member("A1", "eino@example.fi", .supervisor)
        try await t.member("A1", "alue@example.fi", .regionalDirector)
        try await t.member("A2", "toinen@example.fi", .accountDirector)
    }

    private func connect(_ server: TestServer, _ email: String, subscribe channels: [String] = ["A1"]) async throws -> WSTestClient {
        let session = try await server.signedIn(email)
        let (client, _) = try await WSTestClient.connect(port: server.port, cookie: session.cookie)
        if !channels.isEmpty { _ = try await client.reply(to: try client.subscribe(channels.map { ($0, nil) })) }
        return client
    }

    private func send(_ client: WSTestClient, _ body: String, channel: String = "A1", clientId: String = UUID().uuidString,
                      extra: [String: Any] = [:]) async throws -> WSTestClient.Frame {
        var fields: [String: Any] = ["channel": channel, "clientId": clientId, "body": body]
        fields.merge(extra) { $1 }
        return try await client.reply(to: try client.send("send", fields)).reply
    }

    private func messageEvents(_ frames: [WSTestClient.Frame]) -> [WSTestClient.Frame] {
        frames.filter { $0["kind"] as? String == "message.posted" }
    }

    @Test func twoClientsSeeEveryMessageLiveInTheSameOrderAndOnlyCommittedMessagesAreAcknowledged() async throws {
        try await withServer { server in
            try await setUp(server)
            let ville = try await connect(server, "ville@example.fi")
            let jaana = try await connect(server, "johtaja@example.fi")
            let eino = try await connect(server, "eino@example.fi")
            let aino = try await connect(server, "alue@example.fi")

            // Two write at once; two others read.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (client, name) in [(ville, "ville"), (jaana, "jaana")] {
                    group.addTask {
                        for index in 0..<15 {
                            let reply = try await send(client, "\(name) \(index)")
                            #expect(reply["ok"] as? Bool == true)
                            // Acknowledged means stored.
                            let id = try #require(reply.value("result", "message", "id") as? Int)
                            #expect(try await server.kanava.store.message(MessageID(Int64(id)), in: AccountID.parse("A1")) != nil)
                        }
                    }
                }
                try await group.waitForAll()
            }
            var seen: [[Int]] = []
            for client in [eino, aino] {
                var seqs: [Int] = []
                var bodies: [String] = []
                while seqs.count < 30 {
                    let frame = try await client.next()
                    guard frame["kind"] as? String == "message.posted", let seq = frame["seq"] as? Int else { continue }
                    seqs.append(seq)
                    bodies.append(frame.value("data", "body") as? String ?? "")
                }
                #expect(seqs == seqs.sorted())
                // Each writer's messages arrive in the order written.
                for name in ["ville", "jaana"] {
                    #expect(bodies.filter { $0.hasPrefix(name) } == (0..<15).map { "\(name) \($0)" })
                }
                seen.append(seqs)
            }
            #expect(seen[0] == seen[1])
            for client in [ville, jaana, eino, aino] { await client.close() }
        }
    }

    @Test func aClientCutOffMidStreamResumesWithNothingLostOrRepeated() async throws {
        try await withServer { server in
            try await setUp(server)
            let writer = try await connect(server, "johtaja@example.fi")
            let readerSession = try await server.signedIn("ville@example.fi")
            let (reader, _) = try await WSTestClient.connect(port: server.port, cookie: readerSession.cookie)
            _ = try await reader.reply(to: try reader.subscribe([("A1", nil)]))

            let streaming = Task { for index in 0..<40 { _ = try await send(writer, "viesti \(index)") } }
            // Read some, then the connection dies mid-stream.
            var last = 0
            var bodies: [String] = []
            while bodies.count < 10 {
                let frame = try await reader.next()
                if frame["kind"] as? String == "message.posted", let seq = frame["seq"] as? Int {
                    last = seq
                    bodies.append(frame.value("data", "body") as? String ?? "")
                }
            }
            await reader.drop()
            try await streaming.value

            let (again, _) = try await WSTestClient.connect(port: server.port, cookie: readerSession.cookie)
            let resumed = try await again.reply(to: try again.subscribe([("A1", Int64(last))]))
            bodies += messageEvents(resumed.before).compactMap { $0.value("data", "body") as? String }
            #expect(bodies == (0..<40).map { "viesti \($0)" })
            await again.close()
            await writer.close()
        }
    }

    @Test func aRetriedSendIsStoredOnceAndAReusedKeyForOtherTextIsRefused() async throws {
        try await withServer { server in
            try await setUp(server)
            let ville = try await connect(server, "ville@example.fi")
            let first = try await send(ville, "Avaimet ovat vahtimestarilla", clientId: "c-1")
            #expect(first.value("result", "duplicate") as? Bool == false)
            let id = first.value("result", "message", "id") as? Int

            // The same send after a reconnect (the reply was lost): the stored message comes back.
            await ville.drop()
            let again = try await connect(server, "ville@example.fi")
            let retry = try await send(again, "Avaimet ovat vahtimestarilla", clientId: "c-1")
            #expect(retry["ok"] as? Bool == true)
            #expect(retry.value("result", "duplicate") as? Bool == true)
            #expect(retry.value("result", "message", "id") as? Int == id)
            let page = try await server.kanava.store.messages(in: AccountID.parse("A1"), .channel, before: nil, limit: 50)
            #expect(page.messages.count == 1)

            let reused = try await send(again, "Jotain muuta", clientId: "c-1")
            #expect(reused.value("error", "code") as? String == "conflict")
            // Over HTTP as well.
            let http = try await server.signedIn("ville@example.fi")
            let posted = try await http.request(.post, "/api/accounts/A1/messages", json: ["clientId": "h-1", "body": "HTTP"])
            #expect(posted.status == .created)
            let repeated = try await http.request(.post, "/api/accounts/A1/messages", json: ["clientId": "h-1", "body": "HTTP"])
            #expect(repeated.status == .ok)
            #expect(try repeated.json()["duplicate"] as? Bool == true)
            await again.close()
        }
    }

    @Test func threadsMentionsEditsAndDeletions() async throws {
        try await withServer { server in
            try await setUp(server)
            let ville = try await connect(server, "ville@example.fi")
            let jaana = try await connect(server, "johtaja@example.fi")
            let root = try await send(ville, "Kuka hoitaa **avaimet**? @Jaana Järvinen tiedätkö, @eino öhman?")
            let rootID = try #require(root.value("result", "message", "id") as? Int)
            #expect((root.value("result", "message", "mentions") as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Jaana Järvinen", "Eino Öhman"])
            #expect((root.value("result", "message", "html") as? String)?.contains("<strong>avaimet</strong>") == true)

            let reply = try await send(jaana, "Minä hoidan.", extra: ["threadRoot": rootID])
            #expect(reply.value("result", "message", "threadRoot") as? Int == rootID)
            // A reply to a reply joins the same thread.
            let replyID = try #require(reply.value("result", "message", "id") as? Int)
            let nested = try await send(ville, "Kiitos!", extra: ["threadRoot": replyID])
            #expect(nested.value("result", "message", "threadRoot") as? Int == rootID)

            let http = try await server.signedIn("ville@example.fi")
            let thread = try await http.get("/api/accounts/A1/messages/\(rootID)/thread").json()
            #expect((thread["messages"] as? [[String: Any]])?.compactMap { $0["body"] as? String } == [
                "Kuka hoitaa **avaimet**? @Jaana Järvinen tiedätkö, @eino öhman?", "Minä hoidan.", "Kiitos!",
            ])
            let timeline = try await http.get("/api/accounts/A1/messages").json()
            #expect((timeline["messages"] as? [[String: Any]])?.first?["replyCount"] as? Int == 2)

            // Only the author edits; the director sees the history.
            let notMine = try await jaana.reply(to: try jaana.send("edit", ["channel": "A1", "message": rootID, "body": "x"])).reply
            #expect(notMine.value("error", "code") as? String == "forbidden")
            let edited = try await ville.reply(to: try ville.send("edit", ["channel": "A1", "message": rootID, "body": "Kuka hoitaa avaimet?"])).reply
            #expect(edited.value("result", "message", "editedAt") != nil)
            #expect(try await http.get("/api/accounts/A1/messages/\(rootID)/edits").status == .forbidden)
            let director = try await server.signedIn("johtaja@example.fi")
            let edits = try await director.get("/api/accounts/A1/messages/\(rootID)/edits").json()
            #expect((edits["edits"] as? [[String: Any]])?.first?["body"] as? String == "Kuka hoitaa **avaimet**? @Jaana Järvinen tiedätkö, @eino öhman?")

            // Deleted: gone for members, kept for the director.
            let deleted = try await ville.reply(to: try ville.send("delete", ["channel": "A1", "message": rootID])).reply
            #expect(deleted["ok"] as? Bool == true)
            let forVille = try await http.get("/api/accounts/A1/messages").json()
            let shown = try #require((forVille["messages"] as? [[String: Any]])?.first)
            #expect(shown["deletedAt"] != nil)
            #expect(shown["body"] == nil)
            let forDirector = try await director.get("/api/accounts/A1/messages").json()
            #expect((forDirector["messages"] as? [[String: Any]])?.first?["body"] as? String == "Kuka hoitaa avaimet?")
            let answerDeleted = try await send(jaana, "Myöhässä", extra: ["threadRoot": rootID])
            #expect(answerDeleted.value("error", "code") as? String == "conflict")
            await ville.close()
            await jaana.close()
        }
    }

    @Test func askTheDirectorIsPrivateBetweenTheMemberAndWhoeverDirectsTheAccount() async throws {
        try await withServer { server in
            try await setUp(server)
            let ville = try await connect(server, "ville@example.fi")
            let eino = try await connect(server, "eino@example.fi")
            let aino = try await connect(server, "alue@example.fi")
            let jaana = try await connect(server, "johtaja@example.fi")
            let villeID = try #require(try await server.kanava.store.person(email: "ville@example.fi")).id.rawValue

            let asked = try await send(ville, "Saako kohteen avaimen antaa siivoojalle?", extra: ["privateWith": villeID])
            #expect(asked["ok"] as? Bool == true)
            let seen = try await jaana.next(where: { $0["kind"] as? String == "message.posted" })
            #expect(seen.match.value("data", "privateWith") as? Int == Int(villeID))
            let answered = try await send(jaana, "Saa, kuittausta vastaan.", extra: ["privateWith": villeID])
            #expect(answered["ok"] as? Bool == true)
            let answer = try await ville.next(where: { $0["kind"] as? String == "message.posted" && $0.value("data", "author", "name") as? String == "Jaana Järvinen" })
            #expect(answer.match.value("data", "body") as? String == "Saa, kuittausta vastaan.")
            // Other members and the regional director see nothing of it.
            #expect(await eino.isQuiet(for: 0.3))
            #expect(await aino.isQuiet(for: 0.1))

            // Another member cannot read or write Ville's conversation.
            let einoHTTP = try await server.signedIn("eino@example.fi")
            #expect(try await einoHTTP.get("/api/accounts/A1/conversations/\(villeID)").status == .notFound)
            let intrude = try await send(eino, "Minäkin", extra: ["privateWith": villeID])
            #expect(intrude.value("error", "code") as? String == "not_found")
            let einoConversations = try await einoHTTP.get("/api/accounts/A1/conversations").json()
            #expect((einoConversations["conversations"] as? [Any])?.isEmpty == true)

            // A new director inherits the conversation.
            try await server.installation.person("uusi@example.fi", "Uusi Johtaja")
            try await server.installation.member("A1", "uusi@example.fi", .accountDirector)
            let newDirector = try await server.signedIn("uusi@example.fi")
            let list = try await newDirector.get("/api/accounts/A1/conversations").json()
            #expect(((list["conversations"] as? [[String: Any]])?.first?["member"] as? [String: Any])?["name"] as? String == "Ville Mäkinen")
            let conversation = try await newDirector.get("/api/accounts/A1/conversations/\(villeID)").json()
            #expect((conversation["messages"] as? [Any])?.count == 2)
            for client in [ville, eino, aino, jaana] { await client.close() }
        }
    }

    @Test func nonMembersCannotSendReceiveOrSearchAndARemovedMemberIsCutOffAtOnce() async throws {
        try await withServer { server in
            try await setUp(server)
            let outsider = try await connect(server, "toinen@example.fi", subscribe: [])
            let refused = try await send(outsider, "Hei A1")
            #expect(refused.value("error", "code") as? String == "not_found")
            let subscribe = try await outsider.reply(to: try outsider.subscribe([("A1", 0)]))
            #expect(((subscribe.reply.value("result", "channels") as? [[String: Any]])?.first?["error"] as? [String: Any])?["code"] as? String == "not_found")

            let ville = try await connect(server, "ville@example.fi")
            _ = try await send(ville, "Salainen kohdetieto: koodi 4711")
            let outsiderHTTP = try await server.signedIn("toinen@example.fi")
            let search = try await outsiderHTTP.get("/api/search?q=koodi").json()
            #expect((search.value("results", "messages") as? [Any])?.isEmpty == true)
            #expect(try await outsiderHTTP.get("/api/search?q=koodi&account=A1").status == .notFound)
            #expect(try await outsiderHTTP.get("/api/accounts/A1/messages").status == .notFound)
            #expect(await outsider.isQuiet(for: 0.2))

            // Removed while connected: told within a second, and nothing after.
            let eino = try await connect(server, "eino@example.fi")
            let einoID = try #require(try await server.kanava.store.person(email: "eino@example.fi")).id
            try await server.kanava.accounts.removeMember(AccountID.parse("A1"), person: einoID, by: TestInstallation.system)
            // From the moment the removal is committed (the write itself may wait for the disk on a busy machine).
            let removedAt = ContinuousClock.now
            let removal = try await eino.next(where: { $0["kind"] as? String == "membership.removed" }, timeout: 1)
            #expect(ContinuousClock.now - removedAt < .seconds(1))
            #expect(removal.match.value("data", "person", "id") as? Int == Int(einoID.rawValue))
            _ = try await send(ville, "Tämä ei enää kuulu Einolle")
            #expect(await eino.isQuiet(for: 0.3))
            let afterRemoval = try await send(eino, "Vielä?")
            #expect(afterRemoval.value("error", "code") as? String == "not_found")
            for client in [outsider, ville, eino] { await client.close() }
        }
    }

    @Test func unreadCountsOnTheAccountListFollowTheReadMarker() async throws {
        try await withServer { server in
            try await setUp(server)
            let jaana = try await connect(server, "johtaja@example.fi")
            var lastID = 0
            for index in 0..<3 { lastID = try #require(try await send(jaana, "Tiedote \(index)").value("result", "message", "id") as? Int) }
            let ville = try await server.signedIn("ville@example.fi")
            func unread() async throws -> Int? {
                let list = try await ville.get("/api/accounts").json()
                return (list["accounts"] as? [[String: Any]])?.first { $0["id"] as? String == "A1" }?["unread"] as? Int
            }
            #expect(try await unread() == 3)
            #expect(try await ville.request(.post, "/api/accounts/A1/read", json: ["upTo": lastID - 1]).status == .noContent)
            #expect(try await unread() == 1)
            // The marker never moves back.
            #expect(try await ville.request(.post, "/api/accounts/A1/read", json: ["upTo": 1]).status == .noContent)
            #expect(try await unread() == 1)
            // The author's own messages are not unread for them.
            let director = try await server.signedIn("johtaja@example.fi")
            #expect(((try await director.get("/api/accounts").json()["accounts"] as? [[String: Any]])?.first?["unread"] as? Int) == 0)
            await jaana.close()
        }
    }

    @Test func badInputGetsClearErrorsAndChangesNothing() async throws {
        try await withServer(configure: { $0.chat.maxMessageChars = 100 }) { server in
            try await setUp(server)
            // The browser learns the limits from the hello, so it can refuse before sending.
            let (probe, hello) = try await WSTestClient.connect(port: server.port, cookie: try await server.signedIn("ville@example.fi").cookie)
            #expect(hello.value("limits", "maxMessageChars") as? Int == 100)
            await probe.close()
            let ville = try await connect(server, "ville@example.fi")
            let toinen = try await connect(server, "toinen@example.fi", subscribe: ["A2"])
            let other = try #require(try await send(toinen, "A2:n viesti", channel: "A2").value("result", "message", "id") as? Int)

            let cases: [(String, [String: Any], String)] = [
                ("empty", ["channel": "A1", "clientId": "e1", "body": "   "], "invalid_input"),
                ("too long", ["channel": "A1", "clientId": "e2", "body": String(repeating: "ä", count: 101)], "invalid_input"),
                ("unknown channel", ["channel": "NOPE", "clientId": "e3", "body": "hei"], "not_found"),
                ("bad channel id", ["channel": "../A1", "clientId": "e4", "body": "hei"], "invalid_input"),
                ("reply across channels", ["channel": "A1", "clientId": "e5", "body": "hei", "threadRoot": other], "not_found"),
                ("reply to nothing", ["channel": "A1", "clientId": "e6", "body": "hei", "threadRoot": 999_999], "not_found"),
                ("client id with spaces", ["channel": "A1", "clientId": "a b", "body": "hei"], "invalid_input"),
                ("control characters", ["channel": "A1", "clientId": "e7", "body": "hei\u{07}"], "invalid_input"),
            ]
            for (name, fields, code) in cases {
                let reply = try await ville.reply(to: try ville.send("send", fields)).reply
                #expect(reply.value("error", "code") as? String == code, "\(name): \(reply)")
            }
            // Malformed frames: no client id, wrong types, unknown fields.
            for text in [#"{"type":"send","id":"m1","channel":"A1","body":"hei"}"#,
                         #"{"type":"send","id":"m2","channel":"A1","clientId":"x","body":5}"#,
                         #"{"type":"send","id":"m3","channel":"A1","clientId":"x","body":"hei","html":"<b>"}"#,
                         #"{"type":"ack","id":"m4","channel":"A1","notice":"yksi"}"#] {
                ville.sendText(text)
                let reply = try await ville.next(where: { $0["type"] as? String == "reply" }).match
                #expect(reply.value("error", "code") as? String == "bad_request", "\(text)")
            }
            // Nothing was stored in A1, and the socket still works.
            #expect(try await server.kanava.store.messages(in: AccountID.parse("A1"), .channel, before: nil, limit: 10).messages.isEmpty)
            #expect(try await send(ville, "Nyt oikein")["ok"] as? Bool == true)
            await ville.close()
            await toinen.close()
        }
    }

    @Test func aSlowChatReaderIsCutOffWithoutHoldingUpTheOthers() async throws {
        try await withServer(configure: { $0.limits.maxWsQueuedBytes = 100_000 }) { server in
            try await setUp(server)
            let session = try await server.signedIn("ville@example.fi")
            let (stalled, _) = try await WSTestClient.connect(port: server.port, cookie: session.cookie, pausesAfter: 2)
            _ = try await stalled.reply(to: try stalled.subscribe([("A1", nil)]))
            let healthy = try await connect(server, "eino@example.fi")
            let writer = try await connect(server, "johtaja@example.fi", subscribe: [])

            // 1,000 messages of ~16 KB frames (text and HTML): more than loopback's kernel buffers hold.
            let text = String(repeating: "ä", count: 3_990)
            for index in 0..<1_000 { _ = try await send(writer, "\(index) \(text)") }
            var received = 0
            while received < 1_000 {
                if try await healthy.next()["kind"] as? String == "message.posted" { received += 1 }
            }
            stalled.resumeReading()
            let got = try await stalled.waitUntilClosed(timeout: 10)
            #expect(got.count < 1_000)
            for client in [healthy, writer] { await client.close() }
        }
    }

    @Test func searchAndHistoryQueriesNeverFailWithA500() async throws {
        try await withServer { server in
            try await setUp(server)
            let ville = try await server.signedIn("ville@example.fi")
            _ = try await ville.request(.post, "/api/accounts/A1/messages", json: ["body": "Avaimet \"lukossa\" NEAR(ovi)"])
            for query in ["%22", "NEAR(", "%22lukossa", "*", "lukossa*", "a%20OR%20b", "%22%22%22", "ovi)%20AND%20(", "%E2%80%9C", "%00"] {
                let response = try await ville.get("/api/search?q=\(query)")
                #expect(response.status == .ok || response.status == .badRequest, "\(query): \(response.status) \(response.text)")
                if response.status == .badRequest { #expect(response.errorCode == "invalid_input", "\(query)") }
            }
            let hits = try await ville.get("/api/search?q=%22lukossa").json()
            #expect((hits.value("results", "messages") as? [Any])?.count == 1)
            for path in ["/api/search", "/api/search?q=x&limit=abc", "/api/search?q=x&limit=0", "/api/search?q=x&account=..%2F",
                         "/api/accounts/A1/messages?before=abc", "/api/accounts/A1/messages?limit=1000", "/api/accounts/A1/messages/abc/thread",
                         "/api/accounts/A1/conversations/abc"] {
                let response = try await ville.get(path)
                #expect(response.status == .badRequest, "\(path): \(response.status) \(response.text)")
            }
            #expect(try await ville.get("/api/accounts/A1/messages/999/thread").status == .notFound)
            #expect(try await ville.request(.post, "/api/accounts/A1/messages", json: ["body": "x", "extra": 1]).status == .badRequest)
            #expect(try await ville.request(.post, "/api/accounts/A1/read", json: ["upTo": "x"]).status == .badRequest)
        }
    }
}
