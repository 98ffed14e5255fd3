import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// Script and HTML in everything people and the roster write stays text on every page that shows it, and the
/// Content Security Policy itself refuses inline script.
@Suite("Browser security", .serialized, Chromium.requiredOrInstalled)
struct XSSTests {
    static let account = "A7001"
    /// Each would set `window.__xss` if the page parsed it as HTML (the iframe's through its parent).
    static let img = "<img src=x onerror=\"window.__xss=1\">"
    static let script = "<script>window.__xss=2</script>"
    static let svg = "\"><svg onload=window.__xss=3>"
    static let iframe = "<iframe srcdoc=\"<script>parent.__xss=5</script>\">"
    static let hostile = img + script + svg + iframe
    /// A Markdown link whose target is script: the renderer keeps the text and drops the link.
    static let scriptLink = "[klikkaa](javascript:window.__xss=4)"

    /// Elements and attributes the payloads would make, and script links (the app itself has none of them).
    static let probe = """
        return {
          xss: window.__xss === undefined ? null : String(window.__xss),
          // What is shown as text, and what form fields hold (an editor's task or card is a form).
          text: [document.body.innerText, ...[...document.querySelectorAll('input, textarea')].map((field) => field.value)].join('\\n'),
          injected: [...document.querySelectorAll('script:not([src]), img, svg[onload], iframe, [onerror], [onload], a[href^="javascript:" i]')]
            .map((node) => node.outerHTML.slice(0, 160)),
        };
        """

    struct Probe: Decodable {
        var xss: String?
        var text: String
        var injected: [String]
    }

    struct Seeded {
        var admin: Person
        var supervisor: Person
        var threadRoot: MessageID
        var notice: NoticeID
    }

    /// A channel made by a roster sync (its name and a roster person's name carry the payloads), and every kind of
    /// text the channel holds, written through the services with the payloads in it.
    private static func seed(_ server: TestServer) async throws -> Seeded {
        let t = server.installation
        let admin = try await t.person("paakayttaja@example.fi", "Pää Käyttäjä", global: .admin)
        let director = try await t.person("johtaja@example.fi", "Johtaja")
        let supervisor = try await t.person("esimies@example.fi", "Esimies \(hostile)")
        func field(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let roster = [
            "account_id;account_name;site;city;person_email;person_name;role",
            "\(account);\(field("Asiakas \(hostile)"));;;johtaja@example.fi;Johtaja;account_director",
            "\(account);\(field("Asiakas \(hostile)"));;;esimies@example.fi;\(field("Esimies \(hostile)"));supervisor",
            "\(account);\(field("Asiakas \(hostile)"));;;rosteri@example.fi;\(field("Rosteri \(hostile)"));sales",
        ].joined(separator: "\r\n")
        _ = try await t.kanava.roster.sync(data: Data(roster.utf8), source: "laskutus.csv", by: TestInstallation.system)
        let rosterPerson = try #require(try await t.store.person(email: "rosteri@example.fi"))

        let id = try AccountID.parse(account)
        let kanava = t.kanava
        let asDirector = Principal.person(director)
        // Chat: a message, a thread reply, an edit, and a message by the person the roster made.
        let root = try await kanava.chat.send(id, MessageDraft(clientId: nil, body: "Viesti \(hostile)\n\n\(scriptLink)"), by: asDirector).message
        _ = try await kanava.chat.send(id, MessageDraft(clientId: nil, body: "Vastaus \(hostile)", threadRoot: root.id), by: .person(supervisor))
        let edited = try await kanava.chat.send(id, MessageDraft(clientId: nil, body: "Alkuperäinen"), by: .person(supervisor)).message
        _ = try await kanava.chat.edit(id, edited.id, body: "Muokattu \(hostile)", by: .person(supervisor))
        _ = try await kanava.chat.send(id, MessageDraft(clientId: nil, body: "Rosterin viesti"), by: .person(rosterPerson))
        // A section page, a file whose name and a link whose title carry the payloads.
        _ = try await kanava.sections.save(id, key: "contracts", body: "Perustiedot \(hostile)\n\n\(scriptLink)", baseRevision: 0, by: asDirector)
        let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".utf8)
        _ = try await kanava.documents.addFile(id, section: "contracts", DocumentInput(), file: FileInput(name: "\(img)\(svg).pdf", contentType: "application/pdf", length: pdf.count),
                                               content: AsyncStream<Data> { $0.yield(pdf); $0.finish() }, by: asDirector)
        _ = try await kanava.documents.addLink(id, section: "contracts", DocumentInput(title: "Linkki \(hostile)"), url: "https://intra.example/ohje", by: asDirector)
        // An urgent notice, acknowledged by the supervisor (their name shows in the acknowledgement view).
        let notice = try await kanava.notices.post(id, NoticeDraft(clientId: nil, priority: "urgent", title: "Tiedote \(hostile)", body: "Runko \(hostile)\n\n\(scriptLink)",
                                                                   expiresAt: nil), by: asDirector).notice
        _ = try await kanava.notices.acknowledge(id, notice.id, by: .person(supervisor))
        _ = try await kanava.memos.create(id, MemoInput(title: "Muistio \(hostile)", meetingDate: "2026-01-15", participants: ["Osallistuja \(hostile)"],
                                                        body: "Muistion runko \(hostile)"), by: asDirector)
        let bucket = try await kanava.planner.createBucket(id, name: "Sarake \(hostile)", by: asDirector)
        _ = try await kanava.planner.createTask(id, PlannerTaskInput(bucket: bucket.id, title: "Tehtävä \(hostile)",
                                                                     checklist: [PlannerChecklistInput(text: "Kohta \(hostile)")]), by: asDirector)
        _ = try await kanava.feedback.post(id, FeedbackInput(kind: "feedback", body: "Palaute \(hostile)", anonymous: false), by: .person(supervisor))
        let today = LocalDate.inHelsinki(server.clock.now())
        _ = try await kanava.annualClock.create(id, ClockEventInput(title: "Tapahtuma \(hostile)", kind: "user_survey", owner: "supervisor",
                                                                    start: "\(today.year)-05-05"), by: asDirector)
        let month = CardMonth.containing(today).description
        _ = try await kanava.qualityCards.save(id, month: month, QualityCardInput(status: "red", summary: "Yhteenveto \(hostile)"), by: asDirector)
        _ = try await kanava.qualityCards.submit(id, month: month, version: 1, by: asDirector)
        return Seeded(admin: admin, supervisor: supervisor, threadRoot: root.id, notice: notice.id)
    }

    /// Waits until the page shows every text in `visible` (as text), then checks that nothing of the payloads
    /// became an element and no payload script ran.
    private func expectInert(_ browser: WebDriver, _ page: String, showing visible: [String]) async throws {
        try await waitFor("\(page) showing \(visible)", read: {
            try await browser.executeScript(Self.probe, as: Probe.self)
        }, until: { probe in visible.allSatisfy { probe.text.contains($0) } })
        // An image that fails to load reports it a moment later: look again after it had the time.
        try await Task.sleep(for: .milliseconds(300))
        let probe = try await browser.executeScript(Self.probe, as: Probe.self)
        #expect(probe.xss == nil, "\(page): a payload ran (window.__xss = \(probe.xss ?? ""))")
        #expect(probe.injected.isEmpty, "\(page): \(probe.injected)")
    }

    @Test func payloadsInEveryTextStayTextOnEveryPage() async throws {
        try await withServer { server in
            let seeded = try await Self.seed(server)
            let hostile = Self.hostile
            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(seeded.admin.email)
                try await expectInert(browser, "the account list", showing: ["Asiakas \(hostile)"])

                let channel = "#/accounts/\(Self.account)"
                try await browser.navigate(to: shell.url("\(channel)/contracts"))
                try await expectInert(browser, "the contracts page", showing: [
                    "Asiakas \(hostile)", "Perustiedot \(hostile)", "klikkaa", "Linkki \(hostile)", Self.img + Self.svg,
                ])
                try await browser.navigate(to: shell.url(channel))
                try await expectInert(browser, "the channel's members", showing: ["Esimies \(hostile)", "Rosteri \(hostile)"])

                try await browser.navigate(to: shell.url("\(channel)/chat"))
                try await expectInert(browser, "the chat", showing: ["Viesti \(hostile)", "klikkaa", "Muokattu \(hostile)", "Esimies \(hostile)",
                                                                     "Rosteri \(hostile)", "Rosterin viesti"])
                try await browser.navigate(to: shell.url("\(channel)/thread/\(seeded.threadRoot)"))
                try await expectInert(browser, "the thread", showing: ["Viesti \(hostile)", "Vastaus \(hostile)"])

                try await browser.navigate(to: shell.url("\(channel)/notices"))
                try await expectInert(browser, "the notices", showing: ["Tiedote \(hostile)", "Runko \(hostile)", "klikkaa"])
                try await browser.click(browser.find("#notice-list li[data-notice-id=\"\(seeded.notice)\"] [data-action=\"status\"]"))
                try await waitFor("the acknowledgement view") {
                    try await browser.exists("#notice-status-\(seeded.notice) [data-person-id=\"\(seeded.supervisor.id)\"]")
                }
                try await expectInert(browser, "the acknowledgement view", showing: ["Esimies \(hostile)"])

                try await browser.navigate(to: shell.url("#/search?q=Vastaus"))
                try await expectInert(browser, "the search results", showing: ["Vastaus \(Self.img)", "Asiakas \(hostile)"])

                try await browser.navigate(to: shell.url("\(channel)/planner"))
                try await expectInert(browser, "the planner", showing: ["Sarake \(hostile)", "Tehtävä \(hostile)"])
                try await browser.click(browser.find("[data-task-id] [data-action=\"open\"]"))
                try await expectInert(browser, "a planner task", showing: ["Kohta \(hostile)"])

                try await browser.navigate(to: shell.url("\(channel)/memos"))
                try await expectInert(browser, "the memos", showing: ["Muistio \(hostile)"])
                try await browser.navigate(to: shell.url("\(channel)/feedback"))
                try await expectInert(browser, "the feedback", showing: ["Palaute \(hostile)"])
                try await browser.navigate(to: shell.url("\(channel)/annual-clock"))
                try await waitFor("the clock's list view button") { try await browser.exists("#clock-view-list") }
                try await browser.click(browser.find("#clock-view-list"))
                try await expectInert(browser, "the annual clock", showing: ["Tapahtuma \(hostile)"])
                try await browser.navigate(to: shell.url("\(channel)/quality-card"))
                try await expectInert(browser, "the quality card", showing: ["Yhteenveto \(hostile)"])
                try await browser.navigate(to: shell.url("#/board"))
                try await expectInert(browser, "the board overview", showing: ["Asiakas \(hostile)", "Yhteenveto \(hostile)"])

                try await browser.navigate(to: shell.url("#/admin/roster"))
                try await waitFor("the roster history") { try await browser.exists("#roster-history li button") }
                try await browser.click(browser.find("#roster-history li button"))
                try await expectInert(browser, "the roster sync's changes", showing: ["Asiakas \(hostile)", "rosteri@example.fi"])
                try await expectNoScriptErrors(browser)
            }
        }
    }

    @Test func theContentSecurityPolicyRefusesInlineScript() async throws {
        try await withServer { server in
            let admin = try await server.installation.person("paakayttaja@example.fi", "Pää Käyttäjä", global: .admin)
            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(admin.email)
                try await expectNoScriptErrors(browser)
                // A script element added by script (as an injection that got past the views would be) is refused.
                let ran = try await browser.executeScript("""
                    const element = document.createElement('script');
                    element.textContent = 'window.__csp = 1';
                    document.body.append(element);
                    return window.__csp !== undefined;
                    """, as: Bool.self)
                #expect(!ran)
                let refusals = try await waitFor("the CSP violation in the console", read: {
                    try await browser.browserLog().filter { $0.message.contains("Content Security Policy") }
                }, until: { !$0.isEmpty })
                #expect(refusals.contains { $0.message.contains("script-src") }, "\(refusals.map(\.message))")
                #expect(try await browser.executeScript("return window.__csp === undefined", as: Bool.self))
            }
        }
    }
}
