import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// Chat, urgent notices and search in headless Chromium against a live server: a director and a supervisor at the
/// same time (two windows of one browser, one under `127.0.0.1` and one under `localhost`, so each has its own
/// session cookie and the suite needs one browser slot), the urgent-notice banner and its acknowledgement followed
/// live by the director, messages live, a thread, an @mention picked from the list, editing and deleting, search,
/// and the chat and banner on a phone.
@Suite("Browser chat", .serialized, Chromium.requiredOrInstalled)
struct ChatTests {
    static let account = "A7001"
    static let accountName = "Wärtsi kirjasto kuntayhtymä"

    struct People {
        var director: Person
        var supervisor: Person
        var regional: Person
    }

    /// A director, a supervisor and a regional director in one account.
    static func setUp(_ server: TestServer) async throws -> People {
        let installation = server.installation
        let director = try await installation.person("aino.virtanen@example.fi", "Aino Virtanen")
        let supervisor = try await installation.person("ville.makinen@example.fi", "Ville Mäkinen")
        let regional = try await installation.person("eino.salo@example.fi", "Eino Salo")
        try await installation.account(account, accountName, start: "2024-03-01")
        try await installation.member(account, director.email, .accountDirector)
        try await installation.member(account, supervisor.email, .supervisor)
        try await installation.member(account, regional.email, .regionalDirector)
        return People(director: director, supervisor: supervisor, regional: regional)
    }

    @Test func theDirectorSeesAnUrgentNoticeAcknowledgedLive() async throws {
        try await withServer { server in
            let people = try await Self.setUp(server)
            try await withBrowser(.desktop) { browser in
                let people2 = try await TwoPeople.signIn(browser, server, director: people.director, other: people.supervisor)
                let director = people2.director
                let page = ChatPage(browser: browser)

                // The director writes an urgent notice in the channel's notices.
                try await people2.asDirector()
                try await director.openAccount(Self.account)
                try await director.waitForChannel(titled: Self.accountName)
                try await page.click("#open-notices")
                try await page.click("#notice-new")
                try await page.click("#notice-priority-urgent")
                try await browser.sendKeys("Vesivahinko Tampereella", to: browser.find("#notice-title"))
                try await browser.sendKeys("Sulkekaa **pääventtiili** ja kuitatkaa tämä.", to: browser.find("#notice-body"))
                try await page.click("#notice-submit")
                let item = "#notice-list li[data-priority=\"urgent\"]"
                // The list is drawn again for the live notice.posted event: read until it holds still.
                let id = try await waitFor("the notice in the list", read: {
                    try await browser.attribute("data-notice-id", of: browser.find(item))
                }, until: { $0 != nil }) ?? ""
                try await waitFor("the notice's title and text") {
                    let title = try await browser.text(of: browser.find("\(item) .notice-title"))
                    let strong = try await browser.text(of: browser.find("\(item) .notice-body strong"))
                    return title == "Vesivahinko Tampereella" && strong == "pääventtiili"
                }

                // Who has acknowledged: the supervisor and the regional director are pending.
                try await page.click("\(item) [data-action=\"status\"]")
                let status = "#notice-status-\(id)"
                try await waitFor("the supervisor pending") {
                    try await browser.exists("\(status) li[data-state=\"pending\"][data-person-id=\"\(people.supervisor.id)\"]")
                }
                #expect(try await browser.exists("\(status) .ack-summary[data-acknowledged=\"0\"][data-pending=\"2\"]"))
                // Marks this page: a reload would lose it.
                _ = try await browser.executeScript("window.__notReloaded = true; return true", as: Bool.self)
                try await browser.saveScreenshot("chat-desktop-director-notice-status")

                // The supervisor, on the account list, gets the banner and acknowledges it there.
                try await people2.asOther()
                let banner = "#urgent-banner [data-notice-id=\"\(id)\"]"
                try await waitFor("the banner") { try await browser.isDisplayed(browser.find(banner)) }
                #expect(try await browser.text(of: browser.find(banner)).contains("Vesivahinko Tampereella"))
                #expect(try await browser.text(of: browser.find(banner)).contains(Self.accountName))
                try await waitFor("the open-notice badge") {
                    try await browser.exists("#account-list [data-account-id=\"\(Self.account)\"] [data-open-notices=\"1\"]")
                }
                try await browser.saveScreenshot("chat-desktop-supervisor-banner")

                // An hour later the supervisor, still connected, is reminded: the notice flashes and is read out.
                server.clock.advance(by: 61 * 60)
                _ = try await server.kanava.noticeFollowUp.round()
                try await waitFor("the reminder") { try await browser.exists("\(banner).is-reminded") }
                try await waitFor("the reminder read out") {
                    try await browser.text(of: browser.find("#urgent-announcer")).contains("Vesivahinko Tampereella")
                }
                try await page.click("\(banner) [data-action=\"ack\"]")
                try await waitFor("the banner gone") { try await !browser.exists(banner) }
                #expect(try await !browser.isDisplayed(browser.find("#urgent-banner")))

                // The director's view follows without a reload: acknowledged, with the count.
                try await people2.asDirector()
                try await waitFor("the supervisor acknowledged") {
                    try await browser.exists("\(status) li[data-state=\"acknowledged\"][data-person-id=\"\(people.supervisor.id)\"]")
                }
                try await waitFor("the count") { try await browser.exists("\(status) .ack-summary[data-acknowledged=\"1\"][data-pending=\"1\"]") }
                #expect(try await !browser.exists("\(status) li[data-state=\"pending\"][data-person-id=\"\(people.supervisor.id)\"]"))
                #expect(try await browser.exists("\(item) .notice-counts[data-acknowledged=\"1\"]"))
                #expect(try await browser.text(of: browser.find("\(status) .ack-summary")).contains("50"))
                #expect(try await browser.executeScript("return window.__notReloaded === true", as: Bool.self))

                // Four hours on, the regional director who has not acknowledged is escalated (to nobody: no regional
                // director covers him), which the director is told under the notice and in the list.
                server.clock.advance(by: 240 * 60)
                _ = try await server.kanava.noticeFollowUp.round()
                try await waitFor("the escalation") { try await browser.text(of: browser.find("\(item) .notice-escalation")).contains(people.regional.name) }
                try await waitFor("escalated in the list") {
                    try await browser.text(of: browser.find("\(status) li[data-person-id=\"\(people.regional.id)\"]")).contains("eskaloitu")
                }
                #expect(try await !director.scrollsHorizontally())
                try await browser.saveScreenshot("chat-desktop-director-acknowledged")

                let stored = try await server.kanava.notices.status(try AccountID.parse(Self.account), NoticeID(Int64(id)!), for: .person(people.director))
                #expect(stored.acknowledged.map(\.person.id) == [people.supervisor.id])
            }
        }
    }

    @Test func messagesLiveThreadMentionEditAndDelete() async throws {
        try await withServer { server in
            let people = try await Self.setUp(server)
            try await withBrowser(.desktop) { browser in
                let two = try await TwoPeople.signIn(browser, server, director: people.director, other: people.supervisor)
                let page = ChatPage(browser: browser)
                try await two.asDirector()
                try await two.openChat(of: two.director)
                try await two.asOther()
                try await two.openChat(of: two.other)

                // The supervisor writes; the director sees it come in.
                let question = "Onko avaimet jo noudettu?"
                try await page.send(question)
                let mine = try await page.waitForMessage(containing: question)
                try await waitFor("stored, not pending") { try await !browser.exists("#chat-pane .is-pending") }
                try await two.asDirector()
                let seen = try await page.waitForMessage(containing: question)
                #expect(seen == mine)
                #expect(try await browser.text(of: browser.find("#message-\(seen) .message-author")) == people.supervisor.name)

                // The director answers in the thread; the supervisor sees the count, then the reply.
                try await page.click("#message-\(seen) .message-reply")
                try await waitFor("the thread") { try await browser.exists(".chat-view-thread #message-\(seen)") }
                try await page.send("Noudettu eilen, ovat toimistolla.", composer: "#composer-thread-input")
                let reply = try await page.waitForMessage(containing: "Noudettu eilen")
                try await two.asOther()
                try await waitFor("the reply count") { try await browser.exists("#message-\(seen) .message-replies[data-reply-count=\"1\"]") }
                try await page.click("#message-\(seen) .message-replies")
                try await waitFor("the reply in the thread") { try await browser.exists(".chat-view-thread #message-\(reply)") }
                #expect(try await browser.text(of: browser.find("#message-\(reply)")).contains("toimistolla"))
                try await page.click(".chat-view-thread .back-link")
                try await waitFor("the chat again") { try await browser.exists(".chat-view-chat #message-\(seen)") }

                // The director mentions the supervisor by picking the name from the list.
                try await two.asDirector()
                try await page.click(".live-link[data-part=\"chat\"]")
                let composer = try await browser.find("#composer-chat-input")
                try await browser.sendKeys("@Vil", to: composer)
                try await waitFor("the member list") { try await browser.isDisplayed(browser.find("#composer-chat-mentions")) }
                let options = try await browser.findAll("#composer-chat-mentions [role=\"option\"]")
                #expect(options.count == 1, "only Ville matches")
                #expect(try await browser.text(of: options[0]).hasPrefix("Ville Mäkinen"))
                try await browser.sendKeys(Key.enter, to: composer)
                #expect(try await browser.property("value", of: composer, as: String.self) == "@Ville Mäkinen ")
                #expect(try await !browser.isDisplayed(browser.find("#composer-chat-mentions")))
                try await browser.sendKeys("tarkista vielä takaoven lukko." + Key.enter, to: composer)
                let mention = try await page.waitForMessage(containing: "takaoven lukko")
                try await waitFor("the mention stored") {
                    try await browser.attribute("data-mentions", of: browser.find("#message-\(mention)")) == "\(people.supervisor.id)"
                }
                try await two.asOther()
                try await waitFor("the mention highlighted") { try await browser.exists("#message-\(mention)[data-mentions-me]") }
                try await browser.saveScreenshot("chat-desktop-mention")

                // The supervisor edits and then deletes the question.
                try await page.click("#message-\(seen) [data-action=\"edit\"]")
                let editor = try await browser.find("#message-edit-\(seen)")
                try await browser.clear(editor)
                try await browser.sendKeys("Onko avaimet jo noudettu vartiosta?" + Key.enter, to: editor)
                try await waitFor("the edited text") { try await browser.text(of: browser.find("#message-\(seen) .message-body")) == "Onko avaimet jo noudettu vartiosta?" }
                #expect(try await browser.exists("#message-\(seen) .message-edited"))
                try await two.asDirector()
                try await waitFor("the edit seen live") { try await browser.text(of: browser.find("#message-\(seen) .message-body")).contains("vartiosta") }
                #expect(try await browser.text(of: browser.find("#message-\(seen) .message-edited")) == ShellPage.finnishText("chat.edited"))

                try await two.asOther()
                try await page.click("#message-\(seen) [data-action=\"delete\"]")
                try await page.click("#message-\(seen) [data-action=\"confirm-delete\"]")
                try await waitFor("deleted") { try await browser.exists("#message-\(seen)[data-deleted] .message-deleted") }
                #expect(try await !browser.exists("#message-\(seen) .message-deleted-text"), "a member does not see deleted text")
                #expect(try await browser.text(of: browser.find("#message-\(seen) .message-deleted")) == ShellPage.finnishText("chat.deleted"))

                // The director sees it deleted, its text kept for them, and the edit history.
                try await two.asDirector()
                try await waitFor("deleted for the director") { try await browser.exists("#message-\(seen)[data-deleted] .message-deleted-text") }
                #expect(try await browser.text(of: browser.find("#message-\(seen) .message-deleted-text")).contains("vartiosta"))
                try await page.click("#message-\(seen) [data-action=\"history\"]")
                try await waitFor("the earlier text") {
                    try await browser.text(of: browser.find("#message-\(seen) .message-edit-text")) == question
                }
                #expect(try await !two.director.scrollsHorizontally())
                try await browser.saveScreenshot("chat-desktop-director-deleted-history")
                let violations = try await browser.browserLog().filter { $0.message.contains("Content Security Policy") }
                #expect(violations.isEmpty, "\(violations.map(\.message))")
            }
        }
    }

    @Test func askTheDirectorAndTheDirectorAnswers() async throws {
        try await withServer { server in
            let people = try await Self.setUp(server)
            try await withBrowser(.desktop) { browser in
                let two = try await TwoPeople.signIn(browser, server, director: people.director, other: people.supervisor)
                let page = ChatPage(browser: browser)

                try await two.asOther()
                try await two.other.openAccount(Self.account)
                try await two.other.waitForChannel(titled: Self.accountName)
                try await page.click("#ask-director")
                try await waitFor("the private conversation") { try await browser.exists(".chat-view-conversation #composer-conversation-input") }
                #expect(try await browser.text(of: browser.find(".ask-intro")).contains(people.director.name))
                try await page.send("Saako siivouskomeron koodin vaihtaa?", composer: "#composer-conversation-input")
                let asked = try await page.waitForMessage(containing: "siivouskomeron")

                try await two.asDirector()
                try await browser.navigate(to: two.director.url("#/accounts/\(Self.account)/questions"))
                try await waitFor("the conversation listed") { try await browser.exists("#conversation-list [data-person-id=\"\(people.supervisor.id)\"] a") }
                try await page.click("#conversation-list [data-person-id=\"\(people.supervisor.id)\"] a")
                try await waitFor("the question") { try await browser.exists(".chat-view-conversation #message-\(asked)") }
                try await page.send("Saa, kerro uusi koodi vartijalle.", composer: "#composer-conversation-input")
                let answer = try await page.waitForMessage(containing: "uusi koodi")

                try await two.asOther()
                try await waitFor("the answer live") { try await browser.exists(".chat-view-conversation #message-\(answer)") }
                // Not in the open chat.
                try await page.click(".live-link[data-part=\"chat\"]")
                let none = try ShellPage.finnishText("chat.none")
                try await waitFor("the open chat, empty") { try await browser.text(of: browser.find(".chat-view-chat .timeline-status")) == none }
                #expect(try await !browser.exists("#message-\(asked)"))
            }
        }
    }

    @Test func aMessageWhoseAnswerIsLostIsSentAgainWithTheSameClientIdAndStoredOnce() async throws {
        try await withServer { server in
            let people = try await Self.setUp(server)
            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ChatPage(browser: browser)
                try await shell.signInFromStart(people.supervisor.email, expecting: [Self.account])
                try await browser.navigate(to: shell.url("#/accounts/\(Self.account)/chat"))
                try await waitFor("the chat") { try await browser.exists("#composer-chat-input") }
                try await shell.waitForConnection("online")

                // Text over the limit is refused before it is sent.
                _ = try await browser.executeScript("""
                    const input = document.querySelector('#composer-chat-input');
                    input.value = 'a'.repeat(4001);
                    input.dispatchEvent(new Event('input'));
                    return true;
                    """, as: Bool.self)
                try await browser.sendKeys(Key.enter, to: browser.find("#composer-chat-input"))
                try await waitFor("the refusal") { try await browser.text(of: browser.find("#composer-chat-error")).contains("4001") }
                #expect(try await !browser.exists("#chat-pane .is-pending"))
                try await browser.clear(browser.find("#composer-chat-input"))

                // Shift+Enter is a new line, Enter sends. (The server's Markdown shows a single line break as a space.)
                try await browser.sendKeys("Ensimmäinen rivi" + Key.shift + Key.enter + Key.releaseModifiers + "toinen rivi" + Key.enter,
                                           to: browser.find("#composer-chat-input"))
                _ = try await page.waitForMessage(containing: "toinen rivi")
                let written = try await server.kanava.chat.history(try AccountID.parse(Self.account), .channel, before: nil, limit: 50,
                                                                   for: .person(people.supervisor))
                #expect(written.messages.map(\.body) == ["Ensimmäinen rivi\ntoinen rivi"])

                // A text not sent yet is still there after a language switch (the page is drawn again).
                try await browser.sendKeys("Kesken", to: browser.find("#composer-chat-input"))
                try await page.click("#lang-switch")
                try await waitFor("the English chat") { try await browser.text(of: browser.find("#composer-chat-send")) == "Send" }
                #expect(try await browser.property("value", of: browser.find("#composer-chat-input"), as: String.self) == "Kesken")
                try await page.click("#lang-switch")
                try await waitFor("the Finnish chat") { try await browser.text(of: browser.find("#composer-chat-send")) == "Lähetä" }
                try await browser.clear(browser.find("#composer-chat-input"))

                // The socket closes right after the first send frame: its answer is lost. Every send frame's
                // clientId is noted.
                _ = try await browser.executeScript("""
                    window.__clientIds = [];
                    const send = WebSocket.prototype.send;
                    let dropped = false;
                    WebSocket.prototype.send = function (data) {
                      const frame = JSON.parse(data);
                      send.call(this, data);
                      if (frame.type !== 'send') return;
                      window.__clientIds.push(frame.clientId);
                      if (!dropped) {
                        dropped = true;
                        this.close();
                      }
                    };
                    return true;
                    """, as: Bool.self)
                let text = "Avain on vartiossa, lokero 12."
                try await page.send(text)
                let id = try await page.waitForMessage(containing: text)
                try await waitFor("no longer pending") { try await !browser.exists("#chat-pane .is-pending") }
                let clientIds = try await browser.executeScript("return window.__clientIds", as: [String].self)
                #expect(clientIds.count == 2, "sent again after the reconnection")
                #expect(Set(clientIds).count == 1, "with the same clientId")
                #expect(try await browser.findAll("#chat-pane .message[data-message-id=\"\(id)\"]").count == 1)
                let stored = try await server.kanava.chat.history(try AccountID.parse(Self.account), .channel, before: nil, limit: 50,
                                                                  for: .person(people.supervisor))
                #expect(stored.messages.filter { $0.body == text }.count == 1)
                #expect(stored.messages.first { $0.body == text }?.clientId == clientIds.first)
            }
        }
    }

    @Test func searchAndPhone() async throws {
        try await withServer { server in
            let people = try await Self.setUp(server)
            let id = try AccountID.parse(Self.account)
            server.clock.advance(by: 1) // written after the supervisor joined: unread for him
            let sent = try await server.kanava.chat.send(id, MessageDraft(clientId: nil, body: "Eino Mäkinen tulee tarkastukseen torstaina."),
                                                         by: .person(people.director))
            _ = try await server.kanava.notices.post(id, NoticeDraft(clientId: nil, priority: "urgent", title: "Palohälytin testataan",
                                                                      body: "Hälytin soi klo 10.", expiresAt: nil), by: .person(people.director))

            try await withBrowser(.phone) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = ChatPage(browser: browser)
                try await shell.signInFromStart(people.supervisor.email, expecting: [Self.account])
                let unread = "#account-list [data-account-id=\"\(Self.account)\"] [data-unread=\"1\"]"
                try await waitFor("one unread message") { try await browser.exists(unread) }

                // The banner is there on the account list, on a phone, and its button can be pressed.
                let banner = "#urgent-banner [data-notice-id]"
                try await waitFor("the banner") { try await browser.isDisplayed(browser.find(banner)) }
                #expect(try await browser.isDisplayed(browser.find("\(banner) [data-action=\"ack\"]")))
                #expect(try await !shell.scrollsHorizontally(), "account list with the banner")
                try await browser.saveScreenshot("chat-phone-banner")

                // Search from the header: on a phone its button opens the search page.
                try await page.click("#header-search-submit")
                try await shell.waitForView("search")
                try await browser.sendKeys("makinen" + Key.enter, to: browser.find("#search-input"))
                let hit = "#search-messages [data-message-id=\"\(sent.message.id)\"]"
                try await waitFor("the message found") { try await browser.exists(hit) }
                #expect(try await browser.text(of: browser.find("\(hit) mark")) == "Mäkinen")
                #expect(try await browser.text(of: browser.find("\(hit) .search-meta")).contains(Self.accountName))
                #expect(try await !shell.scrollsHorizontally(), "search results")
                try await browser.saveScreenshot("chat-phone-search")

                // An empty search: the server's reason is shown.
                let input = try await browser.find("#search-input")
                try await browser.clear(input)
                try await browser.sendKeys(Key.enter, to: input)
                try await waitFor("the server's reason") { try await browser.text(of: browser.find("#search-status")).contains("q:") }

                // Back to the result: the chat tab opens on the message.
                try await browser.navigate(to: shell.url("#/search?q=makinen"))
                try await page.click("\(hit) a")
                try await shell.waitForView("channel")
                try await waitFor("the message marked") { try await browser.exists("#message-\(sent.message.id).is-target") }
                #expect(try await shell.isDisplayed("#chat-pane"))
                #expect(try await !shell.isDisplayed("#channel-content"))

                // Chat on the phone: write, see it stored; the composer and the banner both on screen.
                try await page.send("Selvä, olen paikalla.")
                _ = try await page.waitForMessage(containing: "olen paikalla")
                try await waitFor("stored") { try await !browser.exists("#chat-pane .is-pending") }
                #expect(try await page.isInViewport("#composer-chat-send"))
                #expect(try await page.isInViewport("\(banner) [data-action=\"ack\"]"))
                #expect(try await !shell.scrollsHorizontally(), "chat")
                try await browser.saveScreenshot("chat-phone-chat")

                // The tabs: contents and back to the chat in one tap each.
                try await page.click(".channel-tabs [data-tab=\"toc\"]")
                try await page.click("#open-chat")
                try await waitFor("the chat tab") { try await shell.isDisplayed("#composer-chat-input") }

                // Acknowledged on the phone: the banner goes.
                try await page.click("\(banner) [data-action=\"ack\"]")
                try await waitFor("the banner gone") { try await !browser.exists(banner) }
                try await page.click(".live-link[data-part=\"notices\"]")
                try await waitFor("the notice, acknowledged") { try await browser.exists("#notice-list .notice-acknowledged") }
                #expect(try await !shell.scrollsHorizontally(), "notices")
                try await browser.saveScreenshot("chat-phone-notices")

                // The chat was read: nothing unread on the account list.
                try await page.click("#back-to-accounts")
                try await shell.waitForAccounts([Self.account])
                try await waitFor("nothing unread") { try await !browser.exists("#account-list [data-unread]") }

                // 360 px wide, with a new urgent notice arriving live: nothing scrolls sideways.
                try await browser.emulatePhone(width: 360, height: 740)
                _ = try await server.kanava.notices.post(id, NoticeDraft(clientId: nil, priority: "urgent", title: "Huoltokatko lauantaina klo 8–12",
                                                                          body: "Vesi on poikki.", expiresAt: nil), by: .person(people.director))
                try await waitFor("the new banner") { try await browser.exists(banner) }
                #expect(try await !shell.scrollsHorizontally(), "360 px: account list with the banner")
                try await browser.navigate(to: shell.url("#/accounts/\(Self.account)/chat"))
                try await waitFor("the chat at 360 px") { try await shell.isDisplayed("#composer-chat-input") }
                #expect(try await page.isInViewport("#composer-chat-send"))
                #expect(try await !shell.scrollsHorizontally(), "360 px: chat")
                try await browser.saveScreenshot("chat-phone-360-chat")
                try await page.click(".live-link[data-part=\"notices\"]")
                try await waitFor("the notices at 360 px") { try await browser.findAll("#notice-list [data-notice-id]").count == 2 }
                #expect(try await !shell.scrollsHorizontally(), "360 px: notices")
                try await browser.navigate(to: shell.url("#/search?q=makinen"))
                try await waitFor("results at 360 px") { try await browser.exists(hit) }
                #expect(try await !shell.scrollsHorizontally(), "360 px: search")
            }
        }
    }
}

/// A director and another person signed in at once in two windows of one browser: the director under
/// `127.0.0.1`, the other under `localhost` (each host has its own session cookie).
struct TwoPeople {
    let browser: WebDriver
    let director: ShellPage
    let other: ShellPage
    let directorWindow: String
    let otherWindow: String

    /// `accounts`: the account list both see after signing in.
    static func signIn(_ browser: WebDriver, _ server: TestServer, director: Person, other: Person,
                       accounts: [String] = [ChatTests.account]) async throws -> TwoPeople {
        let first = ShellPage(browser: browser, port: server.port)
        try await first.signInFromStart(director.email, expecting: accounts)
        let directorWindow = try await browser.windowHandle()
        let otherWindow = try await browser.newWindow()
        try await browser.switchToWindow(otherWindow)
        let second = ShellPage(browser: browser, port: server.port, host: "localhost")
        try await second.signInFromStart(other.email, expecting: accounts)
        return TwoPeople(browser: browser, director: first, other: second, directorWindow: directorWindow, otherWindow: otherWindow)
    }

    func asDirector() async throws {
        try await browser.switchToWindow(directorWindow)
    }

    func asOther() async throws {
        try await browser.switchToWindow(otherWindow)
    }

    /// Opens the test account's chat in the current window, which is `shell`'s.
    func openChat(of shell: ShellPage) async throws {
        try await browser.navigate(to: shell.url("#/accounts/\(ChatTests.account)/chat"))
        try await shell.waitForChannel(titled: ChatTests.accountName)
        try await waitFor("the chat") { try await browser.exists("#composer-chat-input") }
    }
}

/// The chat column as a person uses it.
struct ChatPage {
    let browser: WebDriver

    /// Waits for the element, scrolls it into the middle of the viewport and clicks it (found afresh if a live update
    /// replaced it).
    func click(_ css: String) async throws {
        try await waitFor(css) { try await browser.exists(css) }
        try await ContentPage(browser: browser).click(css)
    }

    /// Types `text` into a composer and presses Enter.
    func send(_ text: String, composer: String = "#composer-chat-input") async throws {
        try await browser.sendKeys(text + Key.enter, to: browser.find(composer))
    }

    /// Waits for a stored message (not one still sending) whose text contains `text`, and returns its id.
    func waitForMessage(containing text: String) async throws -> String {
        try await waitFor("a message with \"\(text)\"", read: {
            for message in try await browser.findAll("#chat-pane .message[data-message-id]") where try await browser.text(of: message).contains(text) {
                return try await browser.attribute("data-message-id", of: message) ?? ""
            }
            return ""
        }, until: { !$0.isEmpty })
    }

    /// Whether the element is inside the viewport (vertically) without scrolling.
    func isInViewport(_ css: String) async throws -> Bool {
        try await browser.executeScript("""
            const box = document.querySelector(arguments[0]).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
            """, arguments: [css], as: Bool.self)
    }
}
