import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The quality card (section 7 "Laatukortti") and the board overview in headless Chromium against a live server: the
/// director fills in this month's card, saves it as a draft and submits it; a board member in no channel signs in,
/// lands on the overview and finds the card there (table, filters, the whole card); and both on a phone.
@Suite("Browser quality card", .serialized, Chromium.requiredOrInstalled)
struct QualityCardTests {
    static let account = "A9001"
    static let accountName = "Kotkan satama Oy"

    struct Seeded {
        var director: Person
        var board: Person
        var month: CardMonth
        var previous: CardMonth
    }

    /// A director and a supervisor (one site) in one account, whose last month's card was submitted green with
    /// satisfaction 3.8; an account without a card; another director's account with this month's card submitted green;
    /// a board member in no channel.
    static func setUp(_ server: TestServer) async throws -> Seeded {
        let t = server.installation
        let director = try await t.person("aino.virtanen@example.fi", "Aino Virtanen")
        try await t.person("ville.makinen@example.fi", "Ville Mäkinen")
        let board = try await t.person("hilkka.hallitus@example.fi", "Hilkka Hallitus", global: .board)
        try await t.account(account, accountName)
        try await t.account("A9002", "Haminan varasto Oy")
        try await t.member(account, director.email, .accountDirector)
        _ = try await server.kanava.accounts.addMember(try AccountID.parse(account), email: "ville.makinen@example.fi", role: "supervisor",
                                                       sites: ["Kotka 1"], by: TestInstallation.system)
        let month = CardMonth.containing(LocalDate.inHelsinki(server.clock.now()))
        let previous = try #require(month.adding(months: -1))
        let cards = server.kanava.qualityCards
        let id = try AccountID.parse(account)
        _ = try await cards.save(id, month: previous.description, QualityCardInput(status: "green", summary: "Edellinen kuukausi.", customerSatisfaction: 3.8,
                                                                                   openComplaints: 1), by: .person(director))
        _ = try await cards.submit(id, month: previous.description, version: 1, by: .person(director))
        let other = try await t.person("outi.ojala@example.fi", "Outi Ojala")
        try await t.account("A9003", "Loviisan laituri Oy")
        try await t.member("A9003", other.email, .accountDirector)
        _ = try await cards.save(try AccountID.parse("A9003"), month: month.description, QualityCardInput(status: "green", summary: "Kaikki hyvin."),
                                 by: .person(other))
        _ = try await cards.submit(try AccountID.parse("A9003"), month: month.description, version: 1, by: .person(other))
        return Seeded(director: director, board: board, month: month, previous: previous)
    }

    /// Opens the account's quality-card section and waits for the card's form.
    static func openCard(_ browser: WebDriver, _ shell: ShellPage) async throws {
        try await browser.navigate(to: shell.url("#/accounts/\(account)/quality-card"))
        try await shell.waitForChannel(titled: accountName)
        try await waitFor("the card's form") { try await browser.exists("#card-form") }
    }

    static func script<T: Decodable>(_ browser: WebDriver, _ source: String, _ arguments: [String] = [], as type: T.Type) async throws -> T {
        try await browser.executeScript(source, arguments: arguments, as: type)
    }

    static func text(_ browser: WebDriver, _ css: String) async throws -> String {
        try await browser.innerText(css)
    }

    @Test func theDirectorFillsAndSubmitsACardAndTheBoardOverviewShowsIt() async throws {
        try await withServer { server in
            let seeded = try await Self.setUp(server)
            let id = try AccountID.parse(Self.account)
            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ContentPage(browser: browser)
                try await shell.signInFromStart(seeded.director.email, expecting: ["A9001"])
                try await Self.openCard(browser, shell)

                // A new card: the figures Kanava knows, last month's values next to the fields.
                #expect(try await browser.exists("#card-state[data-state=\"new\"]"))
                #expect(try await browser.exists("#card-computed tr[data-figure=\"supervisors\"][data-value=\"1\"]"))
                #expect(try await browser.exists("#card-computed tr[data-figure=\"sites\"][data-value=\"1\"]"))
                #expect(try await Self.text(browser, "#card-customerSatisfaction-previous").contains("3,8"))
                #expect(try await Self.text(browser, "#card-openComplaints-previous").contains("1"))

                try await page.click("#card-status-yellow")
                try await browser.sendKeys("Kaksi esimiesvaihdosta, rekrytointi käynnissä.", to: browser.find("#card-summary"))
                try await browser.sendKeys("Tukea Kotkan rekrytointiin.", to: browser.find("#card-asks"))
                try await browser.sendKeys("4,2", to: browser.find("#card-customerSatisfaction"))
                try await browser.sendKeys("91,5", to: browser.find("#card-auditScore"))
                try await browser.sendKeys("2", to: browser.find("#card-openComplaints"))
                try await browser.sendKeys("15250,50", to: browser.find("#card-monthlyBilling"))
                try await page.click("#card-save")
                try await waitFor("the draft") { try await browser.exists("#card-state[data-state=\"draft\"]") }
                let draft = try #require(try await server.kanava.store.qualityCardVersions(in: id, month: seeded.month).last)
                #expect(draft.version == 1)
                #expect(draft.status == .yellow)
                #expect(draft.entered == EnteredFigures(customerSatisfaction: 4.2, auditScore: 91.5, openComplaints: 2, monthlyBillingCents: 1_525_050))
                #expect(draft.summary == "Kaksi esimiesvaihdosta, rekrytointi käynnissä.")

                // A number that is not one is named before anything is sent.
                try await browser.sendKeys("x", to: browser.find("#card-auditScore"))
                try await page.click("#card-save")
                try await waitFor("the form's error") { try await Self.text(browser, "#card-error").contains("Auditointitulos") }
                try await browser.sendKeys(Key.backspace, to: browser.find("#card-auditScore"))

                // Submitting asks first; the submitted card is shown as it was submitted.
                try await page.click("#card-submit")
                try await waitFor("the question") { try await browser.exists("#card-submit-question") }
                #expect(try await Self.text(browser, "#card-submit-question").contains("versio 1"))
                try await browser.saveScreenshot("card-desktop-director-submit")
                try await page.click("#card-submit-confirm")
                try await waitFor("the submitted card") { try await browser.exists("#card-state[data-state=\"submitted\"]") }
                #expect(try await browser.exists("#card-entered tr[data-figure=\"customerSatisfaction\"][data-value=\"4.2\"]"))
                #expect(try await browser.exists("#card-entered tr[data-figure=\"monthlyBilling\"][data-value=\"15250.5\"]"))
                #expect(try await Self.text(browser, "#card-entered").contains("3,8"), "last month's value next to this month's")
                #expect(try await Self.text(browser, "#quality-card").contains("Lähettänyt Aino Virtanen"))
                #expect(try await browser.exists("#card-edit"))
                try await browser.saveScreenshot("card-desktop-director-submitted")
                let submitted = try await server.kanava.store.qualityCardVersions(in: id, month: seeded.month)
                #expect(submitted.map(\.state) == [.submitted])
                #expect(submitted.first?.submittedBy?.id == seeded.director.id)

                // The version history says who and when.
                try await page.click("#card-history-toggle")
                try await waitFor("the history") { try await browser.exists("#card-versions li[data-version=\"1\"][data-state=\"submitted\"]") }
                #expect(try await Self.text(browser, "#card-versions").contains("Aino Virtanen"))

                // The board member is in no channel: signing in lands on the overview, which shows the card.
                let window = try await browser.newWindow()
                try await browser.switchToWindow(window)
                let boardShell = ShellPage(browser: browser, port: server.port, host: "localhost")
                try await boardShell.open()
                try await boardShell.waitForView("signin")
                try await boardShell.signIn(seeded.board.email, password: TestInstallation.password)
                try await boardShell.waitForView("board")
                #expect(try await browser.exists("#board-link"))
                let row = "#board-table tr[data-account-id=\"\(Self.account)\"]"
                try await waitFor("the account's row") { try await browser.exists("\(row)[data-status=\"yellow\"]") }
                #expect(try await browser.exists("#board-table tr[data-account-id=\"A9002\"][data-status=\"none\"]"))
                #expect(try await Self.text(browser, row).contains("Aino Virtanen"))
                #expect(try await Self.text(browser, row).contains("4,2"))
                #expect(try await browser.exists("\(row) .trend-month[data-month=\"\(seeded.month)\"][data-status=\"yellow\"]"))
                #expect(try await browser.exists("\(row) .trend-month[data-month=\"\(seeded.previous)\"][data-status=\"green\"]"))
                #expect(try await browser.findAll("\(row) .trend-month").count == 12)
                #expect(try await browser.findAll("\(row) .trend-line").count == 1, "3.8 and 4.2 joined")
                try await browser.saveScreenshot("card-desktop-board-table")

                // Filters and sorting.
                try await page.click("#board-status option[value=\"red\"]")
                try await waitFor("no red cards") { try await browser.findAll("#board-table tr[data-account-id]").isEmpty }
                #expect(try await Self.text(browser, "#board-count") == (try ShellPage.finnishText("board.noMatches")))
                try await page.click("#board-status option[value=\"all\"]")
                try await waitFor("all rows") { try await browser.findAll("#board-table tbody tr").count == 3 }
                try await page.click("#board-table [data-sort=\"status\"]")
                #expect(try await Self.script(browser, "return [...document.querySelectorAll('#board-table tbody tr')].map((row) => row.dataset.status)",
                                              as: [String].self) == ["yellow", "green", "none"])
                #expect(try await Self.script(browser, "return document.querySelector('[data-sort=\"status\"]').closest('th').getAttribute('aria-sort')",
                                              as: String.self) == "ascending")
                try await page.click("#board-director option:not([value=\"all\"])")
                try await waitFor("Aino's accounts") { try await browser.findAll("#board-table tbody tr").count == 1 }
                try await page.click("#board-director option[value=\"all\"]")

                // The whole card, and a print layout of one card per page with nothing of the app around it.
                try await page.click("#board-layout-cards")
                let card = ".board-card[data-account-id=\"\(Self.account)\"]"
                try await waitFor("the card") { try await browser.isDisplayed(browser.find(card)) }
                let cardText = try await Self.text(browser, card)
                #expect(cardText.contains("Tukea Kotkan rekrytointiin."))
                #expect(cardText.contains("Kaksi esimiesvaihdosta"))
                #expect(try await browser.exists("\(card) tr[data-figure=\"supervisors\"][data-value=\"1\"]"))
                #expect(try await Self.text(browser, "#board-without").contains("Haminan varasto Oy"))
                #expect(try await !browser.isDisplayed(browser.find("#board-table")))
                try await browser.saveScreenshot("card-desktop-board-cards")
                let printRules = try await Self.script(browser, """
                    const rules = [];
                    for (const sheet of document.styleSheets) for (const rule of sheet.cssRules)
                      if (rule instanceof CSSMediaRule && rule.media.mediaText === 'print') for (const inner of rule.cssRules) rules.push(inner.cssText);
                    return rules.join('\\n');
                    """, as: String.self)
                #expect(printRules.contains(".board-card"))
                #expect(printRules.contains("break-after: page"))
                // As printed: the card alone, no header or controls; a page break after each card.
                try await browser.emulateMedia("print")
                #expect(try await !browser.isDisplayed(browser.find(".app-header")))
                #expect(try await !browser.isDisplayed(browser.find(".board-controls")))
                #expect(try await browser.isDisplayed(browser.find(card)))
                let breaks = try await Self.script(browser, "return [...document.querySelectorAll('.board-card')].map((card) => getComputedStyle(card).breakAfter)",
                                                   as: [String].self)
                #expect(breaks == ["page", "auto"], "a page per card, no empty page after the last")
                try await browser.saveScreenshot("card-print-cards")
                try await browser.emulateMedia("")
                try await page.click("#board-layout-table")
                try await browser.emulateMedia("print")
                #expect(try await browser.isDisplayed(browser.find("#board-table")))
                #expect(try await !browser.isDisplayed(browser.find(card)))
                try await browser.saveScreenshot("card-print-table")
                try await browser.emulateMedia("")

                let problems = try await browser.browserLog().filter {
                    ($0.level == "SEVERE" && !$0.message.contains("Failed to load resource")) || $0.message.contains("Content Security Policy")
                }
                #expect(problems.isEmpty, "\(problems.map(\.message))")
            }
        }
    }

    @Test func theCardAndTheOverviewWorkOnAPhone() async throws {
        try await withServer { server in
            let seeded = try await Self.setUp(server)
            _ = try await server.kanava.qualityCards.save(try AccountID.parse(Self.account), month: seeded.month.description,
                                                          QualityCardInput(status: "red", summary: "Punainen kuukausi."), by: .person(seeded.director))
            _ = try await server.kanava.qualityCards.submit(try AccountID.parse(Self.account), month: seeded.month.description, version: 1,
                                                            by: .person(seeded.director))
            try await withBrowser(.phone) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ContentPage(browser: browser)
                try await shell.signInFromStart(seeded.director.email, expecting: ["A9001"])
                try await browser.navigate(to: shell.url("#/accounts/\(Self.account)/quality-card"))
                try await shell.waitForChannel(titled: Self.accountName)
                try await waitFor("the submitted card") { try await browser.exists("#card-state[data-state=\"submitted\"]") }
                #expect(try await !shell.scrollsHorizontally())
                // Editing makes version 2, a copy of version 1.
                try await page.click("#card-edit")
                try await waitFor("the form") { try await browser.exists("#card-form") }
                #expect(try await Self.script(browser, "return document.querySelector('#card-summary').value", as: String.self) == "Punainen kuukausi.")
                #expect(try await Self.script(browser, "return document.querySelector('#card-status-red').checked", as: Bool.self))
                #expect(try await !shell.scrollsHorizontally())
                try await browser.saveScreenshot("card-phone-director-edit")

                try await shell.signOut()
                try await shell.waitForView("signin")
                try await shell.signIn(seeded.board.email, password: TestInstallation.password)
                try await shell.waitForView("board")
                try await waitFor("the row") { try await browser.exists("#board-table tr[data-account-id=\"\(Self.account)\"][data-status=\"red\"]") }
                #expect(try await !shell.scrollsHorizontally(), "the table scrolls in its own box, not the page")
                try await browser.saveScreenshot("card-phone-board")
            }
        }
    }
}

extension WebDriver {
    /// Renders the page for `media` (`print`; "" for the screen again), through chromedriver's DevTools pass-through.
    func emulateMedia(_ media: String) async throws {
        struct Command: Encodable {
            var cmd = "Emulation.setEmulatedMedia"
            var params: [String: String]
        }
        let _: [String: String] = try await server.post("session/\(sessionID)/goog/cdp/execute", Command(params: ["media": media]))
    }
}
