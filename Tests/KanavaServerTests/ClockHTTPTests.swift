import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The annual clock over HTTP: who may change and mark what, live events, and bad input.
@Suite struct ClockHTTPTests {
    /// A1 (started 3 May 2019) with a director, a supervisor and a regional director; B2 with an outsider; an admin.
    /// The clock reads noon, 10 March 2026 in Helsinki.
    private func setUp(_ server: TestServer) async throws {
        let t = server.installation
        server.clock.set(ISO8601DateFormatter().date(from: "2026-03-10T10:00:00Z")!)
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("esimies@example.fi", "Ville Mäkinen")
        try await t.person("alue@example.fi", "Eino Laine")
        try await t.person("muu@example.fi", "Muu Ihminen")
        try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin)
        try await t.account("A1", "Östra kiinteistö Ab", start: "2019-05-03")
        try await t.account("B2", "Wärtsi kirjasto")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "esimies@example.fi", .supervisor)
        try await t.member("A1", "alue@example.fi", .regionalDirector)
        try await t.member("B2", "muu@example.fi", .accountDirector)
    }

    private func events(_ session: HTTPSession, year: Int = 2026) async throws -> [[String: Any]] {
        try #require(try await session.get("/api/accounts/A1/clock?year=\(year)").json()["events"] as? [[String: Any]])
    }

    private func eventID(titled title: String, _ session: HTTPSession) async throws -> Int {
        try #require(try await events(session).first { ($0["event"] as? [String: Any])?["title"] as? String == title }?.value("event", "id") as? Int)
    }

    @Test func theDirectorEditsMembersReadOwnersMarkAndEveryChangeIsLive() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let supervisor = try await server.signedIn("esimies@example.fi")
            let regional = try await server.signedIn("alue@example.fi")
            let outsider = try await server.signedIn("muu@example.fi")
            let admin = try await server.signedIn("admin@example.fi")
            let watcher = try await server.signedIn("esimies@example.fi")
            let (socket, _) = try await WSTestClient.connect(port: server.port, cookie: watcher.cookie)
            _ = try await socket.reply(to: try socket.subscribe([("A1", nil)]))

            // Everyone in the channel reads the year: the template's events with their occurrences.
            let year = try await supervisor.get("/api/accounts/A1/clock?year=2026").json()
            #expect(year["year"] as? Int == 2026)
            #expect(year["canEdit"] as? Bool == false)
            let list = try await events(supervisor)
            let visit = try #require(list.first { $0.value("event", "kind") as? String == "quality_visit" })
            #expect(visit["canMark"] as? Bool == true)
            #expect((visit["occurrences"] as? [[String: Any]])?.compactMap { $0["date"] as? String }.first == "2026-03-31")
            #expect((visit["occurrences"] as? [[String: Any]])?.count == 10)
            #expect(list.first { $0.value("event", "kind") as? String == "anniversary" }?.value("event", "start") as? String == "2026-05-03")
            #expect(try await director.get("/api/accounts/A1/clock").json()["canEdit"] as? Bool == true, "this year by default")
            #expect(try await outsider.get("/api/accounts/A1/clock").status == .notFound)

            // The director adds an event; members may not; outsiders do not even see the channel.
            let meeting: [String: Any] = ["title": "Asiakastapaaminen Tampereella", "kind": "customer_meeting", "owner": "account_director",
                                          "start": "2026-04-01", "recurrence": "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1", "leadDays": 14,
                                          "description": "Neljännesvuosittain"]
            let created = try await director.request(.post, "/api/accounts/A1/clock/events", json: meeting)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(try created.json().value("event", "id") as? Int)
            #expect(try created.json().value("event", "start") as? String == "2026-04-30", "stored as its first occurrence")
            #expect(try created.json().value("event", "recurrence") as? String == "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1")
            let live = try await socket.next(where: { $0["kind"] as? String == "clock.created" })
            #expect(live.match.value("data", "id") as? Int == id)
            #expect(try await supervisor.request(.post, "/api/accounts/A1/clock/events", json: meeting).status == .forbidden)
            #expect(try await regional.request(.post, "/api/accounts/A1/clock/events", json: meeting).status == .forbidden)
            #expect(try await outsider.request(.post, "/api/accounts/A1/clock/events", json: meeting).status == .notFound)
            #expect(try await supervisor.request(.patch, "/api/accounts/A1/clock/events/\(id)", json: ["title": "x"]).status == .forbidden)
            #expect(try await supervisor.request(.delete, "/api/accounts/A1/clock/events/\(id)").status == .forbidden)

            let changed = try await director.request(.patch, "/api/accounts/A1/clock/events/\(id)", json: ["leadDays": 21, "title": "Asiakastapaaminen"])
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(try changed.json().value("event", "leadDays") as? Int == 21)
            #expect(try changed.json().value("event", "start") as? String == "2026-04-30")
            #expect(try await socket.next(where: { $0["kind"] as? String == "clock.updated" }).match.value("data", "title") as? String == "Asiakastapaaminen")
            let single = try await admin.request(.patch, "/api/accounts/A1/clock/events/\(id)", json: ["recurrence": NSNull(), "start": "2026-06-12"])
            #expect(try single.json().value("event", "recurrence") == nil)
            #expect(try single.json().value("event", "start") as? String == "2026-06-12")
            #expect((try await events(director).first { $0.value("event", "id") as? Int == id }?["occurrences"] as? [Any])?.count == 1)

            // The supervisor marks the supervisors' visit done; not the director's meeting. The director marks anything.
            let visitID = try #require(visit.value("event", "id") as? Int)
            let done = try await supervisor.request(.put, "/api/accounts/A1/clock/events/\(visitID)/occurrences/2026-03-31",
                                                    json: ["status": "done", "note": "Siivousjälki hyvä, kaksi korjattavaa"])
            #expect(done.status == .ok, "\(done.text)")
            #expect(try done.json().value("occurrence", "markedBy", "name") as? String == "Ville Mäkinen")
            let marked = try await socket.next(where: { $0["kind"] as? String == "clock.marked" })
            #expect(marked.match.value("data", "status") as? String == "done")
            #expect(marked.match.value("data", "date") as? String == "2026-03-31")
            #expect(try await supervisor.request(.put, "/api/accounts/A1/clock/events/\(id)/occurrences/2026-06-12", json: ["status": "done"]).status == .forbidden)
            #expect(try await regional.request(.put, "/api/accounts/A1/clock/events/\(visitID)/occurrences/2026-04-30", json: ["status": "done"]).status == .forbidden)
            #expect(try await outsider.request(.put, "/api/accounts/A1/clock/events/\(visitID)/occurrences/2026-04-30", json: ["status": "done"]).status == .notFound)
            #expect(try await director.request(.put, "/api/accounts/A1/clock/events/\(visitID)/occurrences/2026-04-30", json: ["status": "cancelled", "note": "Kohde suljettu"]).status == .ok)
            #expect(try await director.request(.put, "/api/accounts/A1/clock/events/\(id)/occurrences/2026-06-12", json: ["status": "done"]).status == .ok)

            let occurrences = try #require(try await events(supervisor).first { $0.value("event", "id") as? Int == visitID }?["occurrences"] as? [[String: Any]])
            #expect(occurrences.prefix(3).compactMap { $0["status"] as? String } == ["done", "cancelled", "planned"])
            #expect(occurrences.first?["note"] as? String == "Siivousjälki hyvä, kaksi korjattavaa")

            let summary = try await supervisor.get("/api/accounts/A1/clock/summary?year=2026").json()
            let months = try #require(summary.value("figures", "months") as? [[String: Any]])
            #expect((months[2]["count"] as? [String: Any])?["done"] as? Int == 1)
            #expect((months[3]["count"] as? [String: Any])?["cancelled"] as? Int == 1)
            #expect(summary.value("figures", "asOf") as? String == "2026-03-10")

            // Back to planned, then deleted: gone from the list, and its occurrences with it.
            #expect(try await supervisor.request(.put, "/api/accounts/A1/clock/events/\(visitID)/occurrences/2026-03-31", json: ["status": "planned"]).status == .ok)
            #expect(try await director.request(.delete, "/api/accounts/A1/clock/events/\(id)").status == .noContent)
            #expect(try await socket.next(where: { $0["kind"] as? String == "clock.deleted" }).match.value("data", "id") as? Int == id)
            #expect(try await events(director).contains { $0.value("event", "id") as? Int == id } == false)
            #expect(try await director.request(.put, "/api/accounts/A1/clock/events/\(id)/occurrences/2026-06-12", json: ["status": "planned"]).status == .notFound)
            #expect(try await director.request(.delete, "/api/accounts/A1/clock/events/\(id)").status == .notFound)
            // Another channel's event is not found through this one.
            let other = try #require(try await server.kanava.store.clockEvents(in: AccountID(rawValue: "B2")).first)
            #expect(try await director.request(.patch, "/api/accounts/A1/clock/events/\(other.id)", json: ["title": "x"]).status == .notFound)
            await socket.close()
        }
    }

    @Test func badInputIsRefusedNamingTheFieldAndChangesNothing() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let before = try await events(director).count
            let valid: [String: Any] = ["title": "Raportti", "kind": "report", "owner": "account_director", "start": "2026-04-15"]
            func with(_ change: [String: Any]) -> [String: Any] { valid.merging(change) { _, new in new } }
            let bad: [([String: Any], String)] = [
                (with(["recurrence": "FREQ=WEEKLY"]), "recurrence: FREQ=WEEKLY is not supported"),
                (with(["recurrence": "FREQ=MONTHLY;BYDAY=TU"]), "recurrence: BYDAY=TU needs a week number"),
                (with(["recurrence": "FREQ=MONTHLY;INTERVAL=500"]), "recurrence: INTERVAL must be a whole number 1–120"),
                (with(["recurrence": "FREQ=MONTHLY;BYMONTHDAY=31"]), "BYMONTHDAY=-1"),
                (with(["start": "2026-01-31", "recurrence": "FREQ=MONTHLY"]), "recurrence: February has no day 31"),
                (with(["start": "2028-02-29", "recurrence": "FREQ=YEARLY"]), "recurrence: February has day 29 only in leap years"),
                (with(["recurrence": "FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20260101"]), "recurrence: has no date on or after the start"),
                (with(["recurrence": ""]), "recurrence: must not be empty"),
                (with(["start": "2026-02-30"]), "start: must be a real date"),
                (with(["start": "15.4.2026"]), "start: must be a real date"),
                (with(["start": "1999-12-31"]), "start: must be in the years 2000–2100"),
                (with(["start": "2101-01-01"]), "start: must be in the years 2000–2100"),
                (with(["leadDays": -1]), "leadDays: must be 0–365"),
                (with(["leadDays": 366]), "leadDays: must be 0–365"),
                (with(["leadDays": 1_000_000_000]), "leadDays: must be 0–365"),
                (with(["leadDays": "7"]), "leadDays: expected a whole number"),
                (with(["owner": "janitor"]), "owner: 'janitor' is not an owner role"),
                (with(["kind": "party"]), "kind: 'party' is not a kind"),
                (with(["title": "   "]), "title: must not be empty"),
                (with(["title": String(repeating: "x", count: 201)]), "title: must be at most 200 characters"),
                (with(["description": String(repeating: "x", count: 2001)]), "description: must be at most 2000 characters"),
                (with(["colour": "red"]), "unknown field 'colour'"),
                (["kind": "report", "owner": "account_director", "start": "2026-04-15"], "title: is required"),
                (["title": "x", "owner": "account_director", "start": "2026-04-15"], "kind: is required"),
                (["title": "x", "kind": "report", "start": "2026-04-15"], "owner: is required"),
                (["title": "x", "kind": "report", "owner": "account_director"], "start: is required"),
            ]
            for (body, expected) in bad {
                let response = try await director.request(.post, "/api/accounts/A1/clock/events", json: body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                let message = try response.json().value("error", "message") as? String ?? ""
                #expect(message.contains(expected), "\(body): \(message)")
            }
            #expect(try await director.request(.post, "/api/accounts/A1/clock/events", body: Data("[1]".utf8)).status == .badRequest)
            #expect(try await director.request(.post, "/api/accounts/A1/clock/events", body: Data("{".utf8)).status == .badRequest)
            #expect(try await events(director).count == before, "nothing was added")

            // Updates and marks are checked the same way.
            let id = try await eventID(titled: "Laatukäynti", director)
            for (body, expected) in [(["leadDays": 400], "leadDays"), (["recurrence": "FREQ=MONTHLY;BYMONTHDAY=30"], "recurrence"),
                                     (["owner": "boss"], "owner"), (["start": "tomorrow"], "start")] as [([String: Any], String)] {
                let response = try await director.request(.patch, "/api/accounts/A1/clock/events/\(id)", json: body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                #expect((try response.json().value("error", "message") as? String)?.hasPrefix(expected) == true, "\(response.text)")
            }
            let marks: [([String: Any], String, String)] = [
                (["status": "finished"], "2026-03-31", "status: 'finished' is not a status"),
                (["status": "planned", "note": "x"], "2026-03-31", "note: belongs to a done or cancelled occurrence"),
                (["status": "done", "note": String(repeating: "x", count: 2001)], "2026-03-31", "note: must be at most 2000 characters"),
                (["status": "done"], "31.3.2026", "date: must be a real date"),
                (["status": "done", "by": "me"], "2026-03-31", "unknown field 'by'"),
            ]
            for (body, date, expected) in marks {
                let response = try await director.request(.put, "/api/accounts/A1/clock/events/\(id)/occurrences/\(date)", json: body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                #expect((try response.json().value("error", "message") as? String)?.contains(expected) == true, "\(response.text)")
            }
            let notAnOccurrence = try await director.request(.put, "/api/accounts/A1/clock/events/\(id)/occurrences/2026-03-30", json: ["status": "done"])
            #expect(notAnOccurrence.status == .notFound)
            #expect(try await director.request(.put, "/api/accounts/A1/clock/events/x/occurrences/2026-03-31", json: ["status": "done"]).status == .badRequest)
            for query in ["year=1999", "year=abc", "year=2101"] {
                let response = try await director.get("/api/accounts/A1/clock?\(query)")
                #expect(response.status == .badRequest)
                #expect((try response.json().value("error", "message") as? String)?.hasPrefix("year:") == true)
                #expect(try await director.get("/api/accounts/A1/clock/summary?\(query)").status == .badRequest)
            }
            let unchanged = try #require(try await events(director).first { $0.value("event", "id") as? Int == id })
            #expect(unchanged.value("event", "leadDays") as? Int == 7)
            #expect((unchanged["occurrences"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "planned" } == true)
        }
    }
}
