import Foundation
import HTTPTypes
import HummingbirdTesting
import KanavaCore
import KanavaTestSupport
import NIOCore
import Testing

/// The integration pages: an admin's bots (`#/admin/bots`), a director's incoming webhooks
/// (`#/accounts/<id>/webhooks`) and a person's calendar feed (below the annual clock). Each secret the page shows
/// once is then used from outside the browser, as a bot, a webhook sender or a calendar would.
@Suite("Browser integrations", .serialized, Chromium.requiredOrInstalled)
struct IntegrationsPageTests {
    @Test func anAdminCreatesABotWhoseShownTokenWorks() async throws {
        try await withServer { server in
            let t = server.installation
            let admin = try await t.person("paakayttaja@example.fi", "Pää Käyttäjä", global: .admin)
            try await t.account("A1", "Östra kiinteistö Ab")
            try await t.account("A2", "Zeta Oy")

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(admin.email)
                try await browser.click(browser.find("#admin-bots-link"))
                try await shell.waitForView("bots")
                try await waitFor("the bot form") { try await browser.exists("#bot-form input[value=\"A2\"]") }

                // A bot for Zeta Oy only.
                try await browser.sendKeys("Raportoija", to: browser.find("#bot-name"))
                try await browser.click(browser.find("#bot-form input[value=\"A2\"]"))
                try await browser.click(browser.find("#bot-create"))
                try await waitFor("the token") { try await browser.exists("#bot-token") }
                let token = try await browser.property("value", of: browser.find("#bot-token"), as: String.self)
                #expect(token.hasPrefix("kbt_"))
                try await waitFor("the bot in the list") { try await browser.findAll("#bots-list > li").count == 1 }
                #expect(try await browser.text(of: browser.find("#bots-list > li .bot-channel-names")) == "Zeta Oy")
                try await browser.saveScreenshot("integrations-bots-token")

                let answer = try await HTTP.send(.get, port: server.port, "/api/bot/channels", headers: [.authorization: "Bearer \(token)"])
                #expect(answer.status == 200)
                let channels = try JSONDecoder().decode(BotChannels.self, from: answer.body).channels
                #expect(channels.map(\.id) == ["A2"])

                // Revoked (after asking again), the token stops working.
                try await browser.click(browser.find("#bots-list > li [data-action=\"revoke\"]"))
                try await browser.click(browser.find("#bots-list > li [data-action=\"confirm\"]"))
                try await waitFor("the bot revoked") { try await browser.exists("#bots-list > li[data-revoked=\"true\"]") }
                let refused = try await HTTP.send(.get, port: server.port, "/api/bot/channels", headers: [.authorization: "Bearer \(token)"])
                #expect(refused.status == 401)
                try await expectNoScriptErrors(browser)
            }
        }
    }

    @Test func aDirectorCreatesAWebhookWhoseShownURLPostsToTheChat() async throws {
        try await withServer { server in
            let t = server.installation
            let director = try await t.person("aino.virtanen@example.fi", "Aino Virtanen")
            let supervisor = try await t.person("ville.makinen@example.fi", "Ville Mäkinen")
            try await t.account("A1", "Östra kiinteistö Ab")
            try await t.member("A1", director.email, .accountDirector)
            try await t.member("A1", supervisor.email, .supervisor)

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(director.email, expecting: ["A1"])
                try await shell.openAccount("A1")
                try await shell.waitForChannel(titled: "Östra kiinteistö Ab")
                try await browser.click(browser.find("#channel-webhooks"))
                try await shell.waitForView("webhooks")
                try await waitFor("the webhook form") { try await browser.isDisplayed(browser.find("#webhook-form")) }
                try await browser.sendKeys("Valvontajärjestelmä", to: browser.find("#webhook-name"))
                try await browser.click(browser.find("#webhook-create"))
                try await waitFor("the address") { try await browser.exists("#webhook-url") }
                let url = try await browser.property("value", of: browser.find("#webhook-url"), as: String.self)
                try await waitFor("the webhook in the list") { try await browser.findAll("#webhooks-list > li").count == 1 }
                try await browser.saveScreenshot("integrations-webhook-url")

                let path = try #require(URL(string: url)?.path)
                #expect(path.hasPrefix("/hooks/"))
                let posted = try await HTTP.send(.post, port: server.port, path, headers: [.contentType: "application/json"],
                                                 body: Data(#"{"text":"Hälytys: ovi 3 auki"}"#.utf8))
                #expect(posted.status == 200)
                let chat = try await server.kanava.chat.history(try AccountID.parse("A1"), .channel, before: nil, limit: 50, for: .person(director))
                #expect(chat.messages.map(\.body) == ["Hälytys: ovi 3 auki"])
                #expect(chat.messages.first?.authorName == "Valvontajärjestelmä")

                // Deleted (after asking again), the address stops at once.
                try await browser.click(browser.find("#webhooks-list > li [data-action=\"delete\"]"))
                try await browser.click(browser.find("#webhooks-list > li [data-action=\"confirm\"]"))
                try await waitFor("the list empty") { try await browser.findAll("#webhooks-list > li").isEmpty }
                let gone = try await HTTP.send(.post, port: server.port, path, headers: [.contentType: "application/json"],
                                               body: Data(#"{"text":"Vielä"}"#.utf8))
                #expect(gone.status == 404)
            }
            // A member has no link, and the page refuses them.
            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(supervisor.email, expecting: ["A1"])
                try await shell.openAccount("A1")
                try await shell.waitForChannel(titled: "Östra kiinteistö Ab")
                #expect(try await browser.exists("#channel-webhooks") == false)
                try await browser.navigate(to: shell.url("#/accounts/A1/webhooks"))
                try await waitFor("the page to refuse") { try await browser.exists("#webhooks-forbidden") }
                #expect(try await browser.isDisplayed(browser.find("#webhook-form")) == false)
                try await expectNoScriptErrors(browser)
            }
        }
    }

    @Test func aPersonCreatesAndRevokesTheirCalendarFeed() async throws {
        try await withServer { server in
            let t = server.installation
            let supervisor = try await t.person("ville.makinen@example.fi", "Ville Mäkinen")
            try await t.account("A1", "Östra kiinteistö Ab")
            try await t.member("A1", supervisor.email, .supervisor)

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(supervisor.email)
                try await browser.navigate(to: shell.url("#/accounts/A1/annual-clock"))
                try await shell.waitForChannel(titled: "Östra kiinteistö Ab")
                try await waitFor("the feed state") {
                    try await browser.text(of: browser.find("#feed-state")) == ShellPage.finnishText("feed.none")
                }
                try await browser.click(browser.find("#feed-create"))
                try await waitFor("the address") { try await browser.exists("#feed-url") }
                let url = try await browser.property("value", of: browser.find("#feed-url"), as: String.self)
                let path = try #require(URL(string: url)?.path)
                #expect(path.hasPrefix("/calendar/"))
                let feed = try await HTTP.send(.get, port: server.port, path)
                #expect(feed.status == 200)
                #expect(feed.contentType?.hasPrefix("text/calendar") == true)
                #expect(String(decoding: feed.body, as: UTF8.self).hasPrefix("BEGIN:VCALENDAR"))
                try await waitFor("the feed shown as existing") { try await browser.exists("#feed-revoke") }
                _ = try await browser.executeScript("document.querySelector('#calendar-feed').scrollIntoView({ block: 'center' }); return true", as: Bool.self)
                try await browser.saveScreenshot("integrations-calendar-feed")

                try await browser.click(browser.find("#feed-revoke"))
                try await browser.click(browser.find("#calendar-feed [data-action=\"confirm\"]"))
                try await waitFor("the feed gone") {
                    try await browser.text(of: browser.find("#feed-state")) == ShellPage.finnishText("feed.none")
                }
                #expect(try await browser.exists("#feed-url") == false)
                #expect(try await HTTP.send(.get, port: server.port, path).status == 404)
                try await expectNoScriptErrors(browser)
            }
        }
    }
}

private struct BotChannels: Decodable {
    struct Channel: Decodable { var id: String; var name: String }
    var channels: [Channel]
}

/// A plain HTTP request to the test server, outside the browser (no session cookie).
private enum HTTP {
    struct Answer {
        var status: Int
        var contentType: String?
        var body: Data
    }

    static func send(_ method: HTTPRequest.Method, port: Int, _ path: String, headers: HTTPFields = [:], body: Data? = nil) async throws -> Answer {
        let request = TestClient.Request(path, method: method, authority: "127.0.0.1:\(port)", headers: headers,
                                         body: body.map { ByteBuffer(bytes: $0) })
        let response = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.execute(request)
        }
        return Answer(status: Int(response.status.code), contentType: response.headers[.contentType],
                      body: Data(response.body?.readableBytesView ?? ByteBuffer().readableBytesView))
    }
}
