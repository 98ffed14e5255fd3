import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The planner (section 10 "Tehtävät") in headless Chromium against a live server: the director moves tasks between
/// buckets with the "Move…" control, by dragging and with Alt + arrow keys while a supervisor watches the board change
/// live (two windows of one browser, as in ``ChatTests``); the director applies the takeover template and edits a task
/// in its dialog; and on a phone the buckets are stacked and a task moves with the "Move…" control.
@Suite("Browser planner", .serialized, Chromium.requiredOrInstalled)
struct PlannerTests {
    static let account = "A8101"
    static let accountName = "Haminan satama Oy"
    /// WebDriver's Alt key (held until ``Key/releaseModifiers``).
    static let alt = "\u{E00A}"
    static let arrowRight = "\u{E014}"

    struct Seeded {
        var director: Person
        var supervisor: Person
        var todo: PlannerBucket
        var doing: PlannerBucket
        var done: PlannerBucket
        /// In "Tehtävät", top to bottom: the supervisor's overdue survey, keys, orientation.
        var survey: PlannerTask
        var keys: PlannerTask
        var orientation: PlannerTask
    }

    /// A director and a supervisor in an account that started on 1 March; its planner has three buckets and three
    /// tasks in the first, the first of them the supervisor's and due yesterday.
    static func setUp(_ server: TestServer, tasks: Bool = true) async throws -> Seeded {
        let installation = server.installation
        let director = try await installation.person("aino.virtanen@example.fi", "Aino Virtanen")
        let supervisor = try await installation.person("ville.makinen@example.fi", "Ville Mäkinen")
        try await installation.account(account, accountName, start: "2026-03-01")
        try await installation.member(account, director.email, .accountDirector)
        try await installation.member(account, supervisor.email, .supervisor)
        let planner = server.kanava.planner
        let id = try AccountID.parse(account)
        let by = Principal.person(director)
        let yesterday = try #require(LocalDate.inHelsinki(server.clock.now()).adding(days: -1))
        let todo = try await planner.createBucket(id, name: "Tehtävät", by: by)
        let doing = try await planner.createBucket(id, name: "Käynnissä", by: by)
        let done = try await planner.createBucket(id, name: "Valmis", by: by)
        let survey = try await planner.createTask(id, PlannerTaskInput(
            bucket: todo.id, title: "Kohdekatselmus", assignee: .some(supervisor.id), dueDate: .some(yesterday.description), labels: ["kohde"],
            checklist: [PlannerChecklistInput(text: "Avaimet"), PlannerChecklistInput(text: "Mittaukset", done: true)]), by: by)
        let keys = try await planner.createTask(id, PlannerTaskInput(bucket: todo.id, title: "Avainten luovutus"), by: by)
        let orientation = try await planner.createTask(id, PlannerTaskInput(bucket: todo.id, title: "Perehdytys"), by: by)
        return Seeded(director: director, supervisor: supervisor, todo: todo, doing: doing, done: done, survey: survey, keys: keys, orientation: orientation)
    }

    /// The stored order of the planner: bucket name → task titles, top to bottom.
    static func stored(_ server: TestServer, _ seeded: Seeded) async throws -> [String: [String]] {
        let board = try await server.kanava.planner.board(try AccountID.parse(account), for: .person(seeded.director))
        var columns: [String: [String]] = [:]
        for bucket in board.buckets {
            let tasks = board.tasks.filter { $0.bucket == bucket.id }.sorted { $0.position < $1.position }
            #expect(tasks.map(\.position) == Array(tasks.indices), "positions renumbered in \(bucket.name)")
            columns[bucket.name] = tasks.map(\.title)
        }
        return columns
    }

    @Test func theDirectorMovesTasksBetweenBucketsAndTheSupervisorSeesItLive() async throws {
        try await withServer { server in
            let seeded = try await Self.setUp(server)
            try await withBrowser(.desktop) { browser in
                let two = try await TwoPeople.signIn(browser, server, director: seeded.director, other: seeded.supervisor, accounts: [Self.account])
                let page = PlannerPage(browser: browser)

                // The supervisor's account list counts their overdue task; their board has three columns, the task
                // highlighted, and no moving for them.
                try await two.asOther()
                try await waitFor("the overdue count") {
                    try await page.text("#account-list [data-account-id=\"\(Self.account)\"] .overdue-task-count") == "1 myöhässä oleva tehtävä"
                }
                try await page.open(two.other)
                #expect(try await page.titles(in: seeded.todo.id) == ["Kohdekatselmus", "Avainten luovutus", "Perehdytys"])
                #expect(try await browser.exists("\(page.card(seeded.survey.id)).is-overdue"))
                #expect(try await page.text("\(page.card(seeded.survey.id)) .planner-progress") == "Tarkistuslista 1/2")
                #expect(try await !browser.exists("\(page.card(seeded.survey.id)) [data-action=\"move\"]"))
                _ = try await browser.executeScript("window.__notReloaded = true; return true", as: Bool.self)

                // The director moves the survey with the "Move…" control: to "Käynnissä", first place.
                try await two.asDirector()
                try await page.open(two.director)
                try await page.click("\(page.card(seeded.survey.id)) [data-action=\"move\"]")
                try await waitFor("the move form") { try await browser.exists("#planner-move-bucket") }
                try await page.select("#planner-move-bucket", "\(seeded.doing.id)")
                try await page.click("#planner-move-save")
                try await waitFor("the card in Käynnissä") { try await page.titles(in: seeded.doing.id) == ["Kohdekatselmus"] }
                try await waitFor("stored") {
                    try await Self.stored(server, seeded) == ["Tehtävät": ["Avainten luovutus", "Perehdytys"], "Käynnissä": ["Kohdekatselmus"], "Valmis": []]
                }
                #expect(try await browser.executeScript("return document.activeElement.closest('[data-task-id]')?.dataset.taskId ?? ''", as: String.self)
                    == "\(seeded.survey.id)", "the focus stays on the moved card")
                try await browser.saveScreenshot("planner-desktop-director-moved")

                // By dragging: the keys to "Valmis".
                try await page.drag(seeded.keys.id, to: seeded.done.id)
                try await waitFor("the card in Valmis") { try await page.titles(in: seeded.done.id) == ["Avainten luovutus"] }
                try await waitFor("stored after the drag") {
                    try await Self.stored(server, seeded) == ["Tehtävät": ["Perehdytys"], "Käynnissä": ["Kohdekatselmus"], "Valmis": ["Avainten luovutus"]]
                }

                // By keyboard: Alt + → moves the orientation to the next bucket, at its place (the top).
                try await browser.sendKeys(Self.alt + Self.arrowRight + Key.releaseModifiers,
                                           to: browser.find("\(page.card(seeded.orientation.id)) [data-action=\"open\"]"))
                try await waitFor("the card in Käynnissä by keyboard") { try await page.titles(in: seeded.doing.id) == ["Perehdytys", "Kohdekatselmus"] }
                try await waitFor("stored after the keys") {
                    try await Self.stored(server, seeded) == ["Tehtävät": [], "Käynnissä": ["Perehdytys", "Kohdekatselmus"], "Valmis": ["Avainten luovutus"]]
                }
                #expect(try await page.text("#planner-announce").contains("Perehdytys"))

                // The supervisor's board followed every move without a reload; their filter shows only their task.
                try await two.asOther()
                try await waitFor("the moves live") {
                    let doing = try await page.titles(in: seeded.doing.id)
                    let done = try await page.titles(in: seeded.done.id)
                    return doing == ["Perehdytys", "Kohdekatselmus"] && done == ["Avainten luovutus"]
                }
                #expect(try await page.titles(in: seeded.todo.id).isEmpty)
                #expect(try await browser.executeScript("return window.__notReloaded === true", as: Bool.self))
                try await page.click("#planner-filter-mine")
                try await waitFor("only mine") { try await page.titles(in: seeded.doing.id) == ["Kohdekatselmus"] }
                #expect(try await page.titles(in: seeded.done.id).isEmpty)
                try await browser.saveScreenshot("planner-desktop-supervisor-live")

                // As its assignee the supervisor ticks the task's checklist and marks it done, and may change nothing else.
                try await page.click("\(page.card(seeded.survey.id)) [data-action=\"open\"]")
                try await waitFor("the assignee's dialog") { try await browser.exists("#planner-progress-status") }
                #expect(try await !browser.exists("#planner-edit-title"))
                let account = try AccountID.parse(Self.account)
                try await page.click("#planner-check-\(seeded.survey.checklist[0].id)")
                try await waitFor("ticked") { try await server.kanava.store.plannerTask(seeded.survey.id, in: account)?.checklist.first?.done == true }
                try await page.select("#planner-progress-status", "done")
                try await waitFor("done") { try await server.kanava.store.plannerTask(seeded.survey.id, in: account)?.status == .done }
                try await page.click("#planner-dialog-close")
                try await waitFor("the card done, no longer overdue") {
                    try await browser.exists("\(page.card(seeded.survey.id))[data-status=\"done\"]:not(.is-overdue)")
                }
                #expect(try await page.text("\(page.card(seeded.survey.id)) .planner-progress") == "Tarkistuslista 2/2")
                let problems = try await browser.browserLog().filter {
                    ($0.level == "SEVERE" && !$0.message.contains("Failed to load resource")) || $0.message.contains("Content Security Policy")
                }
                #expect(problems.isEmpty, "\(problems.map(\.message))")
            }
        }
    }

    @Test func theDirectorAppliesTheTakeoverTemplateAndEditsATaskInItsDialog() async throws {
        try await withServer { server in
            let seeded = try await Self.setUp(server)
            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = PlannerPage(browser: browser)
                try await shell.signInFromStart(seeded.director.email, expecting: [Self.account])
                try await page.open(shell)

                // The takeover template, counted from the account's start date (shown in the form).
                try await page.click("#planner-apply-template")
                try await waitFor("the templates") { try await page.value("#planner-template-choice") == "takeover" }
                #expect(try await page.value("#planner-template-base") == "2026-03-01")
                #expect(try await page.text("#planner-template-outline").contains("Ennen aloitusta"))
                try await page.click("#planner-template-save")
                try await waitFor("the template's buckets") { try await browser.findAll(".planner-bucket").count == 7 }
                #expect(try await page.text(".planner-part .flash").contains("Pohjasta lisättiin"))
                let kickoff = try #require(try await server.kanava.planner.board(try AccountID.parse(Self.account), for: .person(seeded.director))
                    .tasks.first { $0.templateKey == "takeover/2026-03-01/kickoff" })
                #expect(kickoff.dueDate == LocalDate("2026-01-30"))
                #expect(kickoff.assignee?.id == seeded.director.id)

                // The survey's dialog: a due date before the start date is refused in Finnish, then the task is saved.
                try await page.click("\(page.card(seeded.survey.id)) [data-action=\"open\"]")
                try await waitFor("the dialog") { try await page.value("#planner-edit-title") == "Kohdekatselmus" }
                #expect(try await browser.executeScript("return document.querySelector('#planner-task-dialog').open", as: Bool.self))
                try await page.setDate("#planner-edit-start", "2026-03-20")
                try await page.setDate("#planner-edit-due", "2026-03-10")
                try await page.click("#planner-edit-save")
                try await waitFor("the refusal") { try await page.text("#planner-edit-error") == "Eräpäivä ei voi olla ennen aloituspäivää." }
                try await page.setDate("#planner-edit-due", "2026-03-31")
                try await page.select("#planner-edit-status", "in_progress")
                try await browser.sendKeys("Jätehuolto" + Key.enter, to: browser.find("#planner-edit-new-item"))
                try await page.click("#planner-edit-save")
                try await waitFor("saved") { try await page.text("#planner-task-dialog .flash") == "Tallennettu." }
                let saved = try #require(try await server.kanava.store.plannerTask(seeded.survey.id, in: try AccountID.parse(Self.account)))
                #expect(saved.startDate == LocalDate("2026-03-20"))
                #expect(saved.dueDate == LocalDate("2026-03-31"))
                #expect(saved.status == .inProgress)
                #expect(saved.checklist.map(\.text) == ["Avaimet", "Mittaukset", "Jätehuolto"])

                // A comment, then closed: the card shows the new state and the focus is back on it.
                try await browser.sendKeys("Aloitetaan maanantaina.", to: browser.find("#planner-comment-body"))
                try await page.click("#planner-comment-send")
                try await waitFor("the comment") { try await page.text("#planner-comments").contains("Aloitetaan maanantaina.") }
                try await browser.saveScreenshot("planner-desktop-dialog")
                try await page.click("#planner-dialog-close")
                try await waitFor("the dialog closed") { try await !browser.exists("#planner-task-dialog") }
                #expect(try await page.text("\(page.card(seeded.survey.id)) .planner-progress") == "Tarkistuslista 1/3")
                #expect(try await page.text("\(page.card(seeded.survey.id)) .planner-comment-count") == "1 kommentti")
                #expect(try await browser.executeScript("return document.activeElement.closest('[data-task-id]')?.dataset.taskId ?? ''", as: String.self)
                    == "\(seeded.survey.id)")
            }
        }
    }

    @Test func onAPhoneTheBucketsAreStackedAndATaskMovesWithTheMoveControl() async throws {
        try await withServer { server in
            let seeded = try await Self.setUp(server)
            try await withBrowser(.phone) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = PlannerPage(browser: browser)
                try await shell.signInFromStart(seeded.director.email, expecting: [Self.account])
                try await page.open(shell)
                let lefts = try await browser.executeScript(
                    "return [...document.querySelectorAll('.planner-bucket')].map((node) => Math.round(node.getBoundingClientRect().left))", as: [Int].self)
                #expect(Set(lefts).count == 1, "stacked: \(lefts)")
                #expect(try await !shell.scrollsHorizontally())
                try await page.click("\(page.card(seeded.orientation.id)) [data-action=\"move\"]")
                try await page.select("#planner-move-bucket", "\(seeded.done.id)")
                try await page.click("#planner-move-save")
                try await waitFor("moved on the phone") { try await page.titles(in: seeded.done.id) == ["Perehdytys"] }
                #expect(try await !shell.scrollsHorizontally())
                try await browser.saveScreenshot("planner-phone")
                #expect(try await Self.stored(server, seeded)["Valmis"] == ["Perehdytys"])
            }
        }
    }
}

/// The planner section as a person uses it.
struct PlannerPage {
    let browser: WebDriver

    /// Opens the account's planner section and waits for its board.
    func open(_ shell: ShellPage) async throws {
        try await browser.navigate(to: shell.url("#/accounts/\(PlannerTests.account)/planner"))
        try await shell.waitForChannel(titled: PlannerTests.accountName)
        try await waitFor("the planner") { try await browser.exists("#planner-board .planner-bucket") }
    }

    func card(_ id: PlannerTaskID) -> String {
        "#planner-board .planner-card[data-task-id=\"\(id)\"]"
    }

    /// The titles of the cards in a bucket's column, top to bottom (read in one script: the board is redrawn live).
    func titles(in bucket: PlannerBucketID) async throws -> [String] {
        try await browser.executeScript("""
            return [...document.querySelectorAll(`#planner-board .planner-tasks[data-bucket-id="${arguments[0]}"] .planner-card-title`)]
              .map((node) => node.textContent);
            """, arguments: ["\(bucket)"], as: [String].self)
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

    /// Chooses an option of a select as a person would (the change event included).
    func select(_ css: String, _ value: String) async throws {
        try await waitFor(css) { try await browser.exists(css) }
        #expect(try await browser.setField(css, to: value, firing: ["change"]))
    }

    func setDate(_ css: String, _ date: String) async throws {
        try await browser.setField(css, to: date, firing: ["input", "change"])
    }

    /// Drags a card to the end of a bucket's column with the HTML5 drag events a mouse drag fires (WebDriver's own
    /// pointer actions do not start HTML5 drags in Chromium).
    func drag(_ task: PlannerTaskID, to bucket: PlannerBucketID) async throws {
        #expect(try await browser.executeScript("""
            const card = document.querySelector(`#planner-board .planner-card[data-task-id="${arguments[0]}"]`);
            const list = document.querySelector(`#planner-board .planner-tasks[data-bucket-id="${arguments[1]}"]`);
            const data = new DataTransfer();
            const box = list.getBoundingClientRect();
            const at = { bubbles: true, cancelable: true, dataTransfer: data, clientX: box.left + 10, clientY: box.bottom - 2 };
            card.dispatchEvent(new DragEvent('dragstart', at));
            list.dispatchEvent(new DragEvent('dragenter', at));
            const accepted = !list.dispatchEvent(new DragEvent('dragover', at));
            list.dispatchEvent(new DragEvent('drop', at));
            card.dispatchEvent(new DragEvent('dragend', at));
            return accepted;
            """, arguments: ["\(task)", "\(bucket)"], as: Bool.self), "the column accepts the drop")
    }
}
