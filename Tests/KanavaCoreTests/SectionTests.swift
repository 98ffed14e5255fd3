import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

@Suite struct TemplateTests {
    @Test func theShippedTemplateIsTheSpecsTableOfContents() throws {
        let toc = try TableOfContents.load(path: TestInstallation.repositoryRoot.appendingPathComponent("config/toc.yaml").path)
        #expect(toc.sections.map(\.number) == Array(1...13))
        #expect(toc.sections.first?.title == "Asiakkuuden perustiedot")
        let billing = try #require(toc.sections.last)
        #expect(billing.key == "billing")
        #expect(billing.restrictedTo == [.accountDirector, .regionalDirector, .sales])
    }

    @Test func invalidTemplatesNameTheLineAndProblem() {
        func problem(_ yaml: String) -> ConfigError? {
            do { _ = try TableOfContents.parse(yaml, file: "toc.yaml"); return nil } catch { return error }
        }
        let duplicate = problem("sections:\n  - key: a\n    number: 1\n    title: A\n  - key: b\n    number: 1\n    title: B\n")
        #expect(duplicate?.line == 6)
        #expect(duplicate?.problem == "1 is already used by the section on line 2")
        let role = problem("sections:\n  - key: a\n    number: 1\n    title: A\n    restricted_to: [boss]\n")
        #expect(role?.key == "sections[0].restricted_to")
        #expect(role?.line == 5)
        #expect(role?.problem.contains("'boss' is not a role") == true)
        let title = problem("sections:\n  - key: a\n    number: 1\n")
        #expect(title?.key == "sections[0].title")
        #expect(title?.problem == "is required")
        #expect(problem("sections:\n  - key: a\n    number: 1\n    title: A\n    colour: red\n")?.problem == "unknown field")
        #expect(problem("sections: []\n")?.key == "sections")
    }

    @Test(arguments: Backend.all) func newChannelsGetTheTemplateAndChangesReachExistingOnesWithoutLosingText(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await t.account("A1", "Östra")
            let id = try AccountID.parse("A1")
            #expect(try await t.store.sections(of: id).map(\.number) == Array(1...13))
            _ = try await t.kanava.sections.save(id, key: "contracts", body: "Sopimus 2024", baseRevision: 0, by: TestInstallation.system)
            let custom = try await t.kanava.sections.addCustom(id, title: "Työmaat", by: TestInstallation.system)
            #expect(custom.number == 14)

            // The template renames a section, adds one, drops one, and renumbers.
            var toc = t.kanava.templates.toc
            toc.sections = toc.sections.filter { $0.key != "webinars" }
            toc.sections[1].title = "Sopimukset ja liitteet"
            toc.sections.append(TemplateSection(key: "safety", number: 14, title: "Työturvallisuus", titleEn: nil, required: true,
                                                mustRead: true, restrictedTo: nil, editableBy: [.accountDirector]))
            let changed = try await t.store.applyTemplate(toc, to: nil, at: Date()).value
            #expect(changed.first?.added == ["safety"])
            #expect(changed.first?.retired == ["webinars"])
            let sections = try await t.store.sections(of: id)
            let contracts = try #require(sections.first { $0.key == "contracts" })
            #expect(contracts.title == "Sopimukset ja liitteet")
            #expect(contracts.revision == 1)
            #expect(try await t.store.revision(1, of: "contracts", in: id)?.body == "Sopimus 2024")
            #expect(sections.first { $0.key == "webinars" }?.inTemplate == false)  // kept
            #expect(sections.first { $0.key == custom.key }?.number == 15)  // still after the template's
            // Applying again changes nothing.
            #expect(try await t.store.applyTemplate(toc, to: nil, at: Date()).value.isEmpty)
        }
    }

    /// PostgreSQL runs writes side by side: custom sections added at the same moment each get a key and a number of their
    /// own, and of saves on the same revision exactly one is stored.
    @Test(arguments: Backend.all) func simultaneousWritesToOneChannelTakeTurns(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await t.account("A1", "Östra")
            let id = try AccountID.parse("A1")
            let added = try await withThrowingTaskGroup(of: Section.self) { group in
                for index in 1...8 {
                    group.addTask { try await t.kanava.sections.addCustom(id, title: "Oma \(index)", by: TestInstallation.system) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(added.map(\.key)).count == 8)
            #expect(added.map(\.number).sorted() == Array(14...21))
            let saved = await withTaskGroup(of: Bool.self) { group in
                for index in 1...6 {
                    group.addTask {
                        let saved = try? await t.kanava.sections.save(id, key: "contracts", body: "Versio \(index)", baseRevision: 0,
                                                                      by: TestInstallation.system)
                        return saved != nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(saved == 1)
            #expect(try await t.store.revisions(of: "contracts", in: id).count == 1)
        }
    }

    @Test(arguments: Backend.all) func requiredSectionsCannotBeSwitchedOffOptionalOnesCanAndDriftSaysSo(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await t.account("A1", "Östra")
            let id = try AccountID.parse("A1")
            await #expect(throws: KanavaError.self) { try await t.kanava.sections.setInUse(id, key: "contracts", inUse: false, by: TestInstallation.system) }
            _ = try await t.kanava.sections.setInUse(id, key: "webinars", inUse: false, by: TestInstallation.system)
            let drift = try await t.kanava.templates.drift()
            #expect(drift.first?.account == id)
            #expect(drift.first?.notes == ["not used: 9 Webinaarit"])
        }
    }
}

@Suite struct SectionPageTests {
    private func setUp(_ t: TestInstallation) async throws -> (AccountID, director: Person, supervisor: Person, sales: Person) {
        let director = try await t.person("johtaja@example.fi", "Jaana Järvinen")
        let supervisor = try await t.person("esimies@example.fi", "Ville Öhman")
        let sales = try await t.person("myynti@example.fi", "Sanna Åberg")
        try await t.account("A1", "Östra")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "esimies@example.fi", .supervisor)
        try await t.member("A1", "myynti@example.fi", .sales)
        return (try AccountID.parse("A1"), director, supervisor, sales)
    }

    @Test(arguments: Backend.all) func revisionsHistoryDiffAndConflicts(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let (id, director, supervisor, _) = try await setUp(t)
            let sections = t.kanava.sections
            _ = try await sections.save(id, key: "overview", body: "Kohteet\nOulu", baseRevision: 0, by: .person(director))
            _ = try await sections.save(id, key: "overview", body: "Kohteet\nOulu\nVaasa", baseRevision: 1, by: .person(director))
            // Someone who opened revision 1 cannot overwrite revision 2.
            let conflict = try await #require(throws: KanavaError.self) {
                try await sections.save(id, key: "overview", body: "Vanha", baseRevision: 1, by: .person(director))
            }
            #expect(conflict.code == .conflict)
            await #expect(throws: KanavaError.forbidden) {
                try await sections.save(id, key: "overview", body: "x", baseRevision: 2, by: .person(supervisor))
            }
            let history = try await sections.history(id, key: "overview", for: .person(supervisor))
            #expect(history.map(\.revision) == [2, 1])
            #expect(history.first?.author?.name == "Jaana Järvinen")
            let diff = try await sections.diff(id, key: "overview", from: 1, to: 2, for: .person(supervisor)).lines
            #expect(diff == [DiffLine(kind: .same, text: "Kohteet"), DiffLine(kind: .same, text: "Oulu"), DiffLine(kind: .added, text: "Vaasa")])
            await #expect(throws: KanavaError.self) { try await sections.diff(id, key: "overview", from: 1, to: 9, for: .person(director)) }
            await #expect(throws: KanavaError.invalid("body", "must be at most 200000 characters")) {
                try await sections.save(id, key: "overview", body: String(repeating: "x", count: 200_001), baseRevision: 2, by: .person(director))
            }
            #expect(try await t.store.storedSection("overview", in: id)?.revision == 2)

            // A replaced line reads as the old one removed, then the new one added.
            _ = try await sections.save(id, key: "overview", body: "Kohteet\nOulu\nVaasa 2", baseRevision: 2, by: .person(director))
            #expect(try await sections.diff(id, key: "overview", from: 2, to: 3, for: .person(supervisor)).lines.suffix(2)
                    == [DiffLine(kind: .removed, text: "Vaasa"), DiffLine(kind: .added, text: "Vaasa 2")])
        }
    }

    @Test(arguments: Backend.all) func aSwitchedOffSectionIsNotFoundForMembersButNotForTheDirector(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let (id, director, supervisor, _) = try await setUp(t)
            _ = try await t.kanava.sections.setInUse(id, key: "webinars", inUse: false, by: .person(director))
            await #expect(throws: KanavaError.notFound("section webinars")) { try await t.kanava.sections.page(id, key: "webinars", for: .person(supervisor)) }
            #expect(try await t.kanava.sections.page(id, key: "webinars", for: .person(director)).section.inUse == false)
        }
    }

    @Test(arguments: Backend.all) func aRestrictedSectionIsInvisibleInListsPagesAndEvents(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let (id, director, supervisor, sales) = try await setUp(t)
            let sections = t.kanava.sections
            #expect(try await sections.list(id, for: .person(supervisor)).contains { $0.key == "billing" } == false)
            #expect(try await sections.list(id, for: .person(sales)).contains { $0.key == "billing" })
            await #expect(throws: KanavaError.notFound("section billing")) { try await sections.page(id, key: "billing", for: .person(supervisor)) }
            await #expect(throws: KanavaError.notFound("section billing")) { try await sections.history(id, key: "billing", for: .person(supervisor)) }
            _ = try await sections.save(id, key: "billing", body: "Laskutus 1,2 M€", baseRevision: 0, by: .person(director))
            let event = try #require(try await t.store.events(in: id, after: 0, limit: 100).last)
            #expect(event.kind == .sectionUpdated)
            #expect(event.visibleTo == [.accountDirector, .regionalDirector, .sales])
            let supervisorLog = try await t.kanava.events.page(id, after: 0, limit: 100, for: .person(supervisor)).events
            #expect(!supervisorLog.contains { $0.kind == .sectionUpdated })
            #expect(try await sections.page(id, key: "billing", for: .person(sales)).html.contains("Laskutus"))
        }
    }

    @Test(arguments: Backend.all) func mustReadIsOpenForEveryMemberUntilConfirmedAndReopensOnANewRevision(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let (id, director, supervisor, _) = try await setUp(t)
            let sections = t.kanava.sections
            // Nothing to read yet: nothing open.
            #expect(try await t.kanava.accounts.list(for: .person(supervisor)).first?.openMustReads == 0)
            _ = try await sections.save(id, key: "onboarding", body: "Perehdytys", baseRevision: 0, by: .person(director))
            #expect(try await t.kanava.accounts.list(for: .person(supervisor)).first?.openMustReads == 1)
            #expect(try await sections.page(id, key: "onboarding", for: .person(supervisor)).mustConfirm)

            try await sections.confirm(id, key: "onboarding", revision: 1, by: .person(supervisor))
            #expect(try await t.kanava.accounts.list(for: .person(supervisor)).first?.openMustReads == 0)
            await #expect(throws: KanavaError.self) { try await sections.confirm(id, key: "onboarding", revision: 7, by: .person(supervisor)) }
            await #expect(throws: KanavaError.self) { try await sections.confirm(id, key: "contracts", revision: 0, by: .person(supervisor)) }
            var status = try await sections.readers(id, key: "onboarding", by: .person(director))
            // The author has read what they wrote.
            #expect(status.confirmed.map(\.person.name) == ["Jaana Järvinen", "Ville Öhman"])
            #expect(status.pending.map(\.name) == ["Sanna Åberg"])
            await #expect(throws: KanavaError.forbidden) { try await sections.readers(id, key: "onboarding", by: .person(supervisor)) }

            // A new revision reopens it; a member who joins later has it open too.
            _ = try await sections.save(id, key: "onboarding", body: "Perehdytys v2", baseRevision: 1, by: .person(director))
            #expect(try await t.kanava.accounts.list(for: .person(supervisor)).first?.openMustReads == 1)
            let newcomer = try await t.person("uusi@example.fi", "Uusi Esimies")
            try await t.member("A1", "uusi@example.fi", .supervisor)
            #expect(try await t.kanava.accounts.list(for: .person(newcomer)).first?.openMustReads == 1)
            status = try await sections.readers(id, key: "onboarding", by: .person(director))
            #expect(status.confirmed.map(\.person.name) == ["Jaana Järvinen"])
            #expect(status.pending.count == 3)
        }
    }
}

@Suite struct MarkdownSafetyTests {
    let renderer = MarkdownRenderer()

    @Test func markdownRenders() {
        let html = renderer.html("# Otsikko\n\n**Tärkeä** ja [linkki](https://example.fi/a?b=1&c=2)\n\n- yksi\n- kaksi")
        #expect(html.contains("<h1>Otsikko</h1>"))
        #expect(html.contains("<strong>Tärkeä</strong>"))
        #expect(html.contains(#"<a href="https://example.fi/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">linkki</a>"#))
        #expect(html.contains("<li>yksi</li>"))
    }

    @Test func scriptsHandlersAndDangerousLinksComeOutInert() {
        let payloads = [
            "<script>alert(1)</script>",
            "text <script>alert(1)</script> more",
            "<img src=x onerror=alert(1)>",
            "inline <img src=x onerror=\"alert(1)\"> here",
            "<div onclick=\"alert(1)\">click</div>",
            "[click](javascript:alert(1))",
            "[click](JavaScript:alert(1))",
            "[click]( javascript:alert(1))",
            "[click](java\tscript:alert(1))",
            "[click](data:text/html;base64,PHNjcmlwdD4=)",
            "[click](vbscript:msgbox)",
            "[x](https://ok.fi\" onmouseover=\"alert(1))",
            "![x](javascript:alert(1))",
            "![x\" onerror=\"alert(1)](https://e.fi/a.png)",
            "```js\" onmouseover=\"alert(1)\nconsole.log(1)\n```",
            "<svg/onload=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "`<script>` in code",
        ]
        for payload in payloads {
            let html = renderer.html(payload).lowercased()
            #expect(!html.contains("<script"), "\(payload) → \(html)")
            #expect(!html.contains("<img"), "\(payload) → \(html)")
            #expect(!html.contains("<svg"), "\(payload) → \(html)")
            #expect(!html.contains("<iframe"), "\(payload) → \(html)")
            #expect(!html.contains("javascript:") || !html.contains("href=\"javascript"), "\(payload) → \(html)")
            #expect(!html.contains("href=\"java"), "\(payload) → \(html)")
            #expect(!html.contains("href=\"data:") && !html.contains("href=\"vbscript"), "\(payload) → \(html)")
            #expect(html.range(of: #"<[a-z]+[^>]*\son[a-z]+="#, options: .regularExpression) == nil, "\(payload) → \(html)")
            #expect(!html.contains("class=\"language-"), "\(payload) → \(html)")
        }
        #expect(renderer.html("<script>alert(1)</script>").contains("&lt;script&gt;"))
        #expect(renderer.html("[mail](mailto:a@b.fi)").contains(#"href="mailto:a@b.fi""#))
    }
}
