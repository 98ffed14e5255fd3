import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The annual clock (section 6 "Vuosikello") in headless Chromium against a live server: the clock face with the
/// seeded events, a supervisor marking an occurrence done while the director watches it turn done live (two windows
/// of one browser, as in ``ChatTests``), the list view, the director adding a quarterly event through the form, and
/// the list on a phone at 390 and 360 px.
@Suite("Browser annual clock", .serialized, Chromium.requiredOrInstalled)
struct AnnualClockTests {
    static let account = "A8001"
    static let accountName = "Kotkan satama Oy"

    struct Seeded {
        var director: Person
        var supervisor: Person
        /// Every month on the 15th, owned by the supervisors.
        var monthly: ClockEvent
        /// Once, on 20 March, owned by the director.
        var meeting: ClockEvent
        var year: Int
    }

    /// A director and a supervisor in one account, whose clock has (besides the template's events from today on) a
    /// monthly supervisor visit from January and one customer meeting in March of this year.
    static func setUp(_ server: TestServer) async throws -> Seeded {
        let installation = server.installation
        let director = try await installation.person("aino.virtanen@example.fi", "Aino Virtanen")
        let supervisor = try await installation.person("ville.makinen@example.fi", "Ville Mäkinen")
        try await installation.account(account, accountName, start: "2024-03-01")
        try await installation.member(account, director.email, .accountDirector)
        try await installation.member(account, supervisor.email, .supervisor)
        let year = LocalDate.inHelsinki(server.clock.now()).year
        let clock = server.kanava.annualClock
        let id = try AccountID.parse(account)
        let monthly = try await clock.create(id, ClockEventInput(
            title: "Kohdekäynti satamassa", description: "Kierros kaikissa kohteissa.", kind: "quality_visit", owner: "supervisor",
            start: "\(year)-01-15", recurrence: "FREQ=MONTHLY", leadDays: 7), by: .person(director))
        let meeting = try await clock.create(id, ClockEventInput(
            title: "Asiakastapaaminen", kind: "customer_meeting", owner: "account_director", start: "\(year)-03-20"), by: .person(director))
        return Seeded(director: director, supervisor: supervisor, monthly: monthly, meeting: meeting, year: year)
    }

    @Test func theSupervisorMarksAVisitDoneAndTheDirectorSeesItLive() async throws {
        try await withServer { server in
            let seeded = try await Self.setUp(server)
            let visit = "\(seeded.year)-03-15"
            try await withBrowser(.desktop) { browser in
                let two = try await TwoPeople.signIn(browser, server, director: seeded.director, other: seeded.supervisor, accounts: [Self.account])
                let page = ClockPage(browser: browser)

                // The director's clock face: twelve marks for the monthly visit, one for the meeting, today's hand.
                try await two.asDirector()
                try await page.open(two.director)
                try await waitFor("the monthly visit's marks") { try await page.markCount(event: seeded.monthly.id) == 12 }
                #expect(try await page.markCount(event: seeded.meeting.id) == 1)
                #expect(try await browser.exists("#clock-today"))
                let meetingMark = page.mark(seeded.meeting.id, "\(seeded.year)-03-20")
                #expect(try await page.attribute("aria-label", of: meetingMark)
                    == "20.3. Asiakastapaaminen — asiakkuusjohtaja — suunniteltu")
                #expect(try await page.attribute("role", of: meetingMark) == "button")
                #expect(try await page.text("#clock-legend").contains("esimies"))
                #expect(try await browser.exists("#clock-figures [data-figure=\"year-to-date\"][data-done=\"0\"]"))
                _ = try await browser.executeScript(
                    "window.__notReloaded = true; document.querySelector('#clock-face').scrollIntoView({ block: 'center' }); return true", as: Bool.self)
                try await browser.saveScreenshot("clock-desktop-director-face")

                // The supervisor opens the director's meeting: details, but nothing to mark.
                try await two.asOther()
                try await page.open(two.other)
                try await page.click(page.mark(seeded.meeting.id, "\(seeded.year)-03-20"))
                try await waitFor("the meeting's details") { try await browser.text(of: browser.find("#clock-details-title")) == "Asiakastapaaminen" }
                #expect(try await !browser.exists("#clock-details [data-action=\"done\"]"))
                #expect(try await !browser.exists("#clock-details [data-action=\"edit-event\"]"))

                // Their own visit in March, opened from the keyboard (a mark is a button), marked done with a note.
                try await browser.sendKeys(Key.enter, to: browser.find(page.mark(seeded.monthly.id, visit)))
                try await waitFor("the visit's details") { try await browser.attribute("data-date", of: browser.find("#clock-details")) == visit }
                let details = try await page.text("#clock-details")
                #expect(details.contains("Kohdekäynti satamassa"))
                #expect(details.contains("Kierros kaikissa kohteissa."))
                #expect(details.contains("esimies"))
                #expect(details.contains("Kuukausittain"))
                #expect(try await page.attribute("aria-expanded", of: page.mark(seeded.monthly.id, visit)) == "true")
                #expect(try await browser.executeScript("return document.activeElement.id", as: String.self) == "clock-details-title")
                try await browser.sendKeys("Kaikki kohteet kierretty, kaksi havaintoa.", to: browser.find("#clock-note"))
                try await page.click("#clock-details [data-action=\"done\"]")
                try await waitFor("done on the face") { try await browser.exists("\(page.mark(seeded.monthly.id, visit))[data-status=\"done\"]") }
                try await waitFor("who marked it") { try await browser.text(of: browser.find("#clock-details .clock-marked")).contains("Ville Mäkinen") }
                #expect(try await page.value("#clock-note") == "Kaikki kohteet kierretty, kaksi havaintoa.")
                try await browser.saveScreenshot("clock-desktop-supervisor-done")

                // The director's face turns it done without a reload, and the figures count it.
                try await two.asDirector()
                try await waitFor("done live for the director") {
                    try await browser.exists("\(page.mark(seeded.monthly.id, visit))[data-status=\"done\"]")
                }
                try await waitFor("the figures") { try await browser.exists("#clock-figures [data-figure=\"year-to-date\"][data-done=\"1\"]") }
                #expect(try await browser.executeScript("return window.__notReloaded === true", as: Bool.self))

                // The list shows the same, with the note and who marked it.
                try await page.click("#clock-view-list")
                let row = "#clock-list .clock-item[data-event-id=\"\(seeded.monthly.id)\"][data-date=\"\(visit)\"]"
                try await waitFor("the row") { try await browser.exists("\(row)[data-status=\"done\"]") }
                #expect(try await browser.findAll("#clock-list .clock-item[data-event-id=\"\(seeded.monthly.id)\"]").count == 12)
                #expect(try await page.text(row).contains("tehty"))
                try await page.click("\(row) .clock-item-toggle")
                try await waitFor("the details in the list") { try await browser.exists("\(row) #clock-details") }
                #expect(try await page.value("#clock-note") == "Kaikki kohteet kierretty, kaksi havaintoa.")
                #expect(try await page.text("#clock-details .clock-marked").contains("Ville Mäkinen"))
                try await browser.saveScreenshot("clock-desktop-director-list")
                // Script errors and CSP refusals (a 401 from /api/session before signing in is expected).
                let problems = try await browser.browserLog().filter {
                    ($0.level == "SEVERE" && !$0.message.contains("Failed to load resource")) || $0.message.contains("Content Security Policy")
                }
                #expect(problems.isEmpty, "\(problems.map(\.message))")

                let stored = try await server.kanava.annualClock.year(try AccountID.parse(Self.account), year: seeded.year, for: .person(seeded.director))
                let occurrence = stored.events.first { $0.event.id == seeded.monthly.id }?.occurrences.first { $0.date.description == visit }
                #expect(occurrence?.status == .done)
                #expect(occurrence?.markedBy?.id == seeded.supervisor.id)
            }
        }
    }

    @Test func theDirectorAddsAQuarterlyEventThroughTheForm() async throws {
        try await withServer { server in
            let seeded = try await Self.setUp(server)
            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ClockPage(browser: browser)
                try await shell.signInFromStart(seeded.director.email, expecting: [Self.account])
                try await page.open(shell)

                try await page.click("#clock-add")
                try await waitFor("the form") { try await browser.exists("#clock-form-title") }
                try await browser.sendKeys("Neljännesvuosiraportti asiakkaalle", to: browser.find("#clock-form-title"))
                try await page.click("#clock-form-kind option[value=\"report\"]")
                try await page.setDate("#clock-form-start", "\(seeded.year)-01-10")

                // A rule the server refuses: its words next to the field, nothing saved.
                try await page.click("#clock-form-repeat option[value=\"advanced\"]")
                let rule = try await browser.find("#clock-form-rule")
                try await browser.sendKeys("FREQ=MONTHLY;BYMONTHDAY=31", to: rule)
                try await page.click("#clock-form-save")
                let refusal = try await waitFor("the recurrence error", read: {
                    try await browser.text(of: browser.find("#clock-form-recurrence-error"))
                }, until: { !$0.isEmpty })
                #expect(refusal.contains("BYMONTHDAY=-1"), "the server's advice: \(refusal)")
                #expect(try await browser.attribute("aria-invalid", of: rule) == "true")

                // Quarterly from the friendly choices: the rule it writes is shown, and saved.
                try await page.click("#clock-form-repeat option[value=\"quarterly\"]")
                #expect(try await browser.text(of: browser.find("#clock-form-rule-preview")).contains("FREQ=MONTHLY;INTERVAL=3"))
                try await page.click("#clock-form-save")
                try await waitFor("the form closed") { try await !browser.exists("#clock-form") }
                let added = try await waitFor("the new event's marks", read: {
                    try await page.marks(titled: "Neljännesvuosiraportti asiakkaalle")
                }, until: { $0.count == 4 })
                #expect(added.map(\.date) == ["01-10", "04-10", "07-10", "10-10"].map { "\(seeded.year)-\($0)" })
                try await browser.saveScreenshot("clock-desktop-director-added")

                let stored = try await server.kanava.annualClock.year(try AccountID.parse(Self.account), year: seeded.year, for: .person(seeded.director))
                let event = try #require(stored.events.first { $0.event.title == "Neljännesvuosiraportti asiakkaalle" }?.event)
                #expect(event.recurrence?.description == "FREQ=MONTHLY;INTERVAL=3")
                #expect(event.kind == .report)
                #expect(event.owner == .accountDirector)

                // Editing it shows the same choice; the next year has its four dates too.
                try await page.click(page.mark(event.id, "\(seeded.year)-04-10"))
                try await page.click("#clock-details [data-action=\"edit-event\"]")
                try await waitFor("the edit form") { try await browser.exists("#clock-form-repeat") }
                #expect(try await browser.property("value", of: browser.find("#clock-form-repeat"), as: String.self) == "quarterly")
                try await page.click("#clock-form-cancel")
                try await page.click("#clock-next-year")
                try await waitFor("next year") { try await browser.text(of: browser.find("#clock-year")) == "\(seeded.year + 1)" }
                try await waitFor("four marks next year") { try await page.markCount(event: event.id) == 4 }
                #expect(try await page.markCount(event: seeded.meeting.id) == 0)

                // In English (the page is redrawn, on this year).
                try await page.click("#lang-switch")
                try await waitFor("English") { try await browser.text(of: browser.find("#clock-view-face")) == "Clock face" }
                try await waitFor("the marks in English") {
                    try await browser.attribute("aria-label", of: browser.find(page.mark(event.id, "\(seeded.year)-04-10")))
                        == "Apr 10 Neljännesvuosiraportti asiakkaalle — account director — planned"
                }
                #expect(try await page.text("#clock-figures").contains("Year to date"))
            }
        }
    }

    @Test func onAPhoneTheListIsShownAndReadableAt360Pixels() async throws {
        try await withServer { server in
            let seeded = try await Self.setUp(server)
            let long = try await server.kanava.annualClock.create(try AccountID.parse(Self.account), ClockEventInput(
                title: "Asiakastyytyväisyyskyselyn tulosten läpikäynti ja kehitystoimenpiteistä sopiminen",
                kind: "user_survey", owner: "supervisor", start: "\(seeded.year)-05-05"), by: .person(seeded.director))
            try await withBrowser(.phone) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ClockPage(browser: browser)
                try await shell.signInFromStart(seeded.supervisor.email, expecting: [Self.account])
                try await page.open(shell, waitingFor: "#clock-list")

                // The list is the phone's view: no clock face until asked for.
                #expect(try await !browser.exists("#clock-face"))
                #expect(try await page.attribute("aria-pressed", of: "#clock-view-list") == "true")
                #expect(try await browser.findAll("#clock-list .clock-month[data-month]").count == 12)
                #expect(try await browser.findAll("#clock-list .clock-item[data-event-id=\"\(seeded.monthly.id)\"]").count == 12)
                #expect(try await !shell.scrollsHorizontally())
                try await browser.saveScreenshot("clock-phone-list")

                // 360 px: the long title wraps, every row fits, and marking done works there.
                try await browser.emulatePhone(width: 360, height: 740)
                let row = "#clock-list .clock-item[data-event-id=\"\(long.id)\"]"
                try await page.click("\(row) .clock-item-toggle")
                try await waitFor("the details") { try await browser.exists("\(row) #clock-details") }
                try await browser.sendKeys("Käyty läpi asiakkaan kanssa.", to: browser.find("#clock-note"))
                try await page.click("#clock-details [data-action=\"done\"]")
                try await waitFor("done in the list") { try await browser.exists("\(row)[data-status=\"done\"]") }
                #expect(try await !shell.scrollsHorizontally(), "360 px: the list with details open")
                #expect(try await page.allInside(".clock-item, #clock-details, .clock-toolbar button, #clock-figures"))
                #expect(try await browser.executeScript(
                    "return parseFloat(getComputedStyle(document.querySelector(arguments[0])).fontSize)", arguments: ["\(row) .clock-item-title"], as: Double.self) >= 16)
                try await browser.saveScreenshot("clock-phone-360-list")

                // The clock face fits too.
                try await page.click("#clock-view-face")
                try await waitFor("the face") { try await browser.exists("#clock-face") }
                #expect(try await !shell.scrollsHorizontally(), "360 px: the clock face")
                #expect(try await page.allInside("#clock-face"))
                try await browser.saveScreenshot("clock-phone-360-face")
            }
        }
    }
}

/// The annual-clock section as a person uses it.
struct ClockPage {
    let browser: WebDriver

    struct Mark: Equatable {
        var event: String
        var date: String
    }

    /// Opens the account's annual-clock section and waits for the clock (`#clock-face` on a desktop).
    func open(_ shell: ShellPage, waitingFor clock: String = "#clock-face") async throws {
        try await browser.navigate(to: shell.url("#/accounts/\(AnnualClockTests.account)/annual-clock"))
        try await shell.waitForChannel(titled: AnnualClockTests.accountName)
        try await waitFor("the clock") { try await browser.exists(clock) }
    }

    /// The CSS selector of one occurrence's mark on the clock face.
    func mark(_ event: ClockEventID, _ date: String) -> String {
        ".clock-marker[data-event-id=\"\(event)\"][data-date=\"\(date)\"]"
    }

    func markCount(event: ClockEventID) async throws -> Int {
        try await browser.findAll(".clock-marker[data-event-id=\"\(event)\"]").count
    }

    /// The marks whose accessible name has `title`, in date order.
    func marks(titled title: String) async throws -> [Mark] {
        try await browser.executeScript("""
            return [...document.querySelectorAll('.clock-marker')]
              .filter((mark) => mark.getAttribute('aria-label').includes(arguments[0]))
              .map((mark) => `${mark.dataset.eventId} ${mark.dataset.date}`);
            """, arguments: [title], as: [String].self).map { found in
            let parts = found.split(separator: " ").map(String.init)
            return Mark(event: parts[0], date: parts[1])
        }
    }

    // Reads in one script: the clock is redrawn when the server's events arrive, which would make an element found
    // by one WebDriver command stale for the next.

    func attribute(_ name: String, of css: String) async throws -> String? {
        try await browser.executeScript("return document.querySelector(arguments[0])?.getAttribute(arguments[1]) ?? null",
                                        arguments: [css, name], as: String?.self)
    }

    func text(_ css: String) async throws -> String {
        try await browser.innerText(css)
    }

    func value(_ css: String) async throws -> String {
        try await browser.fieldValue(css)
    }

    func click(_ css: String) async throws {
        try await ChatPage(browser: browser).click(css)
    }

    /// Sets a date field as its picker would (WebDriver cannot type into Chromium's date fields in every locale).
    func setDate(_ css: String, _ date: String) async throws {
        try await browser.setField(css, to: date, firing: ["input", "change"])
    }

    /// Whether every element matching `css` lies within the viewport's width.
    func allInside(_ css: String) async throws -> Bool {
        try await browser.executeScript("""
            return [...document.querySelectorAll(arguments[0])].every((node) => {
              const box = node.getBoundingClientRect();
              return box.left >= 0 && box.right <= document.documentElement.clientWidth + 0.5;
            });
            """, arguments: [css], as: Bool.self)
    }
}
