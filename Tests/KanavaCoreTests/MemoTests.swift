import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

@Suite struct MemoTests {
    /// A channel with a director, a regional director, a supervisor, an outsider, and the memos service.
    struct World {
        let t: TestInstallation
        let memos: MemoService
        let account = AccountID(rawValue: "A1")!
        let director: Principal
        let regional: Principal
        let supervisor: Principal
        let outsider: Principal

        static func make(_ t: TestInstallation, sections: DocumentTestSections = DocumentTestSections()) async throws -> World {
            try await t.account("A1", "Wärtsi kirjasto kuntayhtymä")
            try await t.account("B2", "Toinen")
            let director = Principal.person(try await t.person("johtaja@example.fi", "Johtaja"))
            let regional = Principal.person(try await t.person("alue@example.fi", "Aluejohtaja"))
            let supervisor = Principal.person(try await t.person("esimies@example.fi", "Esimies"))
            let outsider = Principal.person(try await t.person("muu@example.fi", "Muu"))
            try await t.member("A1", "johtaja@example.fi", .accountDirector)
            try await t.member("A1", "alue@example.fi", .regionalDirector)
            try await t.member("A1", "esimies@example.fi", .supervisor)
            try await t.member("B2", "muu@example.fi", .accountDirector)
            let memos = MemoService(store: t.store, access: t.kanava.access, sections: sections, bus: t.kanava.bus, clock: t.clock,
                                    maxNameChars: 200, logger: t.kanava.logger)
            return World(t: t, memos: memos, director: director, regional: regional, supervisor: supervisor, outsider: outsider)
        }

        func write(_ title: String, _ date: String, body: String = "", participants: [String] = [], by principal: Principal? = nil) async throws -> Memo {
            try await memos.create(account, MemoInput(title: title, meetingDate: date, participants: participants, body: body), by: principal ?? director)
        }
    }

    @Test(arguments: Backend.all) func writeReadEditDeleteNewestMeetingFirst(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            let steering = try await w.write("Ohjausryhmä 1/2025", "2025-02-12", body: "# Päätökset\n\n- Laatukierrokset jatkuvat\r\n- Synttärit 3.5.",
                                             participants: ["Ville Mäkinen", "Eino Mäkinen"])
            #expect(steering.body == "# Päätökset\n\n- Laatukierrokset jatkuvat\n- Synttärit 3.5.", "Windows line ends become \\n")
            #expect(steering.author?.name == "Johtaja")
            #expect(steering.editedAt == nil)
            t.clock.advance(by: 60)
            let development = try await w.write("Kehityspalaveri", "2025-05-03", by: w.regional)
            t.clock.advance(by: 60)
            let sameDay = try await w.write("Ohjausryhmä 2/2025", "2025-05-03")
            _ = try await w.write("Aloituspalaveri", "2024-11-30")

            let list = try await w.memos.list(w.account, for: w.supervisor)
            #expect(list.memos.map(\.title) == ["Ohjausryhmä 2/2025", "Kehityspalaveri", "Ohjausryhmä 1/2025", "Aloituspalaveri"])
            #expect(list.canEdit == false)
            #expect(try await w.memos.list(w.account, for: w.regional).canEdit)

            let read = try await w.memos.memo(w.account, steering.id, for: w.supervisor)
            #expect(read.memo == steering)
            #expect(read.canEdit == false)

            t.clock.advance(by: 60)
            let edited = try await w.memos.update(w.account, steering.id, MemoInput(meetingDate: "2025-06-01", participants: ["Ville Mäkinen"]), by: w.regional)
            #expect(edited.title == "Ohjausryhmä 1/2025")
            #expect(edited.body == steering.body)
            #expect(edited.participants == ["Ville Mäkinen"])
            #expect(edited.editedBy?.name == "Aluejohtaja")
            #expect(abs((edited.editedAt ?? .distantPast).timeIntervalSince(t.clock.now())) < 0.01)
            #expect(try await w.memos.list(w.account, for: w.director).memos.first?.id == edited.id)

            try await w.memos.delete(w.account, development.id, by: w.director)
            #expect(try await w.memos.list(w.account, for: w.director).memos.map(\.id).contains(development.id) == false)
            await expectKanavaError(.notFound) { _ = try await w.memos.memo(w.account, development.id, for: w.director) }
            await expectKanavaError(.notFound) { try await w.memos.delete(w.account, development.id, by: w.director) }
            await expectKanavaError(.notFound) { _ = try await w.memos.update(w.account, development.id, MemoInput(title: "x"), by: w.director) }
            _ = sameDay
        }
    }

    @Test(arguments: Backend.all) func onlyThoseWhoMayEditTheMemosSectionWriteAndOnlyThoseWhoMaySeeItRead(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            let memo = try await w.write("Ohjausryhmä", "2025-02-12")
            await expectKanavaError(.forbidden) { _ = try await w.write("Esimiehen muistio", "2025-02-13", by: w.supervisor) }
            await expectKanavaError(.forbidden) { _ = try await w.memos.update(w.account, memo.id, MemoInput(title: "x"), by: w.supervisor) }
            await expectKanavaError(.forbidden) { try await w.memos.delete(w.account, memo.id, by: w.supervisor) }
            for call in [
                { _ = try await w.memos.list(w.account, for: w.outsider) },
                { _ = try await w.memos.memo(w.account, memo.id, for: w.outsider) },
                { _ = try await w.write("x", "2025-01-01", by: w.outsider) },
            ] as [() async throws -> Void] {
                await expectKanavaError(.notFound, "", call)
            }
            // A memo id of another account is not found through it.
            await expectKanavaError(.notFound) { _ = try await w.memos.memo(try AccountID.parse("B2"), memo.id, for: w.outsider) }
            let admin = Principal.person(try await t.person("admin@example.fi", global: .admin))
            #expect(try await w.memos.update(w.account, memo.id, MemoInput(title: "Ohjausryhmä 1/2025"), by: admin).title == "Ohjausryhmä 1/2025")
        }
    }

    @Test(arguments: Backend.all) func aRestrictedMemosSectionHidesMemosFromOtherRoles(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            var sections = DocumentTestSections()
            sections.sections = [SectionInfo(key: "memos", number: 8, title: "Muistiot", restrictedTo: [.accountDirector, .regionalDirector], editableBy: [.accountDirector])]
            let w = try await World.make(t, sections: sections)
            let memo = try await w.write("Johdon palaveri", "2025-03-01")
            await expectKanavaError(.notFound, "section memos") { _ = try await w.memos.list(w.account, for: w.supervisor) }
            await expectKanavaError(.notFound) { _ = try await w.memos.memo(w.account, memo.id, for: w.supervisor) }
            #expect(try await w.memos.list(w.account, for: w.regional).memos.count == 1)
            let event = try #require(try await t.store.events(in: w.account, after: 0, limit: 100).last)
            #expect(event.kind == .memoCreated)
            #expect(event.visibleTo == [.accountDirector, .regionalDirector])
        }
    }

    @Test(arguments: Backend.all) func inputIsChecked(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            let head = try await t.store.head(of: w.account)
            await expectKanavaError(.invalidInput, "title: is required") { _ = try await w.memos.create(w.account, MemoInput(meetingDate: "2025-01-01"), by: w.director) }
            await expectKanavaError(.invalidInput, "meetingDate: is required") { _ = try await w.memos.create(w.account, MemoInput(title: "x"), by: w.director) }
            await expectKanavaError(.invalidInput, "title: must not be empty") { _ = try await w.write(" ", "2025-01-01") }
            await expectKanavaError(.invalidInput, "meetingDate: must be a real date") { _ = try await w.write("x", "2025-13-01") }
            await expectKanavaError(.invalidInput, "meetingDate") { _ = try await w.write("x", "1.2.2025") }
            await expectKanavaError(.invalidInput, "participants: must be at most 100") { _ = try await w.write("x", "2025-01-01", participants: Array(repeating: "N", count: 101)) }
            await expectKanavaError(.invalidInput, "participants: must not be empty") { _ = try await w.write("x", "2025-01-01", participants: ["Ville", ""]) }
            await expectKanavaError(.invalidInput, "body: must be at most 100000") { _ = try await w.write("x", "2025-01-01", body: String(repeating: "ä", count: 100_001)) }
            await expectKanavaError(.invalidInput, "body: must not contain control characters") { _ = try await w.write("x", "2025-01-01", body: "a\u{0}b") }
            #expect(try await t.store.head(of: w.account) == head, "nothing was written")
            #expect(try await w.write("x", "2025-01-01", body: String(repeating: "ä", count: 100_000)).body.count == 100_000)
        }
    }

    @Test(arguments: Backend.all) func everyChangeAppendsAnEventWithoutTheBody(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            let start = try await t.store.head(of: w.account)
            let memo = try await w.write("Ohjausryhmä", "2025-02-12", body: "Salainen sisältö")
            _ = try await w.memos.update(w.account, memo.id, MemoInput(body: "Uusi sisältö"), by: w.director)
            _ = try await w.memos.update(w.account, memo.id, MemoInput(body: "Uusi sisältö"), by: w.director)  // no change, no event
            try await w.memos.delete(w.account, memo.id, by: w.director)
            let events = try await t.store.events(in: w.account, after: start, limit: 100)
            #expect(events.map(\.kind) == [.memoCreated, .memoUpdated, .memoDeleted])
            #expect(events.allSatisfy { $0.visibleTo == nil })
            for event in events {
                let data = try #require(try JSONSerialization.jsonObject(with: event.payload) as? [String: Any])
                #expect(data["id"] as? Int == Int(memo.id.rawValue))
                #expect(data["meetingDate"] as? String == "2025-02-12")
                #expect(data["body"] == nil)
            }
        }
    }
}
