import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The calendar feed: made, rotated and revoked by its person; fetched without a session; read back by a
/// third-party parser (Python's icalendar), which must see the same events, UIDs and Finnish text.
@Suite struct CalendarFeedTests {
    /// Ville is a supervisor in A1 (started 3 May 2019) and B2, not in C3. The clock reads noon, 10 March 2026.
    private func setUp(_ server: TestServer) async throws {
        let t = server.installation
        server.clock.set(ISO8601DateFormatter().date(from: "2026-03-10T10:00:00Z")!)
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("esimies@example.fi", "Ville Mäkinen")
        try await t.account("A1", "Östra kiinteistö Ab", start: "2019-05-03")
        try await t.account("B2", "Wärtsi kirjasto")
        try await t.account("C3", "Salainen asiakas Oy")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "esimies@example.fi", .supervisor)
        try await t.member("B2", "esimies@example.fi", .supervisor)
    }

    static let title = "Asiakastapaaminen; Tampere, Oulu"
    static let description = "Käydään läpi: laatu, hinnat; seuraavat askeleet \\ kenoviiva.\n"
        + "Toinen rivi, jossa on niin paljon tekstiä että rivi taitetaan useaan osaan – äöå ÄÖÅ € 🙂 loppuu tähän."

    /// Makes (or replaces) the person's feed; returns the path of its URL.
    private func makeFeed(_ session: HTTPSession) async throws -> String {
        let response = try await session.request(.post, "/api/me/calendar-feed")
        let url = try #require(try response.json()["url"] as? String, "\(response.text)")
        return try #require(URL(string: url)?.path)
    }

    /// Runs `Tests/Support/ics_check.py` on the feeds' bytes; one parsed feed per input.
    private func parse(_ feeds: [Data]) async throws -> [[String: Any]] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-ics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (index, feed) in feeds.enumerated() {
            let path = directory.appendingPathComponent("feed\(index).ics")
            try feed.write(to: path)
            paths.append(path.path)
        }
        let result = try await Python.script("ics_check.py", paths, needs: [(module: "icalendar", package: "icalendar")])
        #expect(result.status == 0, "\(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: result.output) as? [[String: Any]], "\(result.standardError)")
    }

    @Test func theFeedIsValidICalendarWithStableUIDsAndFinnishText() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let person = try await server.signedIn("esimies@example.fi")

            // A quarterly meeting with text that needs escaping and folding; one occurrence done, one cancelled.
            let created = try await director.request(.post, "/api/accounts/A1/clock/events", json: [
                "title": Self.title, "kind": "customer_meeting", "owner": "account_director", "start": "2026-03-31",
                "recurrence": "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1", "description": Self.description,
            ])
            #expect(created.status == .created, "\(created.text)")
            let event = try #require(try created.json().value("event", "id") as? Int)
            #expect(try await director.request(.put, "/api/accounts/A1/clock/events/\(event)/occurrences/2026-09-30",
                                               json: ["status": "done", "note": "Sovittu: lisää siivousta, 2 krt/vko"]).status == .ok)
            #expect(try await director.request(.put, "/api/accounts/A1/clock/events/\(event)/occurrences/2026-06-30",
                                               json: ["status": "cancelled"]).status == .ok)

            #expect(try await person.get("/api/me/calendar-feed").json()["exists"] as? Bool == false)
            let made = try await person.request(.post, "/api/me/calendar-feed")
            #expect(made.status == .ok, "\(made.text)")
            let url = try #require(try made.json()["url"] as? String)
            #expect(url.hasPrefix("http://127.0.0.1:\(server.port)/calendar/") && url.hasSuffix(".ics"))
            let path = try #require(URL(string: url)?.path)
            let status = try await person.get("/api/me/calendar-feed").json()
            #expect(status["exists"] as? Bool == true)
            #expect(status["createdAt"] as? String != nil)

            // Fetched twice, a day apart, with no session.
            let first = try await server.session().get(path)
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.headers[.contentType] == "text/calendar; charset=utf-8")
            server.clock.advance(by: 86_400)
            let second = try await server.session().get(path)
            #expect(second.body == first.body, "an unchanged clock gives the same feed")

            // The bytes: CRLF line ends only, no line over 75 octets, long lines folded, whole UTF-8.
            let raw = first.body
            #expect(String(validating: Array(raw), as: UTF8.self) != nil)
            let lines = first.text.components(separatedBy: "\r\n")
            #expect(lines.last == "", "the last line ends with CRLF too")
            #expect(!lines.contains { $0.contains("\n") || $0.contains("\r") }, "no bare line feeds or carriage returns")
            #expect(lines.allSatisfy { $0.utf8.count <= 75 }, "\(lines.filter { $0.utf8.count > 75 })")
            #expect(lines.contains { $0.hasPrefix(" ") }, "the long description is folded")
            #expect(lines.contains("X-WR-TIMEZONE:Europe/Helsinki"))

            let feeds = try await parse([first.body, second.body])
            let calendar = try #require(feeds.first?["calendar"] as? [String: String])
            #expect(calendar["VERSION"] == "2.0")
            #expect(calendar["CALSCALE"] == "GREGORIAN")
            #expect(calendar["PRODID"]?.isEmpty == false)
            #expect(calendar["X-WR-CALNAME"] == "Kanava – vuosikello")
            #expect(calendar["X-WR-TIMEZONE"] == "Europe/Helsinki")
            let events = try #require(feeds.first?["events"] as? [[String: Any]])
            let again = try #require(feeds.last?["events"] as? [[String: Any]])
            let uids = events.compactMap { $0["uid"] as? String }
            #expect(uids.count == events.count && Set(uids).count == uids.count, "one UID per occurrence")
            #expect(uids == again.compactMap { $0["uid"] as? String }, "UIDs are stable across fetches")
            #expect(uids.allSatisfy { $0.hasSuffix("@127.0.0.1") })

            // Every occurrence is an all-day event one day long, within a year back and two years ahead.
            for entry in events {
                #expect(entry["allDay"] as? Bool == true)
                let start = try #require(LocalDate(entry["start"] as? String ?? ""))
                #expect(LocalDate(entry["end"] as? String ?? "") == start.adding(days: 1))
                #expect(start >= LocalDate("2025-03-09")! && start <= LocalDate("2028-03-10")!, "\(start)")
            }
            let summaries = events.compactMap { $0["summary"] as? String }
            #expect(summaries.contains { $0.hasSuffix("— Wärtsi kirjasto") }, "B2's clock too")
            #expect(!summaries.contains { $0.contains("Salainen asiakas") }, "not C3's: Ville is not a member there")

            // The meeting, with its text exactly as written.
            let meetings = events.filter { ($0["uid"] as? String)?.hasPrefix("\(event)-") == true }
            #expect(meetings.compactMap { $0["start"] as? String }.prefix(3) == ["2026-03-31", "2026-06-30", "2026-09-30"],
                    "from its start on (the feed reaches back a year, the event starts now)")
            let march = try #require(meetings.first)
            #expect(march["uid"] as? String == "\(event)-20260331@127.0.0.1")
            #expect(march["summary"] as? String == "\(Self.title) — Östra kiinteistö Ab")
            #expect((march["description"] as? String)?.hasPrefix(Self.description + "\n\nVastuu: asiakkuusjohtaja") == true, "\(march["description"] ?? "")")
            #expect(march["categories"] as? [String] == ["customer_meeting"])
            #expect(march["status"] as? String == "CONFIRMED")
            let september = try #require(meetings.first { $0["start"] as? String == "2026-09-30" })
            #expect((september["description"] as? String)?.contains("Tehty (Jaana Järvinen): Sovittu: lisää siivousta, 2 krt/vko") == true)
            #expect(meetings.first { $0["start"] as? String == "2026-06-30" }?["status"] as? String == "CANCELLED")
        }
    }

    @Test func aMarkedOccurrenceSaysHowItWentAndTheFeedFollowsMembership() async throws {
        try await withServer { server in
            try await setUp(server)
            let person = try await server.signedIn("esimies@example.fi")
            let visit = try #require(try await server.kanava.store.clockEvents(in: AccountID.parse("A1")).first { $0.kind == .qualityVisit })
            let date = visit.start
            #expect(try await person.request(.put, "/api/accounts/A1/clock/events/\(visit.id)/occurrences/\(date)",
                                             json: ["status": "done", "note": "Kaikki kunnossa"]).status == .ok)
            let path = try await makeFeed(person)

            let events = try #require(try await parse([try await server.session().get(path).body]).first?["events"] as? [[String: Any]])
            let done = try #require(events.first { $0["uid"] as? String == "\(visit.id)-\(date.description.replacingOccurrences(of: "-", with: ""))@127.0.0.1" })
            #expect((done["description"] as? String)?.contains("Tehty (Ville Mäkinen): Kaikki kunnossa") == true, "\(done)")
            #expect(done["status"] as? String == "CONFIRMED")
            #expect(events.contains { ($0["summary"] as? String)?.hasSuffix("Wärtsi kirjasto") == true })

            // Removed from B2: its events leave the feed with the membership.
            let ville = try #require(try await server.kanava.store.person(email: "esimies@example.fi"))
            try await server.kanava.accounts.removeMember(AccountID.parse("B2"), person: ville.id, by: TestInstallation.system)
            let later = try #require(try await parse([try await server.session().get(path).body]).first?["events"] as? [[String: Any]])
            #expect(!later.contains { ($0["summary"] as? String)?.hasSuffix("Wärtsi kirjasto") == true })
            #expect(later.count < events.count)
        }
    }

    @Test func rotatingAndRevokingStopTheOldURLAndWrongSecretsAreNotFound() async throws {
        try await withServer { server in
            try await setUp(server)
            let person = try await server.signedIn("esimies@example.fi")
            let client = server.session()
            let first = try await makeFeed(person)
            #expect(try await client.get(first).status == .ok)

            let secret = String(first.dropFirst("/calendar/".count).dropLast(".ics".count))
            for wrong in ["/calendar/\(SecretToken.random()).ics", "/calendar/abc.ics", "/calendar/\(secret)x.ics", "/calendar/\(secret)",
                          "/calendar/\(secret.uppercased()).ics", "/calendar/.ics"] {
                let response = try await client.get(wrong)
                #expect(response.status == .notFound, "\(wrong)")
                #expect(!response.text.contains("VCALENDAR"))
            }

            // Making a new URL replaces the old one at once.
            let second = try await makeFeed(person)
            #expect(second != first)
            #expect(try await client.get(first).status == .notFound)
            #expect(try await client.get(second).status == .ok)

            // Revoking: gone, and the status says so.
            #expect(try await person.request(.delete, "/api/me/calendar-feed").status == .noContent)
            #expect(try await client.get(second).status == .notFound)
            #expect(try await person.get("/api/me/calendar-feed").json()["exists"] as? Bool == false)
            #expect(try await person.request(.delete, "/api/me/calendar-feed").status == .noContent, "revoking nothing is fine")

            // Managing the feed needs a session (and its CSRF token, like every change).
            #expect(try await client.request(.post, "/api/me/calendar-feed").status == .unauthorized)
            #expect(try await client.get("/api/me/calendar-feed").status == .unauthorized)
            person.csrfToken = nil
            #expect(try await person.request(.post, "/api/me/calendar-feed").status == .forbidden)
        }
    }
}
