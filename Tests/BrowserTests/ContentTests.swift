import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The channel's content in headless Chromium against a live server: the table of contents, a section's text,
/// editing (with a conflict), history and diff, must-read confirmation and "who has read", pinned documents
/// (a contract; a file whose bytes are not what its name says) and memos, on a desktop and on a phone.
///
/// Serialized: one Chromium (two in the first test) at a time, so that the browser suites running in parallel on a
/// small machine do not starve each other's browser start-up.
@Suite("Browser content", .serialized, Chromium.requiredOrInstalled)
struct ContentTests {
    static let account = "A6001"
    static let accountName = "Östra kiinteistö Ab"

    /// A director and a supervisor in one account (its sections come from `config/toc.yaml`).
    static func setUp(_ server: TestServer) async throws -> (director: Person, supervisor: Person) {
        let installation = server.installation
        let director = try await installation.person("aino.virtanen@example.fi", "Aino Virtanen")
        let supervisor = try await installation.person("ville.makinen@example.fi", "Ville Mäkinen")
        try await installation.account(account, accountName, start: "2024-03-01")
        try await installation.member(account, director.email, .accountDirector)
        try await installation.member(account, supervisor.email, .supervisor)
        return (director, supervisor)
    }

    @Test func directorEditsAMustReadSectionAndSeesWhoHasReadIt() async throws {
        try await withServer { server in
            let (director, supervisor) = try await Self.setUp(server)
            let text = "Lue turvallisuusohje ennen ensimmäistä vuoroa."

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ContentPage(browser: browser)
                try await page.signInAndOpen(shell, director.email)

                // The whole table of contents, in order, billing included for the director; section 1 first.
                let keys = try await page.tocKeys()
                #expect(keys.first == "overview")
                #expect(keys.count == 13)
                #expect(keys.contains("billing"))
                try await page.waitForSection("overview")
                #expect(try await browser.exists("#channel-content .member-list li"), "the overview shows the members")

                try await page.openSection("contracts")
                #expect(try await page.sectionTitle().contains("Sopimukset"))
                #expect(try await browser.executeScript("return location.hash", as: String.self) == "#/accounts/\(Self.account)/contracts")
                try await page.openSection("onboarding")
                #expect(try await page.sectionTitle().contains("Perehdytys ja koulutus"))

                // Edit and save: the text shows, as revision 1; the author has nothing left to confirm.
                try await page.click("#section-edit")
                let editor = try await browser.find("#section-editor")
                try await browser.sendKeys("# Perehdytys\n\n\(text)\n\n- Kulkukortti haetaan vartiosta", to: editor)
                try await page.click("#section-save")
                try await waitFor("the saved text", read: { try await browser.text(of: browser.find("#section-body")) }, until: { $0.contains(text) })
                #expect(try await browser.text(of: browser.find("#section-body h1")) == "Perehdytys")
                #expect(try await browser.text(of: browser.find("#section-meta")).hasPrefix("Versio 1 · Aino Virtanen"))
                #expect(try await !browser.exists("#section-must-read"))
                try await waitFor("no to-do for the author") { try await !browser.exists("#toc [data-section-key=\"onboarding\"][data-open]") }

                // "Who has read": the supervisor is still pending.
                try await page.click("#section-readers-toggle")
                try await waitFor("the supervisor pending") {
                    try await browser.exists("#section-readers li[data-state=\"pending\"][data-person-id=\"\(supervisor.id)\"]")
                }
                try await browser.saveScreenshot("content-desktop-director-section")

                // The supervisor, in a second browser: one must-read to do, no billing, no editing.
                try await withBrowser(.desktop) { second in
                    let shell2 = ShellPage(browser: second, port: server.port)
                    let page2 = ContentPage(browser: second)
                    try await shell2.signInFromStart(supervisor.email, expecting: [Self.account])
                    let badge = try await second.find("#account-list [data-account-id=\"\(Self.account)\"] [data-open-must-reads]")
                    #expect(try await second.attribute("data-open-must-reads", of: badge) == "1")
                    #expect(try await second.text(of: badge) == "1 luettava")
                    try await shell2.openAccount(Self.account)
                    try await shell2.waitForChannel(titled: Self.accountName)

                    let supervisorKeys = try await page2.tocKeys()
                    #expect(supervisorKeys.count == 12)
                    #expect(!supervisorKeys.contains("billing"))
                    try await waitFor("the to-do mark") { try await second.exists("#toc [data-section-key=\"onboarding\"][data-open=\"true\"]") }
                    #expect(try await second.exists("#toc [data-section-key=\"onboarding\"][data-must-read]"))

                    try await page2.openSection("onboarding")
                    try await waitFor("the must-read banner") { try await second.exists("#section-must-read") }
                    #expect(try await second.text(of: second.find("#section-must-read")).contains("Lue ja kuittaa"))
                    #expect(try await second.text(of: second.find("#section-body")).contains(text))
                    #expect(try await !second.exists("#section-edit"))
                    #expect(try await !second.exists("#section-readers-toggle"))
                    try await second.saveScreenshot("content-desktop-supervisor-must-read")

                    try await page2.click("#section-confirm")
                    try await waitFor("the confirmation") { try await second.exists("#section-confirmed") }
                    #expect(try await second.text(of: second.find("#section-confirmed")).contains("Luettu"))
                    #expect(try await !second.exists("#section-must-read"))
                    try await waitFor("the to-do mark gone") { try await !second.exists("#toc [data-section-key=\"onboarding\"][data-open]") }

                    // A deep link to billing: not there for a supervisor.
                    try await second.navigate(to: "http://127.0.0.1:\(server.port)/#/accounts/\(Self.account)/billing")
                    try await shell2.waitForView("channel")
                    try await waitFor("billing not found") { try await second.exists("#section-missing") }
                }

                // The director's open "who has read" list follows live.
                try await waitFor("the supervisor confirmed") {
                    try await browser.exists("#section-readers li[data-state=\"confirmed\"][data-person-id=\"\(supervisor.id)\"]")
                }
                let confirmed = try await browser.text(of: browser.find("#section-readers .readers-confirmed"))
                #expect(confirmed.contains(supervisor.name))
                #expect(try await !shell.scrollsHorizontally())
            }
        }
    }

    @Test func historyDiffAndAConflictThatKeepsTheText() async throws {
        try await withServer { server in
            let (director, _) = try await Self.setUp(server)
            let sections = server.kanava.sections
            let id = try AccountID.parse(Self.account)
            _ = try await sections.save(id, key: "services", body: "Siivous arkisin.\nIkkunat kerran vuodessa.", baseRevision: 0, by: .person(director))
            _ = try await sections.save(id, key: "services", body: "Siivous arkisin.\nIkkunat kahdesti vuodessa.\nLumityöt sopimuksen mukaan.",
                                        baseRevision: 1, by: .person(director))

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ContentPage(browser: browser)
                try await page.signInAndOpen(shell, director.email, section: "services")
                try await waitFor("revision 2") { try await browser.text(of: browser.find("#section-meta")).hasPrefix("Versio 2") }

                // History: tick both revisions; the diff marks lines added and removed, with signs.
                try await page.click("#section-history-toggle")
                try await waitFor("two revisions") { try await browser.findAll("#section-history li[data-revision]").count == 2 }
                try await page.click("#section-history li[data-revision=\"1\"] input")
                try await page.click("#section-history li[data-revision=\"2\"] input")
                try await waitFor("the diff") { try await browser.exists("#section-diff li[data-kind=\"added\"]") }
                let added = try await page.diffLines("added")
                let removed = try await page.diffLines("removed")
                #expect(added == ["+Ikkunat kahdesti vuodessa.", "+Lumityöt sopimuksen mukaan."])
                #expect(removed == ["−Ikkunat kerran vuodessa."])
                #expect(try await page.diffLines("same") == ["Siivous arkisin."])
                try await browser.saveScreenshot("content-desktop-history-diff")

                // Someone saves while the director edits: the save is refused, the typed text stays, and after
                // loading the newest revision the save goes through.
                try await page.click("#section-edit")
                let editor = try await browser.find("#section-editor")
                try await browser.sendKeys(Key.control + ContentPage.end + Key.releaseModifiers + "\nMattopesu keväisin.", to: editor)
                _ = try await sections.save(id, key: "services", body: "Siivous arkisin ja lauantaisin.", baseRevision: 2, by: .person(director))
                try await waitFor("the newer-revision notice") { try await browser.exists("#section-newer") }
                try await page.click("#section-save")
                try await waitFor("the conflict") { try await browser.exists("#section-conflict") }
                let kept = try await browser.property("value", of: browser.find("#section-editor"), as: String.self)
                #expect(kept.hasSuffix("Mattopesu keväisin."))
                try await browser.saveScreenshot("content-desktop-conflict")
                try await page.click("#section-load-latest")
                try await waitFor("the newest revision's changes") { try await browser.exists(".stale-loaded .diff-lines") }
                #expect(try await browser.property("value", of: browser.find("#section-editor"), as: String.self) == kept)
                try await page.click("#section-save")
                try await waitFor("revision 4") { try await browser.text(of: browser.find("#section-meta")).hasPrefix("Versio 4") }
                // The page text is drawn again once the editor closes, which may come just after the meta line.
                try await waitFor("the saved text", read: { try await browser.innerText("#section-body") }, until: { $0.contains("Mattopesu keväisin.") })
                let stored = try await sections.page(id, key: "services", for: .person(director))
                #expect(stored.current?.body == kept)
            }
        }
    }

    @Test func directorPinsAContractAndAFileThatLiesIsRefused() async throws {
        try await withServer { server in
            let (director, _) = try await Self.setUp(server)
            let pdf = try TempFile(Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".utf8), name: "Palvelusopimus 2025.pdf")
            defer { pdf.remove() }
            let png = try TempFile(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1]),
                                   name: "liite.pdf")
            defer { png.remove() }

            // Markup in the section's text and in a document's title stays text (the server sanitises the one, the
            // page never parses the other).
            let hostile = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=1</script>"
            let id = try AccountID.parse(Self.account)
            _ = try await server.kanava.sections.save(id, key: "contracts", body: "Sopimukset \(hostile)\n\n[ohje](javascript:window.__pwned=1)",
                                                      baseRevision: 0, by: .person(director))
            _ = try await server.kanava.documents.addLink(id, section: "contracts", DocumentInput(title: "Hinnasto \(hostile)"),
                                                          url: "https://intra.example/hinnasto", by: .person(director))

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ContentPage(browser: browser)
                try await page.signInAndOpen(shell, director.email, section: "contracts")
                try await waitFor("the add button") { try await browser.exists("#document-add") }
                try await waitFor("the link") { try await browser.exists("#documents [data-document-id] a[target=\"_blank\"]") }
                #expect(try await browser.text(of: browser.find("#section-body")).contains(hostile))
                #expect(try await browser.text(of: browser.find("#documents a.document-title")).hasPrefix("Hinnasto \(hostile)"))
                #expect(try await browser.attribute("rel", of: browser.find("#documents a.document-title")) == "noopener noreferrer")
                #expect(try await browser.executeScript("return document.body.querySelectorAll('img, script, a[href^=\"javascript\"]').length", as: Int.self) == 0)
                #expect(try await browser.executeScript("return window.__pwned === undefined", as: Bool.self))
                let links = "#documents [data-document-id][data-kind=\"general\"]"
                #expect(try await browser.findAll(links).count == 1)

                try await page.click("#document-add")
                try await browser.sendKeys(pdf.url.path, to: browser.find("#document-file"))
                try await page.click("#document-kind option[value=\"contract\"]")
                #expect(try await browser.isDisplayed(browser.find("#document-valid-from")))
                let today = try await browser.property("value", of: browser.find("#document-valid-from"), as: String.self)
                #expect(today.count == 10, "valid from defaults to today")
                try await page.click("#document-upload")

                // (The list is redrawn when the server's event arrives: every read finds the item afresh.)
                let item = "#documents [data-document-id][data-kind=\"contract\"]"
                try await waitFor("the contract in the list") { try await browser.findAll(item).count == 1 }
                let status = try await waitFor("its status", read: { try await browser.attribute("data-status", of: browser.find(item)) }, until: { $0 != nil })
                #expect(status == "in_force")
                let shown = try await waitFor("its text", read: { try await browser.text(of: browser.find(item)) }, until: { !$0.isEmpty })
                #expect(shown.contains("Palvelusopimus 2025"))
                #expect(shown.contains("Voimassa"))
                #expect(shown.contains("toistaiseksi"))
                let link = try await waitFor("its link", read: { try await browser.attribute("href", of: browser.find("\(item) a.document-title")) },
                                             until: { $0 != nil })
                #expect(link?.hasSuffix("/versions/1/download") == true)
                let stored = try await server.kanava.documents.list(try AccountID.parse(Self.account), section: "contracts", for: .person(director))
                #expect(stored.documents.map(\.status) == [.inForce, nil], "the contract in force first, then the link")
                #expect(stored.documents.first?.latest.file?.contentType == "application/pdf")

                // Its versions unfold.
                try await page.click("\(item) [data-action=\"versions\"]")
                try await waitFor("version 1") { try await browser.exists("\(item) .version-list li[data-version=\"1\"] a") }
                _ = try await browser.executeScript("document.querySelector('#documents').scrollIntoView({ block: 'center' }); return true", as: Bool.self)
                try await browser.saveScreenshot("content-desktop-document-list")

                // A PNG named .pdf: refused, said in words, nothing pinned.
                try await page.click("#document-add")
                try await browser.sendKeys(png.url.path, to: browser.find("#document-file"))
                try await page.click("#document-upload")
                let error = try await waitFor("the refusal", read: { try await browser.text(of: browser.find("#document-error")) }, until: { !$0.isEmpty })
                #expect(error.contains("liite.pdf"))
                #expect(error.contains("ei hyväksytty"))
                #expect(try await browser.isDisplayed(browser.find("#document-error")))
                #expect(try await browser.findAll("#documents [data-document-id]").count == 2)
                #expect(try await !shell.scrollsHorizontally())
                let violations = try await browser.browserLog().filter { $0.message.contains("Content Security Policy") }
                #expect(violations.isEmpty, "\(violations.map(\.message))")
                try await browser.saveScreenshot("content-desktop-documents")
            }
        }
    }

    @Test func directorWritesAMemoThatComesFirst() async throws {
        try await withServer { server in
            let (director, _) = try await Self.setUp(server)
            let old = try await server.kanava.memos.create(try AccountID.parse(Self.account),
                                                           MemoInput(title: "Ohjausryhmä 1/2024", meetingDate: "2024-01-15", participants: ["Aino Virtanen"]),
                                                           by: .person(director))
            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ContentPage(browser: browser)
                try await page.signInAndOpen(shell, director.email, section: "memos")
                try await waitFor("the old memo") { try await page.memoIDs() == ["\(old.id)"] }

                try await page.click("#memo-new")
                try await browser.sendKeys("Kehityspalaveri", to: browser.find("#memo-title"))
                try await browser.sendKeys("Aino Virtanen, Ville Mäkinen", to: browser.find("#memo-participants"))
                let body = "1. Talvikunnossapito\n2. <b>Laatukierrokset</b> kuukausittain"
                try await browser.sendKeys(body, to: browser.find("#memo-body"))
                try await page.click("#memo-save")

                let ids = try await waitFor("the new memo first", read: { try await page.memoIDs() }, until: { $0.count == 2 })
                #expect(ids.last == "\(old.id)")
                let first = "#memos [data-memo-id=\"\(ids[0])\"]"
                // The list may be drawn once more for the live memo.created event: read until it holds still.
                try await waitFor("the new memo's title and participants") {
                    let title = try await browser.text(of: browser.find("\(first) .memo-title"))
                    let summary = try await browser.text(of: browser.find("\(first) .memo-summary"))
                    return title == "Kehityspalaveri" && summary.contains("Ville Mäkinen")
                }
                // Shown open after saving: its text as written, markup and all, with its line breaks.
                let shown = try await waitFor("the memo's text", read: { try await browser.text(of: browser.find("\(first) .memo-body")) }, until: { !$0.isEmpty })
                #expect(shown == body)
                #expect(try await browser.findAll("#memos b").isEmpty)
                try await browser.saveScreenshot("content-desktop-memos")
            }
        }
    }

    @Test func anUnsavedDraftSurvivesALanguageSwitchAndAnOptionalSectionCanBeSwitchedOff() async throws {
        try await withServer { server in
            let (director, supervisor) = try await Self.setUp(server)
            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ContentPage(browser: browser)
                try await page.signInAndOpen(shell, director.email, section: "quality")
                try await page.click("#section-edit")
                try await browser.sendKeys("Auditointi kahdesti vuodessa.", to: browser.find("#section-editor"))

                // The page is drawn again in English; the text typed is still in the editor, said so.
                try await page.click("#lang-switch")
                try await waitFor("the English editor") { try await browser.text(of: browser.find("#section-save")) == "Save" }
                #expect(try await browser.property("value", of: browser.find("#section-editor"), as: String.self) == "Auditointi kahdesti vuodessa.")
                #expect(try await page.sectionTitle() == "5. Quality and audits")
                try await browser.saveScreenshot("content-desktop-english-draft")
                try await page.click("#section-save")
                try await waitFor("the saved text") { try await browser.text(of: browser.find("#section-body")) == "Auditointi kahdesti vuodessa." }

                // Webinars are optional: switched off, the director still sees them, greyed; members do not.
                try await page.openSection("webinars")
                try await page.click("#section-in-use")
                try await waitFor("webinars not used") { try await browser.exists("#toc [data-section-key=\"webinars\"][data-in-use=\"false\"]") }
                #expect(try await browser.text(of: browser.find("#toc [data-section-key=\"webinars\"]")).contains("Not used"))
                let members = try await server.kanava.sections.list(try AccountID.parse(Self.account), for: .person(supervisor)).map(\.key)
                #expect(!members.contains("webinars"))
                #expect(try await !browser.exists("#toc [data-section-key=\"overview\"] #section-in-use"))
                try await page.openSection("overview")
                #expect(try await !browser.exists("#section-in-use"), "required sections cannot be switched off")
            }
        }
    }

    @Test func phone() async throws {
        try await withServer { server in
            let (director, supervisor) = try await Self.setUp(server)
            let id = try AccountID.parse(Self.account)
            let long = (1...12).map { "Kohta \($0): pitkäsanainen ohje, jossa on esimerkiksi osoite https://intranet.yritys.example/ohjeet/perehdytys/\($0)/tyoturvallisuusohjeistus-2025.pdf" }
            _ = try await server.kanava.sections.save(id, key: "onboarding", body: "# Perehdytys\n\n" + long.joined(separator: "\n\n"), baseRevision: 0, by: .person(director))

            try await withBrowser(.phone) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ContentPage(browser: browser)
                try await shell.signInFromStart(supervisor.email, expecting: [Self.account])
                try await waitFor("the must-read badge") { try await browser.exists("[data-open-must-reads=\"1\"]") }
                #expect(try await !shell.scrollsHorizontally(), "account list with a badge")
                try await browser.saveScreenshot("content-phone-accounts")
                try await shell.openAccount(Self.account)
                try await shell.waitForChannel(titled: Self.accountName)

                try await page.click(".channel-tabs [data-tab=\"toc\"]")
                try await waitFor("the table of contents") { try await shell.isDisplayed("#toc [data-section-key=\"onboarding\"] a") }
                #expect(try await !shell.scrollsHorizontally(), "table of contents")
                try await browser.saveScreenshot("content-phone-toc")

                // Choosing a section shows the content tab.
                try await page.click("#toc [data-section-key=\"onboarding\"] a")
                try await page.waitForSection("onboarding")
                try await waitFor("the content tab") { try await shell.isDisplayed("#channel-content") }
                #expect(try await !shell.isDisplayed("#toc"))
                #expect(try await browser.attribute("aria-pressed", of: browser.find(".channel-tabs [data-tab=\"content\"]")) == "true")
                try await waitFor("the must-read banner") { try await browser.exists("#section-confirm") }
                #expect(try await !shell.scrollsHorizontally(), "a long section")
                try await browser.saveScreenshot("content-phone-section")
                try await page.click("#section-confirm")
                try await waitFor("the confirmation") { try await browser.exists("#section-confirmed") }

                // Choosing the section already shown still switches to it.
                try await page.click(".channel-tabs [data-tab=\"toc\"]")
                try await page.click("#toc [data-section-key=\"onboarding\"] a")
                try await waitFor("the content tab again") { try await shell.isDisplayed("#channel-content") }
            }

            // The director's tools on a phone: editor, history, readers, the document form.
            try await server.kanava.memos.create(id, MemoInput(title: "Ohjausryhmän kokous, jossa käsiteltiin talvikunnossapidon laajennusta", meetingDate: "2025-02-03",
                                                               participants: ["Aino Virtanen", "Ville Mäkinen", "Kristiina Pohjanpalo-Lindqvist"], body: "Päätökset:\n- A\n- B"),
                                                 by: .person(director))
            try await withBrowser(.phone) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ContentPage(browser: browser)
                try await page.signInAndOpen(shell, director.email, section: "onboarding")
                try await page.click("#section-history-toggle")
                try await page.click("#section-readers-toggle")
                try await waitFor("the readers") { try await browser.exists("#section-readers li[data-state]") }
                try await page.click("#document-add")
                try await page.click("#document-kind option[value=\"contract\"]")
                #expect(try await !shell.scrollsHorizontally(), "director's section tools")
                try await browser.saveScreenshot("content-phone-director-tools")
                try await page.click("#section-edit")
                try await waitFor("the editor") { try await browser.exists("#section-editor") }
                #expect(try await !shell.scrollsHorizontally(), "editor")
                try await browser.saveScreenshot("content-phone-editor")

                try await page.click(".channel-tabs [data-tab=\"toc\"]")
                try await page.click("#toc [data-section-key=\"memos\"] a")
                try await page.waitForSection("memos")
                try await waitFor("the memo") { try await page.memoIDs().count == 1 }
                try await page.click("#memos .memo-toggle")
                try await waitFor("the memo's text") { try await browser.exists("#memos .memo-body") }
                try await page.click("#memo-new")
                #expect(try await !shell.scrollsHorizontally(), "memos")
                try await browser.saveScreenshot("content-phone-memos")

                // Back on onboarding, the unsaved (empty-change) editor is not restored, the text is.
                try await page.click(".channel-tabs [data-tab=\"toc\"]")
                try await page.click("#toc [data-section-key=\"onboarding\"] a")
                try await page.waitForSection("onboarding")
                try await waitFor("the text") { try await browser.exists("#section-body h1") }
            }
        }
    }
}

/// The channel content as a person uses it, by the ids and data attributes its views render.
struct ContentPage {
    let browser: WebDriver

    /// WebDriver's End key (with Control: the end of a text area; the editor opens with the caret at the start).
    static let end = "\u{E010}"

    /// Signs in and opens the test account's channel, at `section` when given.
    func signInAndOpen(_ shell: ShellPage, _ email: String, section: String? = nil) async throws {
        try await shell.signInFromStart(email, expecting: [ContentTests.account])
        if let section {
            try await browser.navigate(to: "http://127.0.0.1:\(shell.port)/#/accounts/\(ContentTests.account)/\(section)")
            try await shell.waitForChannel(titled: ContentTests.accountName)
            try await waitForSection(section)
        } else {
            try await shell.openAccount(ContentTests.account)
            try await shell.waitForChannel(titled: ContentTests.accountName)
        }
    }

    /// Scrolls the element to the middle of the viewport (clear of the sticky header) and clicks it. Lists are
    /// redrawn when the server's events arrive, so an element that went stale in between is found again.
    func click(_ css: String) async throws {
        var attempts = 0
        while true {
            do {
                _ = try await browser.executeScript("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' }); return true",
                                                    arguments: [css], as: Bool.self)
                try await browser.click(browser.find(css))
                return
            } catch let error as WebDriverError where error.error == "stale element reference" && attempts < 5 {
                attempts += 1
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// The table of contents' section keys, top to bottom (once it has loaded).
    func tocKeys() async throws -> [String] {
        try await waitFor("the table of contents", read: {
            var keys: [String] = []
            for item in try await browser.findAll("#toc [data-section-key]") {
                keys.append(try await browser.attribute("data-section-key", of: item) ?? "")
            }
            return keys
        }, until: { !$0.isEmpty })
    }

    /// Chooses a section in the table of contents and waits until it is shown.
    func openSection(_ key: String) async throws {
        try await click("#toc [data-section-key=\"\(key)\"] a")
        try await waitForSection(key)
    }

    /// Waits until `#channel-content` shows the section `key`, loaded.
    func waitForSection(_ key: String) async throws {
        try await waitFor("section \(key)") {
            try await browser.exists("#channel-content .section-view[data-section-key=\"\(key)\"] #section-title .section-number")
        }
    }

    func sectionTitle() async throws -> String {
        try await browser.text(of: browser.find("#section-title"))
    }

    /// The diff's lines of one kind (`added`, `removed`, `same`) as shown: the sign, then the text.
    func diffLines(_ kind: String) async throws -> [String] {
        var lines: [String] = []
        for line in try await browser.findAll("#section-diff li[data-kind=\"\(kind)\"]") {
            let sign = try await browser.text(of: browser.findAll(".diff-sign", in: line)[0])
            let text = try await browser.text(of: browser.findAll(".diff-text", in: line)[0])
            lines.append(sign + text)
        }
        return lines
    }

    /// The `data-memo-id`s of `#memos`, top to bottom.
    func memoIDs() async throws -> [String] {
        var ids: [String] = []
        for item in try await browser.findAll("#memos [data-memo-id]") {
            ids.append(try await browser.attribute("data-memo-id", of: item) ?? "")
        }
        return ids
    }
}
