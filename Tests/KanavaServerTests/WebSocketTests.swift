import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

@Suite struct WebSocketTests {
    /// A director, a supervisor, one account they share; returns the supervisor's signed-in HTTP session.
    private func setUp(_ server: TestServer) async throws -> HTTPSession {
        let t = server.installation
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("esimies@example.fi", "Ville Öhman")
        try await t.account("A1", "Östra kiinteistö Ab")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "esimies@example.fi", .supervisor)
        return try await server.signedIn("esimies@example.fi")
    }

    private func rename(_ server: TestServer, to name: String) async throws {
        _ = try await server.kanava.accounts.update(try AccountID.parse("A1"), name: name, startDate: nil, by: TestInstallation.system)
    }

    private func seqs(_ frames: [WSTestClient.Frame]) -> [Int] {
        frames.filter { $0["type"] as? String == "event" }.compactMap { $0["seq"] as? Int }
    }

    @Test func subscribeReceiveDisconnectAndResumeWithExactlyTheMissedEvents() async throws {
        try await withServer { server in
            let browser = try await setUp(server)
            let (client, hello) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie)
            #expect(hello.value("person", "name") as? String == "Ville Öhman")

            let subscribed = try await client.reply(to: try client.subscribe([("A1", nil)]))
            #expect(subscribed.reply["ok"] as? Bool == true)
            let head = try #require((subscribed.reply.value("result", "channels") as? [[String: Any]])?.first?["head"] as? Int)
            #expect(head == 3)

            try await rename(server, to: "Östra Oy")
            let live = try await client.next(where: { $0["type"] as? String == "event" })
            #expect(live.match["seq"] as? Int == 4)
            #expect(live.match["kind"] as? String == "account.updated")
            #expect(live.match.value("data", "name") as? String == "Östra Oy")
            await client.drop()

            // While disconnected: three more changes.
            for name in ["Kaksi", "Kolme", "Neljä"] { try await rename(server, to: name) }

            let (again, _) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie)
            let resumed = try await again.reply(to: try again.subscribe([("A1", 4)]))
            #expect(seqs(resumed.before) == [5, 6, 7])
            #expect(resumed.before.compactMap { $0.value("data", "name") as? String } == ["Kaksi", "Kolme", "Neljä"])
            #expect((resumed.reply.value("result", "channels") as? [[String: Any]])?.first?["head"] as? Int == 7)
            // Then live again, with nothing repeated.
            try await rename(server, to: "Viisi")
            let next = try await again.next(where: { $0["type"] as? String == "event" })
            #expect(next.match["seq"] as? Int == 8)
            #expect(seqs(next.skipped).isEmpty)
            await again.close()
        }
    }

    @Test func eventsPublishedDuringASubscribeAreNeitherLostNorDoubled() async throws {
        try await withServer { server in
            let browser = try await setUp(server)
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie)
            // Renames race with the subscription's backlog read.
            let writer = Task { for index in 0..<40 { try await rename(server, to: "Nimi \(index)") } }
            let reply = try await client.reply(to: try client.subscribe([("A1", 0)]), timeout: 10)
            try await writer.value
            var received = seqs(reply.before)
            while received.last != 43 {
                let frame = try await client.next()
                if let seq = frame["seq"] as? Int { received.append(seq) }
            }
            #expect(received == Array(1...43))
            await client.close()
        }
    }

    @Test func aResumePointBeyondTheHeadOrTooFarBehindAsksForAReset() async throws {
        try await withServer(configure: { $0.limits.maxResumeEvents = 5 }) { server in
            let browser = try await setUp(server)
            for index in 0..<10 { try await rename(server, to: "N\(index)") }
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie)
            for after in [Int64(999), 1] {
                let reply = try await client.reply(to: try client.subscribe([("A1", after)]))
                let result = (reply.reply.value("result", "channels") as? [[String: Any]])?.first
                #expect(result?["reset"] as? Bool == true)
                #expect(result?["head"] as? Int == 13)
                #expect(seqs(reply.before).isEmpty)
            }
            await client.close()
        }
    }

    @Test func nonMembersAnonymousAndOtherSitesCannotSubscribe() async throws {
        try await withServer { server in
            _ = try await setUp(server)
            try await server.installation.person("outsider@example.fi")
            let outsider = try await server.signedIn("outsider@example.fi")
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: outsider.cookie)
            let reply = try await client.reply(to: try client.subscribe([("A1", 0), ("NOPE", nil), ("../x", nil)]))
            let results = try #require(reply.reply.value("result", "channels") as? [[String: Any]])
            #expect(results.compactMap { ($0["error"] as? [String: Any])?["code"] as? String } == ["not_found", "not_found", "invalid_input"])
            #expect(seqs(reply.before).isEmpty)
            try await rename(server, to: "Salainen")
            #expect(await client.isQuiet(for: 0.3))
            await client.close()

            await #expect(throws: (any Error).self) { try await WSTestClient.connect(port: server.port, cookie: nil) }
            await #expect(throws: (any Error).self) { try await WSTestClient.connect(port: server.port, cookie: "kanava_session=forged") }
            // Another site's page cannot ride on the cookie; this site's page can. (A refused upgrade is an
            // empty 400 from the framework; a plain GET says why.)
            for origin in ["https://evil.example", "http://127.0.0.1:1", "null"] {
                let refused = try await outsider.webSocketHandshake(origin: origin)
                #expect(refused.status == .badRequest, "\(origin): \(refused.status)")
                let why = try await outsider.request(.get, "/ws", body: nil, headers: [.origin: origin])
                #expect(why.status == .forbidden)
            }
            #expect(try await outsider.webSocketHandshake(origin: "http://127.0.0.1:\(server.port)").status == .switchingProtocols)
        }
    }

    @Test func aMemberRemovedWhileConnectedStopsReceivingAtOnceAndIsTold() async throws {
        try await withServer { server in
            let browser = try await setUp(server)
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie)
            _ = try await client.reply(to: try client.subscribe([("A1", nil)]))
            let supervisor = try #require(try await server.kanava.store.person(email: "esimies@example.fi"))

            try await server.kanava.accounts.removeMember(try AccountID.parse("A1"), person: supervisor.id, by: TestInstallation.system)
            // From the moment the removal is committed (the write itself may wait for the disk on a busy machine).
            let removedAt = ContinuousClock.now
            let removal = try await client.next(where: { $0["type"] as? String == "event" }, timeout: 1)
            #expect(ContinuousClock.now - removedAt < .seconds(1))
            #expect(removal.match["kind"] as? String == "membership.removed")
            #expect(removal.match.value("data", "person", "id") as? Int == Int(supervisor.id.rawValue))

            try await rename(server, to: "Ei enää sinulle")
            #expect(await client.isQuiet(for: 0.3))
            // And subscribing again is refused.
            let again = try await client.reply(to: try client.subscribe([("A1", 0)]))
            #expect(((again.reply.value("result", "channels") as? [[String: Any]])?.first?["error"] as? [String: Any])?["code"] as? String == "not_found")

            // Added back: told at once, even though not subscribed.
            _ = try await server.kanava.accounts.addMember(try AccountID.parse("A1"), email: "esimies@example.fi", role: "supervisor", by: TestInstallation.system)
            let added = try await client.next(where: { $0["type"] as? String == "event" }, timeout: 1)
            #expect(added.match["kind"] as? String == "membership.added")
            await client.close()
        }
    }

    @Test func restrictedEventsReachOnlyTheirRoles() async throws {
        try await withServer { server in
            let supervisorBrowser = try await setUp(server)
            let directorBrowser = try await server.signedIn("johtaja@example.fi")
            let (supervisor, _) = try await WSTestClient.connect(port: server.port, cookie: supervisorBrowser.cookie)
            let (director, _) = try await WSTestClient.connect(port: server.port, cookie: directorBrowser.cookie)
            for client in [supervisor, director] { _ = try await client.reply(to: try client.subscribe([("A1", nil)])) }

            // A billing-only event, then an ordinary one.
            let id = try AccountID.parse("A1")
            let account = try #require(try await server.kanava.store.account(id))
            let restricted = try EventDraft(channel: id, kind: "section.updated", payload: ["section": 13], visibleTo: [.accountDirector, .sales])
            server.kanava.bus.publish(try await server.kanava.store.updateAccount(account, event: restricted, at: Date()).events)
            try await rename(server, to: "Julkinen")

            let directorSees = try await director.next(where: { $0["seq"] as? Int == 5 })
            #expect(seqs(directorSees.skipped) == [4])
            let supervisorSees = try await supervisor.next(where: { $0["seq"] as? Int == 5 })
            #expect(seqs(supervisorSees.skipped).isEmpty)

            // The same rule on resume.
            let (resumed, _) = try await WSTestClient.connect(port: server.port, cookie: supervisorBrowser.cookie)
            let backlog = try await resumed.reply(to: try resumed.subscribe([("A1", 3)]))
            #expect(seqs(backlog.before) == [5])
            // And over HTTP.
            let log = try await supervisorBrowser.get("/api/accounts/A1/events?after=3").json()
            #expect((log["events"] as? [[String: Any]])?.compactMap { $0["seq"] as? Int } == [5])
        }
    }

    @Test func badFramesGetClearErrorsAndTheSocketKeepsWorking() async throws {
        try await withServer { server in
            let browser = try await setUp(server)
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie)

            client.sendText("this is not json")
            #expect(try await client.next().value("error", "code") as? String == "bad_request")
            client.sendText(#"{"type": "subscribe"}"#)
            #expect(try await client.next()["type"] as? String == "error")
            client.sendText(#"{"type": "launch-missiles", "id": "x1"}"#)
            let unknown = try await client.next()
            #expect(unknown["id"] as? String == "x1")
            #expect(unknown["ok"] as? Bool == false)
            #expect((unknown.value("error", "message") as? String)?.contains("unknown frame type") == true)
            client.sendText(#"{"type": "subscribe", "id": "x2", "channels": "A1"}"#)
            #expect(try await client.next().value("error", "message") as? String == "channels: expected a list")
            client.sendText(#"{"type": "subscribe", "id": "x3", "channels": [{"channel": "A1", "after": -5}]}"#)
            #expect(try await client.next().value("error", "code") as? String == "invalid_input")
            client.sendText(#"{"type": "ping", "id": "x4", "extra": true}"#)
            #expect(try await client.next().value("error", "message") as? String == "unknown field 'extra'")

            // Still alive and correct.
            let pong = try await client.reply(to: try client.send("ping"))
            #expect(pong.reply["ok"] as? Bool == true)
            await client.close()
        }
    }

    @Test func aFrameOverTheLimitClosesOnlyThatSocket() async throws {
        try await withServer(configure: { $0.limits.maxWsFrameBytes = 4096 }) { server in
            let browser = try await setUp(server)
            let (bystander, _) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie)
            _ = try await bystander.reply(to: try bystander.subscribe([("A1", nil)]))
            let (offender, _) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie)
            offender.sendText(#"{"type":"ping","id":""# + String(repeating: "x", count: 10_000) + #""}"#)
            try await offender.waitUntilClosed()

            try await rename(server, to: "Yhä toimii")
            let event = try await bystander.next(where: { $0["type"] as? String == "event" })
            #expect(event.match.value("data", "name") as? String == "Yhä toimii")
            await bystander.close()
        }
    }

    @Test func aSlowConsumerIsDisconnectedWithoutHoldingUpOthers() async throws {
        try await withServer(configure: { $0.limits.maxWsQueuedBytes = 200_000; $0.limits.maxNameChars = 10_000 }) { server in
            let browser = try await setUp(server)
            // Reads hello and its subscribe reply, then stops reading.
            let (stalled, _) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie, pausesAfter: 2)
            let (healthy, _) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie)
            _ = try await stalled.reply(to: try stalled.subscribe([("A1", nil)]))
            _ = try await healthy.reply(to: try healthy.subscribe([("A1", nil)]))

            // 1,000 events of ~20 KB: more than loopback's kernel buffers hold, so the stalled socket's queue
            // passes its 200 KB bound.
            let long = String(repeating: "ä", count: 9_990)
            for index in 0..<1_000 { try await rename(server, to: "\(index) \(long)") }
            var last = 0
            while last < 1_003 { last = try await healthy.next()["seq"] as? Int ?? last }

            // The stalled client, reading again, finds the socket closed before it got everything.
            stalled.resumeReading()
            let got = try await stalled.waitUntilClosed(timeout: 10)
            #expect(got.count < 1_000)
            await healthy.close()
        }
    }
}
