import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The admin page of channels that deviate from the table-of-contents template (`#/admin/template`).
@Suite("Browser template drift", Chromium.requiredOrInstalled)
struct TemplatePageTests {
    @Test func adminsSeeWhichChannelsDeviateAndHowOthersHaveNoLink() async throws {
        try await withServer { server in
            let t = server.installation
            let admin = try await t.person("paakayttaja@example.fi", "Pää Käyttäjä", global: .admin)
            let supervisor = try await t.person("esimies@example.fi", "Ville Mäkinen")
            try await t.account("A1", "Östra kiinteistö Ab")
            try await t.account("A2", "Zeta Oy")
            try await t.member("A1", supervisor.email, .supervisor)
            _ = try await server.kanava.sections.addCustom(try AccountID.parse("A1"), title: "Työmaat", by: TestInstallation.system)
            _ = try await server.kanava.sections.setInUse(try AccountID.parse("A1"), key: "webinars", inUse: false, by: TestInstallation.system)

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(admin.email)
                try await browser.click(browser.find("#admin-template-link"))
                try await shell.waitForView("template")
                try await waitFor("the drift list", read: {
                    try await browser.findAll("#template-drift > li").count
                }, until: { $0 == 1 })
                let item = try await browser.find("#template-drift > li[data-account-id='A1']")
                let text = try await browser.text(of: item)
                #expect(text.contains("own section 14 Työmaat"))
                #expect(text.contains("not used: 9 Webinaarit"))
                #expect(try await browser.exists("#template-drift > li[data-account-id='A2']") == false)
            }
            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(supervisor.email)
                #expect(try await browser.exists("#admin-template-link") == false)
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/#/admin/template")
                try await waitFor("the page to refuse") { try await browser.exists("#template-forbidden") }
            }
        }
    }
}
