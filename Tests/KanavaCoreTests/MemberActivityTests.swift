import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The yearly "most active members" list: counts equal to the fixture's, calendar years in Helsinki time, who may ask.
@Suite struct MemberActivityTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    struct Fixture {
        let t: TestInstallation
        let a1 = AccountID(rawValue: "A1")!
        let b2 = AccountID(rawValue: "B2")!
        let director: Principal
        let ville: Principal
        let aino: Principal
        let eino: Principal
        let otherDirector: Principal
        let admin: Principal

        func at(_ text: String) { t.clock.set(MemberActivityTests.instant(text)) }

        @discardableResult
        func say(_ text: String, in account: AccountID? = nil, by principal: Principal, threadRoot: MessageID? = nil,
                 privateWith: PersonID? = nil) async throws -> Message {
            try await t.kanava.chat.send(account ?? a1, MessageDraft(clientId: nil, body: text, threadRoot: threadRoot, privateWith: privateWith),
                                         by: principal).message
        }

        func notice(_ priority: String, in account: AccountID? = nil) async throws -> NoticeID {
            try await t.kanava.notices.post(account ?? a1, NoticeDraft(clientId: nil, priority: priority, title: "Tiedote", body: "Lukekaa.", expiresAt: nil),
                                            by: account == nil ? director : otherDirector).notice.id
        }

        func leave(_ body: String, anonymous: Bool = false, by principal: Principal) async throws {
            _ = try await t.kanava.feedback.post(a1, FeedbackInput(kind: "feedback", body: body, anonymous: anonymous), by: principal)
        }
    }

    /// A1 (director Jaana; supervisors Ville and Aino; regional director Eino; instructor Olli, who does nothing; Lauri,
    /// who leaves) and B2 (another director and 22 supervisors), with activity around the turns of 2025 in Helsinki.
    static func fixture(_ t: TestInstallation) async throws -> Fixture {
        try await t.account("A1", "Wärtsi kirjasto kuntayhtymä")
        try await t.account("B2", "Östra kiinteistö Ab")
        let people = [("jaana", "Jaana Järvinen"), ("ville", "Ville Mäkinen"), ("aino", "Aino Aalto"), ("eino", "Eino Laine"),
                      ("olli", "Olli Ohjaaja"), ("lauri", "Lauri Lähtijä"), ("toinen", "Toinen Johtaja")]
        var principals: [String: Principal] = [:]
        for (key, name) in people { principals[key] = .person(try await t.person("\(key)@example.fi", name)) }
        let admin = Principal.person(try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin))
        for (key, role) in [("jaana", ChannelRole.accountDirector), ("ville", .supervisor), ("aino", .supervisor), ("eino", .regionalDirector),
                            ("olli", .instructor), ("lauri", .supervisor)] {
            try await t.member("A1", "\(key)@example.fi", role)
        }
        try await t.member("B2", "toinen@example.fi", .accountDirector)
        let f = Fixture(t: t, director: principals["jaana"]!, ville: principals["ville"]!, aino: principals["aino"]!, eino: principals["eino"]!,
                        otherDirector: principals["toinen"]!, admin: admin)
        let villeID = f.ville.person!.id

        // Messages. 23:59:59 on New Year's Eve in Helsinki is the old year; midnight is the new one.
        f.at("2024-12-31T21:59:59Z")
        try await f.say("Vanhan vuoden viesti", by: f.ville)
        try await f.leave("Vanhan vuoden palaute", by: f.ville)
        f.at("2024-12-31T22:00:00Z")
        try await f.say("Hyvää uutta vuotta", by: f.ville)
        f.at("2025-06-15T09:00:00Z")
        let root = try await f.say("Kesäkysymys", by: f.ville)
        let regretted = try await f.say("Väärä kanava", by: f.ville)
        try await t.kanava.chat.delete(f.a1, regretted.id, by: f.ville)
        try await f.say("Vastaus ketjuun", by: f.ville, threadRoot: root.id)
        try await f.say("Kysymys johtajalle", by: f.ville, privateWith: villeID)
        try await f.say("Johtajan vastaus", by: f.director, threadRoot: root.id)
        try await f.say("Johtaja kirjoittaa paljon", by: f.director)
        _ = try await t.kanava.chat.send(f.a1, MessageDraft(clientId: nil, body: "Muistutus"), by: .system("Vuosikello"))
        try await f.say("Lähtijän viesti", by: principals["lauri"]!)
        try await t.kanava.accounts.removeMember(f.a1, person: principals["lauri"]!.person!.id, by: TestInstallation.system)
        f.at("2025-12-31T21:59:59Z")
        try await f.say("Vuoden viimeinen", by: f.aino)
        f.at("2025-12-31T22:00:00Z")
        try await f.say("Uuden vuoden ensimmäinen", by: f.aino)

        // Acknowledgements: urgent notices count, important ones do not; Eino's is in 2026.
        f.at("2025-03-01T08:00:00Z")
        let urgent = try await f.notice("urgent")
        let important = try await f.notice("important")
        _ = try await t.kanava.notices.acknowledge(f.a1, urgent, by: f.ville)
        _ = try await t.kanava.notices.acknowledge(f.a1, important, by: f.ville)
        f.at("2025-03-02T08:00:00Z")
        _ = try await t.kanava.notices.acknowledge(f.a1, urgent, by: f.aino)
        f.at("2026-01-02T08:00:00Z")
        _ = try await t.kanava.notices.acknowledge(f.a1, urgent, by: f.eino)

        // Feedback: anonymous items count for their author.
        f.at("2025-05-05T08:00:00Z")
        try await f.leave("Nimetön palaute", anonymous: true, by: f.ville)
        try await f.leave("Nimellinen palaute", by: f.aino)

        // B2: 22 supervisors with a message each in 2025, the last one two.
        f.at("2025-09-01T08:00:00Z")
        for index in 1...22 {
            let email = "b\(index)@example.fi"
            let person = Principal.person(try await t.person(email, String(format: "B-esimies %02d", index)))
            try await t.member("B2", email, .supervisor)
            try await f.say("Hei", in: f.b2, by: person)
            if index == 22 { try await f.say("Toinen viesti", in: f.b2, by: person) }
        }
        f.at("2026-02-01T10:00:00Z")
        return f
    }

    static func row(_ person: String, _ messages: Int, _ acknowledgements: Int, _ feedback: Int) -> [String] {
        [person, "\(messages)", "\(acknowledgements)", "\(feedback)", "\(messages + acknowledgements + feedback)"]
    }

    static func rows(_ channel: ChannelActivity?) -> [[String]] {
        (channel?.members ?? []).map { [$0.person.name, "\($0.messages)", "\($0.acknowledgements)", "\($0.feedback)", "\($0.total)"] }
    }

    @Test(arguments: Backend.all) func countsMatchTheFixtureYearByYearInHelsinkiTime(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let f = try await Self.fixture(t)
            let year2025 = try await t.kanava.feedback.activity(year: 2025, for: f.director)
            #expect(year2025.year == 2025)
            #expect(year2025.channels.map(\.account.id) == [f.a1], "only the channels the person directs")
            // Ville: New Year's midnight, the thread root, the reply and the private question (the deleted one not);
            // the urgent acknowledgement (not the important one); the anonymous item.
            #expect(Self.rows(year2025.channels.first) == [Self.row("Ville Mäkinen", 4, 1, 1), Self.row("Aino Aalto", 1, 1, 1)],
                    "the director, members with nothing, people who left and bots are not listed")
            #expect(year2025.channels.first?.members.first?.role == .supervisor)

            let year2024 = try await t.kanava.feedback.activity(year: 2024, for: f.director)
            #expect(Self.rows(year2024.channels.first) == [Self.row("Ville Mäkinen", 1, 0, 1)])
            let year2026 = try await t.kanava.feedback.activity(year: nil, for: f.director)
            #expect(year2026.year == 2026, "this year in Finland by default")
            #expect(Self.rows(year2026.channels.first) == [Self.row("Aino Aalto", 1, 0, 0), Self.row("Eino Laine", 0, 1, 0)],
                    "equal totals: more messages first")
        }
    }

    @Test(arguments: Backend.all) func directorsSeeTheirChannelsAdminsAllOthersNothing(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let f = try await Self.fixture(t)
            let other = try await t.kanava.feedback.activity(year: 2025, for: f.otherDirector)
            #expect(other.channels.map(\.account.id) == [f.b2])
            let top = try #require(other.channels.first?.members)
            #expect(top.count == FeedbackService.activityTop, "the top 20 of 22")
            #expect(top.first?.person.name == "B-esimies 22" && top.first?.messages == 2)
            #expect(top.dropFirst().map(\.person.name) == (1...19).map { String(format: "B-esimies %02d", $0) }, "equal counts by name")

            let all = try await t.kanava.feedback.activity(year: 2025, for: f.admin)
            #expect(all.channels.map(\.account.name) == ["Wärtsi kirjasto kuntayhtymä", "Östra kiinteistö Ab"], "Finnish order: Ö last")
            #expect(all.channels.first?.members.count == 2)

            await expectKanavaError(.forbidden) { _ = try await t.kanava.feedback.activity(year: 2025, for: f.ville) }
            await expectKanavaError(.forbidden) { _ = try await t.kanava.feedback.activity(year: 2025, for: f.eino) }
            await expectKanavaError(.invalidInput, "year: must be a year 2000–2026") { _ = try await t.kanava.feedback.activity(year: 2027, for: f.director) }
            await expectKanavaError(.invalidInput, "year: must be a year 2000–2026") { _ = try await t.kanava.feedback.activity(year: 1999, for: f.admin) }
        }
    }
}
