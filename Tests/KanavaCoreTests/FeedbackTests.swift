import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

@Suite struct FeedbackTests {
    /// A1 with a director, a regional director and two supervisors; B2 directed by an outsider; an admin.
    struct World {
        let t: TestInstallation
        let account = AccountID(rawValue: "A1")!
        let director: Principal
        let regional: Principal
        let author: Principal
        let colleague: Principal
        let outsider: Principal
        let admin: Principal
        var feedback: FeedbackService { t.kanava.feedback }

        static func make(_ t: TestInstallation) async throws -> World {
            try await t.account("A1", "Wärtsi kirjasto kuntayhtymä")
            try await t.account("B2", "Östra kiinteistö Ab")
            let director = Principal.person(try await t.person("johtaja@example.fi", "Jaana Järvinen"))
            let regional = Principal.person(try await t.person("alue@example.fi", "Eino Laine"))
            let author = Principal.person(try await t.person("ville@example.fi", "Ville Mäkinen"))
            let colleague = Principal.person(try await t.person("aino@example.fi", "Aino Aalto"))
            let outsider = Principal.person(try await t.person("muu@example.fi", "Muu Johtaja"))
            let admin = Principal.person(try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin))
            try await t.member("A1", "johtaja@example.fi", .accountDirector)
            try await t.member("A1", "alue@example.fi", .regionalDirector)
            try await t.member("A1", "ville@example.fi", .supervisor)
            try await t.member("A1", "aino@example.fi", .supervisor)
            try await t.member("B2", "muu@example.fi", .accountDirector)
            return World(t: t, director: director, regional: regional, author: author, colleague: colleague, outsider: outsider, admin: admin)
        }

        @discardableResult
        func post(_ body: String, kind: String = "feedback", anonymous: Bool = false, by principal: Principal? = nil) async throws -> FeedbackItem {
            try await feedback.post(account, FeedbackInput(kind: kind, body: body, anonymous: anonymous), by: principal ?? author)
        }

        @discardableResult
        func answer(_ id: FeedbackID, _ body: String? = nil, status: String? = nil, by principal: Principal? = nil) async throws -> FeedbackItem {
            try await feedback.answer(account, id, FeedbackAnswerInput(body: body, status: status), by: principal ?? director)
        }

        func events(after seq: Int64) async throws -> [StreamEvent] {
            try await t.store.events(in: account, after: seq, limit: 1000)
        }
    }

    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test(arguments: Backend.all) func anAnonymousItemShowsItsAuthorOnlyToTheAuthorTheDirectorAndAdmins(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            let start = try await t.store.head(of: w.account)
            let posted = try await w.post("  Siivousvaunut ovat huonossa kunnossa.\r\nUusia tarvitaan.  ", anonymous: true)
            #expect(posted.body == "Siivousvaunut ovat huonossa kunnossa.\nUusia tarvitaan.", "trimmed, line ends made \\n")
            #expect(posted.anonymous && posted.mine && posted.canEdit && posted.status == .new)
            #expect(posted.author?.name == "Ville Mäkinen", "the author sees it as theirs")

            let asColleague = try await w.feedback.item(w.account, posted.id, for: w.colleague)
            #expect(asColleague.author == nil && !asColleague.mine && !asColleague.canEdit)
            #expect(try await w.feedback.item(w.account, posted.id, for: w.regional).author == nil, "a regional director is another member")
            #expect(try await w.feedback.item(w.account, posted.id, for: w.director).author?.email == "ville@example.fi")
            let asAdmin = try await w.feedback.item(w.account, posted.id, for: w.admin)
            #expect(asAdmin.author?.name == "Ville Mäkinen" && !asAdmin.mine)
            #expect(try await w.feedback.list(w.account, for: w.colleague).items.first?.author == nil)
            #expect(try await w.feedback.list(w.account, for: w.director).items.first?.author?.name == "Ville Mäkinen")

            let named = try await w.post("Hyvä idea: yhteinen avainkaappi", kind: "idea", by: w.colleague)
            #expect(try await w.feedback.item(w.account, named.id, for: w.author).author?.name == "Aino Aalto")

            // Events: the anonymous item's carries no author at all; the named one's does.
            let events = try await w.events(after: start)
            #expect(events.map(\.kind) == [.feedbackCreated, .feedbackCreated])
            let anonymousEvent = String(decoding: events[0].payload, as: UTF8.self)
            for secret in ["Ville", "Mäkinen", "ville@example.fi", "\"author\""] { #expect(!anonymousEvent.contains(secret), "\(anonymousEvent)") }
            #expect(events[0].subject == nil && events[0].visibleTo == nil)
            #expect(String(decoding: events[1].payload, as: UTF8.self).contains("Aino Aalto"))

            // Outsiders see nothing; an item is not found through another channel.
            await expectKanavaError(.notFound) { _ = try await w.feedback.list(w.account, for: w.outsider) }
            await expectKanavaError(.notFound) { _ = try await w.feedback.item(w.account, posted.id, for: w.outsider) }
            await expectKanavaError(.notFound) { try await w.post("x", by: w.outsider) }
            await expectKanavaError(.notFound) { _ = try await w.feedback.item(AccountID(rawValue: "B2")!, posted.id, for: w.outsider) }
            // An admin who is not a member reads and answers but does not leave feedback.
            await expectKanavaError(.forbidden, "only members") { try await w.post("x", by: w.admin) }
        }
    }

    @Test(arguments: Backend.all) func theDirectorAnswersAndEachAnswerKeepsTheStatusHistory(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            let item = try await w.post("Työvaatteita ei ole tarpeeksi", anonymous: true)
            let start = try await t.store.head(of: w.account)

            t.clock.advance(by: 60)
            let first = try await w.answer(item.id, "Kiitos, selvitän asian.")
            #expect(first.status == .new, "a text alone leaves the status")
            #expect(first.replies.map(\.status) == [nil])
            #expect(first.author?.name == "Ville Mäkinen", "the director sees the author")
            t.clock.advance(by: 60)
            _ = try await w.answer(item.id, "Tilattu lisää.", status: "in_progress")
            t.clock.advance(by: 60)
            let done = try await w.answer(item.id, status: "done", by: w.admin)
            #expect(done.status == .done)
            #expect(done.replies.map(\.body) == ["Kiitos, selvitän asian.", "Tilattu lisää.", ""])
            #expect(done.replies.map(\.status) == [nil, .inProgress, .done])
            #expect(done.replies.map { $0.author?.name } == ["Jaana Järvinen", "Jaana Järvinen", "Pääkäyttäjä"])

            // The member sees the answers, and who gave them, under the anonymous item.
            let seen = try await w.feedback.item(w.account, item.id, for: w.colleague)
            #expect(seen.replies.count == 3 && seen.author == nil && seen.status == .done)

            // Only the director and admins answer; a same-status answer without text says so.
            await expectKanavaError(.forbidden) { try await w.answer(item.id, "Minäkin vastaan", by: w.author) }
            await expectKanavaError(.forbidden) { try await w.answer(item.id, status: "declined", by: w.regional) }
            await expectKanavaError(.notFound) { try await w.answer(item.id, status: "declined", by: w.outsider) }
            await expectKanavaError(.invalidInput, "status: is already done") { try await w.answer(item.id, status: "done") }
            await expectKanavaError(.invalidInput, "body: an answer needs a text or a new status") { try await w.answer(item.id, "   ") }
            await expectKanavaError(.notFound) { try await w.answer(FeedbackID(9999), "x") }

            // Answered: the author can no longer change or withdraw it.
            await expectKanavaError(.conflict) { _ = try await w.feedback.edit(w.account, item.id, FeedbackInput(body: "muutos"), by: w.author) }
            await expectKanavaError(.conflict) { try await w.feedback.withdraw(w.account, item.id, by: w.author) }

            let events = try await w.events(after: start)
            #expect(events.map(\.kind) == [.feedbackAnswered, .feedbackAnswered, .feedbackAnswered])
            let data = try events.map { try JSONSerialization.jsonObject(with: $0.payload) as? [String: Any] }
            #expect(data.map { $0?["status"] as? String } == ["new", "in_progress", "done"])
            #expect((data[1]?["reply"] as? [String: Any])?["body"] as? String == "Tilattu lisää.")
            for event in events { #expect(!String(decoding: event.payload, as: UTF8.self).contains("ville@example.fi")) }
        }
    }

    @Test(arguments: Backend.all) func countsAtAnInstantFollowTheStatusAnswersHadSetByThen(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            t.clock.set(Self.instant("2026-03-01T10:00:00Z"))
            let a = try await w.post("Ensimmäinen")
            t.clock.set(Self.instant("2026-03-02T10:00:00Z"))
            let b = try await w.post("Toinen", kind: "idea", anonymous: true, by: w.colleague)
            t.clock.set(Self.instant("2026-03-03T10:00:00Z"))
            try await w.answer(a.id, status: "in_progress")
            t.clock.set(Self.instant("2026-03-04T10:00:00Z"))
            try await w.answer(a.id, "Valmis", status: "done")
            try await w.answer(b.id, status: "declined")
            t.clock.set(Self.instant("2026-03-05T10:00:00Z"))
            try await w.answer(a.id, "Avataan uudelleen", status: "new")
            try await w.answer(b.id, "Pelkkä kommentti")
            _ = try await w.post("Kolmas", by: w.regional)
            // Another channel's items never count here.
            _ = try await w.feedback.post(AccountID(rawValue: "B2")!, FeedbackInput(kind: "idea", body: "Muualla"), by: w.outsider)

            func counts(_ text: String) async throws -> [FeedbackStatus: Int] {
                try await t.store.feedbackCounts(in: w.account, at: Self.instant(text))
            }
            #expect(try await counts("2026-03-01T09:59:59Z") == [:])
            #expect(try await counts("2026-03-01T10:00:00Z") == [.new: 1], "an item counts from its own instant")
            #expect(try await counts("2026-03-02T12:00:00Z") == [.new: 2])
            #expect(try await counts("2026-03-03T12:00:00Z") == [.new: 1, .inProgress: 1])
            #expect(try await counts("2026-03-04T12:00:00Z") == [.done: 1, .declined: 1])
            #expect(try await counts("2026-03-05T12:00:00Z") == [.new: 2, .declined: 1], "a text-only answer leaves the status")
            // The list's counts are today's.
            #expect(try await w.feedback.list(w.account, for: w.author).counts == ["new": 2, "in_progress": 0, "done": 0, "declined": 1])
        }
    }

    @Test(arguments: Backend.all) func theAuthorEditsAndWithdrawsTheirOwnNewItemOnly(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            let item = try await w.post("Kahvinkeitin on rikki", anonymous: true)
            let start = try await t.store.head(of: w.account)
            t.clock.advance(by: 30)
            let edited = try await w.feedback.edit(w.account, item.id, FeedbackInput(kind: "idea", body: "Uusi kahvinkeitin"), by: w.author)
            #expect(edited.kind == .idea && edited.body == "Uusi kahvinkeitin" && edited.anonymous && edited.updatedAt != nil)
            let same = try await w.feedback.edit(w.account, item.id, FeedbackInput(body: "Uusi kahvinkeitin"), by: w.author)
            #expect(same == edited, "no change, no event")
            await expectKanavaError(.forbidden) { _ = try await w.feedback.edit(w.account, item.id, FeedbackInput(body: "x"), by: w.colleague) }
            await expectKanavaError(.forbidden) { _ = try await w.feedback.edit(w.account, item.id, FeedbackInput(body: "x"), by: w.director) }
            await expectKanavaError(.forbidden) { try await w.feedback.withdraw(w.account, item.id, by: w.colleague) }
            await expectKanavaError(.forbidden) { try await w.feedback.withdraw(w.account, item.id, by: w.director) }
            await expectKanavaError(.invalidInput, "anonymous: cannot be changed") {
                _ = try await w.feedback.edit(w.account, item.id, FeedbackInput(anonymous: false), by: w.author)
            }
            await expectKanavaError(.invalidInput, "body: must not be empty") {
                _ = try await w.feedback.edit(w.account, item.id, FeedbackInput(body: " \n "), by: w.author)
            }

            try await w.feedback.withdraw(w.account, item.id, by: w.author)
            await expectKanavaError(.notFound) { _ = try await w.feedback.item(w.account, item.id, for: w.director) }
            await expectKanavaError(.notFound) { try await w.feedback.withdraw(w.account, item.id, by: w.author) }
            #expect(try await w.feedback.list(w.account, for: w.director).items.isEmpty)
            #expect(try await t.store.feedbackCounts(in: w.account, at: t.clock.now()) == [:], "a withdrawn item is gone, also from the counts")

            let events = try await w.events(after: start)
            #expect(events.map(\.kind) == [.feedbackUpdated, .feedbackDeleted])
            for event in events { #expect(!String(decoding: event.payload, as: UTF8.self).contains("Mäkinen")) }
            let deleted = try JSONSerialization.jsonObject(with: events[1].payload) as? [String: Any]
            #expect(deleted?["id"] as? Int == Int(item.id.rawValue))
        }
    }

    @Test(arguments: Backend.all) func badInputAndLimitsAreRefusedAndChangeNothing(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            let head = try await t.store.head(of: w.account)
            await expectKanavaError(.invalidInput, "kind: is required") { _ = try await w.feedback.post(w.account, FeedbackInput(body: "x"), by: w.author) }
            await expectKanavaError(.invalidInput, "body: is required") { _ = try await w.feedback.post(w.account, FeedbackInput(kind: "idea"), by: w.author) }
            await expectKanavaError(.invalidInput, "kind: must be one of feedback, idea") { try await w.post("x", kind: "complaint") }
            await expectKanavaError(.invalidInput, "body: must not be empty") { try await w.post(" \r\n\t ") }
            await expectKanavaError(.invalidInput, "body: must be at most 4000 characters") { try await w.post(String(repeating: "ä", count: 4_001)) }
            await expectKanavaError(.invalidInput, "body: must not contain control characters") { try await w.post("a\u{7}b") }
            #expect(try await t.store.head(of: w.account) == head, "no event was written")
            #expect(try await w.feedback.list(w.account, for: w.director).items.isEmpty, "nothing was stored")

            let longest = try await w.post(" " + String(repeating: "ä", count: 4_000) + " ")
            #expect(longest.body.count == 4_000, "the limit applies to the trimmed text")
            let answerHead = try await t.store.head(of: w.account)
            await expectKanavaError(.invalidInput, "body: must be at most 4000") { try await w.answer(longest.id, String(repeating: "x", count: 4_001)) }
            await expectKanavaError(.invalidInput, "status: must be one of new, in_progress, done, declined") { try await w.answer(longest.id, "x", status: "closed") }
            #expect(try await t.store.head(of: w.account) == answerHead)
            #expect(try await w.feedback.item(w.account, longest.id, for: w.director).replies.isEmpty)

            await expectKanavaError(.invalidInput, "limit: must be 1–100") { _ = try await w.feedback.list(w.account, limit: 0, for: w.author) }
            await expectKanavaError(.invalidInput, "limit: must be 1–100") { _ = try await w.feedback.list(w.account, limit: 101, for: w.author) }
        }
    }

    @Test(arguments: Backend.all) func aPersonLeavesAtMostTwentyItemsAChannelInADay(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            for index in 1...19 {
                try await w.post("Palaute \(index)")
                t.clock.advance(by: 60)
            }
            t.clock.advance(by: 3600)
            try await w.post("Palaute 20")
            let head = try await t.store.head(of: w.account)
            let refused = await kanavaError { try await w.post("Palaute 21") }
            #expect(refused?.code == .rateLimited)
            #expect(refused?.message.contains("20 feedback items") == true, "\(refused?.message ?? "")")
            // The first item (posted 19 min + 1 h ago) leaves the window in 24 h minus that.
            #expect(refused?.retryAfter == 24 * 3600 - 19 * 60 - 3600)
            #expect(try await t.store.head(of: w.account) == head)
            // Others, and the same person elsewhere, are not limited by it.
            try await w.post("Toisen palaute", by: w.colleague)
            t.clock.advance(by: Double(refused?.retryAfter ?? 0))
            try await w.post("Palaute 21")
        }
    }

    /// PostgreSQL runs writes side by side: items left at the same moment still stop at the limit.
    @Test(arguments: Backend.all) func simultaneousItemsStopAtTheLimitToo(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            let refusals = await withTaskGroup(of: KanavaError.Code?.self) { group in
                for index in 1...25 {
                    group.addTask { await kanavaError { try await w.post("Palaute \(index)") }?.code }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(refusals.filter { $0 == nil }.count == 20)
            #expect(refusals.filter { $0 == .rateLimited }.count == 5)
            #expect(try await t.store.feedbackEntries(in: w.account, status: nil, before: nil, limit: 100).count == 20)
        }
    }

    @Test(arguments: Backend.all) func pagesAreNewestFirstFilteredByStatusAndBounded(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            var ids: [FeedbackID] = []
            for index in 1...7 { ids.append(try await w.post("Palaute \(index)", by: index.isMultiple(of: 2) ? w.colleague : w.author).id) }
            try await w.answer(ids[1], status: "done")
            try await w.answer(ids[4], status: "done")
            let first = try await w.feedback.list(w.account, limit: 3, for: w.author)
            #expect(first.items.map(\.id) == Array(ids.reversed().prefix(3)))
            #expect(first.hasMore && !first.canAnswer)
            let second = try await w.feedback.list(w.account, before: first.items.last?.id, limit: 3, for: w.author)
            #expect(second.items.map(\.id) == [ids[3], ids[2], ids[1]])
            let last = try await w.feedback.list(w.account, before: second.items.last?.id, limit: 3, for: w.author)
            #expect(last.items.map(\.id) == [ids[0]] && !last.hasMore)
            let done = try await w.feedback.list(w.account, status: .done, for: w.director)
            #expect(done.items.map(\.id) == [ids[4], ids[1]] && !done.hasMore && done.canAnswer)
            #expect(done.counts == ["new": 5, "in_progress": 0, "done": 2, "declined": 0])
        }
    }

    @Test(arguments: Backend.all) func aRestrictedFeedbackSectionHidesTheBoxFromOtherRoles(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            struct Restricted: SectionDirectory {
                func section(_ key: String, in account: AccountID) async throws -> SectionInfo? {
                    SectionInfo(key: key, number: 12, title: "Palaute ja ideat", restrictedTo: [.accountDirector, .regionalDirector], editableBy: [.accountDirector])
                }
            }
            let service = FeedbackService(store: t.store, access: t.kanava.access, sections: Restricted(), bus: t.kanava.bus, clock: t.clock, logger: t.kanava.logger)
            await expectKanavaError(.notFound, "section feedback") { _ = try await service.list(w.account, for: w.author) }
            await expectKanavaError(.notFound, "section feedback") { _ = try await service.post(w.account, FeedbackInput(kind: "idea", body: "x"), by: w.author) }
            _ = try await service.post(w.account, FeedbackInput(kind: "idea", body: "Aluejohtajan idea"), by: w.regional)
            let event = try #require(try await t.store.events(in: w.account, after: 0, limit: 1000).last)
            #expect(event.kind == .feedbackCreated && event.visibleTo == [.accountDirector, .regionalDirector])
        }
    }

    /// A real clock has microseconds, and the database keeps milliseconds: an item posted a fraction of a millisecond
    /// before the counts are read is counted (PostgreSQL would round its time up, past the moment of reading, if the
    /// moment were compared at a finer precision than the stored time).
    @Test(arguments: Backend.all) func anItemIsCountedAtOnceEvenWithinTheSameMillisecond(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await World.make(t)
            let second = t.clock.now().timeIntervalSince1970.rounded(.down)
            t.clock.set(Date(timeIntervalSince1970: second + 0.0006))
            try await w.post("Heti näkyviin")
            t.clock.set(Date(timeIntervalSince1970: second + 0.0008))
            let page = try await w.feedback.list(w.account, for: w.director)
            #expect(page.counts["new"] == 1)
            #expect(page.items.count == 1)
        }
    }
}
