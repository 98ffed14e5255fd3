import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The feedback box (section 12 "Palaute ja ideat") and the yearly activity list in headless Chromium against a live
/// server: a supervisor leaves anonymous feedback while the director watches it arrive live with the author's name,
/// the director answers with a status, and the supervisor sees the answer arrive live (two windows of one browser, as
/// in ``ChatTests``); then the director's activity list on a phone.
@Suite("Browser feedback", .serialized, Chromium.requiredOrInstalled)
struct FeedbackTests {
    static let account = "A8101"
    static let accountName = "Porin kiinteistöt Oy"

    static func setUp(_ server: TestServer) async throws -> (director: Person, supervisor: Person) {
        let installation = server.installation
        let director = try await installation.person("aino.virtanen@example.fi", "Aino Virtanen")
        let supervisor = try await installation.person("ville.makinen@example.fi", "Ville Mäkinen")
        try await installation.account(account, accountName)
        try await installation.member(account, director.email, .accountDirector)
        try await installation.member(account, supervisor.email, .supervisor)
        return (director, supervisor)
    }

    @Test func aMemberLeavesAnonymousFeedbackTheDirectorSeesWhoAndAnswersTheMemberSeesTheAnswer() async throws {
        try await withServer { server in
            let (director, supervisor) = try await Self.setUp(server)
            try await withBrowser(.desktop) { browser in
                let two = try await TwoPeople.signIn(browser, server, director: director, other: supervisor, accounts: [Self.account])
                let page = FeedbackPage(browser: browser)

                // The director has the box open, empty.
                try await two.asDirector()
                try await page.open(two.director)
                try await waitFor("the empty box") { try await page.text("#feedback-box").contains(try ShellPage.finnishText("feedback.empty")) }
                #expect(try await browser.exists("#feedback-form"), "the director is a member too")
                _ = try await browser.executeScript("window.__notReloaded = true; return true", as: Bool.self)

                // The supervisor leaves anonymous feedback; the note says the director still sees the name.
                try await two.asOther()
                try await page.open(two.other)
                #expect(try await page.text("#feedback-anonymous-note") == (try ShellPage.finnishText("feedback.anonymousNote")))
                try await page.click("#feedback-kind option[value=\"idea\"]")
                let text = "Työmaille yhteinen avainkaappi.\nNyt avaimia etsitään joka aamu."
                try await browser.sendKeys(text, to: browser.find("#feedback-body"))
                try await page.click("#feedback-anonymous")
                try await page.click("#feedback-submit")
                let item = try await waitFor("the item in the list", read: { try await page.firstItemID() }, until: { !$0.isEmpty })
                let selector = "#feedback-list [data-feedback-id=\"\(item)\"]"
                try await waitFor("the author's own view") {
                    try await page.text("\(selector) .feedback-author") == (try ShellPage.finnishText("feedback.youAnonymous"))
                }
                #expect(try await page.text("\(selector) .feedback-body") == text)
                #expect(try await page.text("\(selector) .feedback-kind") == "Idea")
                #expect(try await page.text("#feedback-box .flash").contains("nimettömänä"))
                #expect(try await browser.exists("\(selector) [data-action=\"edit\"]"), "the author may still change it")
                #expect(try await !browser.exists("\(selector) [data-action=\"answer\"]"))

                // The director's window got it live, with the author's name.
                try await two.asDirector()
                try await waitFor("the item live in the director's window") {
                    try await page.text("\(selector) .feedback-author") == "Ville Mäkinen (nimetön muille)"
                }
                #expect(try await browser.executeScript("return window.__notReloaded === true", as: Bool.self), "live, not by reloading the page")
                try await page.click("\(selector) [data-action=\"answer\"]")
                try await waitFor("the answer form") { try await browser.exists("#feedback-answer-\(item)") }
                try await browser.sendKeys("Hyvä ajatus, tilaan kaapit ensi viikolla.", to: browser.find("#feedback-answer-\(item)"))
                try await page.choose("#feedback-answer-status-\(item)", "done")
                try await page.click("\(selector) [data-action=\"send-answer\"]")
                try await waitFor("the answer under the item") { try await page.text("\(selector) .feedback-replies").contains("tilaan kaapit") }
                try await waitFor("the status done") { try await browser.exists("#feedback-list [data-feedback-id=\"\(item)\"][data-status=\"done\"]") }
                #expect(try await page.text("#feedback-filter-done").contains("(1)"))
                try await browser.saveScreenshot("feedback-desktop-director")

                // The member's window: the answer and the status arrived live.
                try await two.asOther()
                try await waitFor("the answer live in the member's window") {
                    try await page.text("\(selector) .feedback-replies").contains("Hyvä ajatus, tilaan kaapit ensi viikolla.")
                }
                #expect(try await page.text("\(selector) .feedback-status") == "Valmis")
                #expect(try await page.text("\(selector) .feedback-replies").contains("Aino Virtanen"))
                #expect(try await !browser.exists("\(selector) [data-action=\"edit\"]"), "answered: no longer the author's to change")
                // Filtering by status from the keyboard.
                try await browser.sendKeys(Key.enter, to: browser.find("#feedback-filter-new"))
                try await waitFor("no new items") { try await browser.findAll("#feedback-list [data-feedback-id]").isEmpty }
                try await browser.sendKeys(Key.enter, to: browser.find("#feedback-filter-done"))
                try await waitFor("the done item") { try await page.firstItemID() == item }
                try await browser.saveScreenshot("feedback-desktop-member")

                let problems = try await browser.browserLog().filter {
                    ($0.level == "SEVERE" && !$0.message.contains("Failed to load resource")) || $0.message.contains("Content Security Policy")
                }
                #expect(problems.isEmpty, "\(problems.map(\.message))")
                let stored = try await server.kanava.store.feedbackEntry(FeedbackID(Int64(item)!), in: try AccountID.parse(Self.account))
                #expect(stored?.anonymous == true && stored?.author?.id == supervisor.id && stored?.status == .done)
                #expect(stored?.replies.first?.author?.id == director.id)
            }
        }
    }

    @Test func theDirectorOpensTheActivityListFromTheAccountListOnAPhone() async throws {
        try await withServer { server in
            let (director, supervisor) = try await Self.setUp(server)
            let id = try AccountID.parse(Self.account)
            _ = try await server.kanava.chat.send(id, MessageDraft(clientId: nil, body: "Hei kaikki"), by: .person(supervisor))
            _ = try await server.kanava.feedback.post(id, FeedbackInput(kind: "idea", body: "Nimetön idea", anonymous: true), by: .person(supervisor))
            try await withBrowser(.phone) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(director.email, expecting: [Self.account])
                let page = FeedbackPage(browser: browser)
                try await waitFor("the activity link") { try await shell.isDisplayed("#activity-link") }
                try await page.click("#activity-link")
                try await shell.waitForView("activity")
                let row = "#activity-results [data-account-id=\"\(Self.account)\"] tr[data-person-id=\"\(supervisor.id)\"]"
                try await waitFor("Ville's row") { try await browser.exists(row) }
                #expect(try await page.text("\(row) .col-messages").hasSuffix("1"))
                #expect(try await page.text("\(row) .col-feedback").hasSuffix("1"), "anonymous feedback counts for its author")
                #expect(try await page.text("\(row) .col-total").hasSuffix("2"))
                #expect(try await browser.findAll("#activity-results tr[data-person-id=\"\(director.id)\"]").isEmpty, "the director is not ranked")
                #expect(try await browser.exists("#activity-print"))
                let year = LocalDate.inHelsinki(server.clock.now()).year
                #expect(try await page.value("#activity-year") == "\(year)")
                #expect(try await !shell.scrollsHorizontally())
                try await browser.saveScreenshot("activity-phone")

                // The supervisor's own view of the box on the phone: the form fits.
                try await shell.signOut()
                try await shell.signInFromStart(supervisor.email, expecting: [Self.account])
                try await page.open(shell)
                #expect(try await page.text("#feedback-list .feedback-author") == (try ShellPage.finnishText("feedback.youAnonymous")))
                #expect(try await !shell.scrollsHorizontally())
                try await browser.saveScreenshot("feedback-phone-member")
            }
        }
    }
}

/// The feedback section as a person uses it.
struct FeedbackPage {
    let browser: WebDriver

    /// Opens the account's feedback section and waits for the box to have loaded.
    func open(_ shell: ShellPage) async throws {
        try await browser.navigate(to: shell.url("#/accounts/\(FeedbackTests.account)/feedback"))
        try await shell.waitForChannel(titled: FeedbackTests.accountName)
        try await waitFor("the feedback box") { try await browser.exists("#feedback-filter-all") }
    }

    /// The id of the newest item shown ('' when none).
    func firstItemID() async throws -> String {
        try await browser.executeScript("return document.querySelector('#feedback-list [data-feedback-id]')?.dataset.feedbackId ?? ''", as: String.self)
    }

    // Reads in one script: the box is redrawn when the server's events arrive.

    func text(_ css: String) async throws -> String {
        try await browser.innerText(css)
    }

    func value(_ css: String) async throws -> String {
        try await browser.fieldValue(css)
    }

    /// Chooses an option of a select as a person would (the change event included).
    func choose(_ css: String, _ value: String) async throws {
        try await browser.setField(css, to: value, firing: ["change"])
    }

    func click(_ css: String) async throws {
        try await ChatPage(browser: browser).click(css)
    }
}
