import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The browser shell in real headless Chromium against a live server: sign-in, the account list, the channel
/// page frame, live updates over the WebSocket, the phone layout, and server data that must stay text.
@Suite("Browser shell", Chromium.requiredOrInstalled)
struct ShellTests {
    @Test func signInAccountListChannelSignOut() async throws {
        try await withServer { server in
            let installation = server.installation
            let ville = try await installation.person("ville@example.fi", "Ville Mäkinen")
            let aino = try await installation.person("aino@example.fi", "Aino Virtanen")
            for (id, name) in [("A1001", "Östra kiinteistö Ab"), ("A1002", "Zeta Oy"), ("A1003", "Åbo Akademi"),
                               ("A1004", "Äänekosken terveyskeskus"), ("A1005", "Aalto Oy")] {
                try await installation.account(id, name)
                try await installation.member(id, ville.email, .supervisor)
            }
            try await installation.account("A1006", "Kuopion kaupunki") // Ville is not a member
            try await installation.member("A1006", aino.email, .manager)
            try await installation.member("A1002", aino.email, .accountDirector)

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.open()
                try await shell.waitForView("signin")

                try await shell.signIn(ville.email, password: "not the password")
                #expect(try await shell.waitForSignInError() == ShellPage.finnishText("errors.invalid_credentials"))
                #expect(try await browser.exists("#app[data-view=\"signin\"]"))

                try await shell.signIn(ville.email, password: TestInstallation.password)
                try await shell.waitForView("accounts")
                // Finnish order: A–Z, then Å, Ä, Ö.
                try await shell.waitForAccounts(["A1005", "A1002", "A1003", "A1004", "A1001"])
                #expect(try await shell.accountNames() == ["Aalto Oy", "Zeta Oy", "Åbo Akademi", "Äänekosken terveyskeskus", "Östra kiinteistö Ab"])
                #expect(try await browser.text(of: browser.find("#person-name")) == "Ville Mäkinen")

                try await shell.search("oy")
                try await shell.waitForAccounts(["A1005", "A1002"])
                try await shell.search("abo") // matches Åbo without the ring
                try await shell.waitForAccounts(["A1003"])
                try await shell.search("")
                try await shell.waitForAccounts(["A1005", "A1002", "A1003", "A1004", "A1001"])
                try await browser.saveScreenshot("desktop-accounts")

                try await shell.openAccount("A1002")
                try await shell.waitForChannel(titled: "Zeta Oy")
                for pane in ["#channel-view", "#toc", "#channel-content", "#chat-pane"] {
                    #expect(try await shell.isDisplayed(pane), "\(pane) is shown on a wide screen")
                }
                try await shell.waitForConnection("online")
                try await browser.saveScreenshot("desktop-channel")

                // Live on this page: Aino's new role shows. Ville losing another account, which he hears
                // about first, leaves the page alone.
                try await server.kanava.accounts.removeMember(AccountID.parse("A1001"), person: ville.id, by: TestInstallation.system)
                _ = try await server.kanava.accounts.changeRole(AccountID.parse("A1002"), person: aino.id, role: "manager", by: TestInstallation.system)
                let roles = [aino.name: try ShellPage.finnishText("roles.manager"), ville.name: try ShellPage.finnishText("roles.supervisor")]
                try await waitFor("Aino's new role", read: { try await shell.memberRoles() }, until: { $0 == roles })
                #expect(try await browser.text(of: browser.find("#channel-title")) == "Zeta Oy")
                #expect(try await browser.findAll("#notice-region .notice").isEmpty)

                // Back on the list, the lost account is gone.
                try await browser.click(browser.find("#back-to-accounts"))
                try await shell.waitForView("accounts")
                try await shell.waitForAccounts(["A1005", "A1002", "A1003", "A1004"])

                // Being added to a new account updates the list in place: the same list element, no reload.
                let list = try await browser.find("#account-list")
                try await installation.account("A1007", "Björkby Oy")
                try await installation.member("A1007", ville.email, .sales)
                try await shell.waitForAccounts(["A1005", "A1007", "A1002", "A1003", "A1004"], in: list)

                try await shell.search("zeta")
                try await shell.waitForAccounts(["A1002"])
                try await shell.signOut()
                try await shell.waitForView("signin")
                let status = try await browser.executeScript(
                    "return fetch(arguments[0], { cache: 'no-store' }).then((response) => response.status)",
                    arguments: ["/api/session"], as: Int.self)
                #expect(status == 401)

                // The next person at this browser sees their own accounts, without Ville's search.
                try await shell.signIn(aino.email, password: TestInstallation.password)
                try await shell.waitForAccounts(["A1006", "A1002"])
                #expect(try await browser.property("value", of: browser.find("#account-search"), as: String.self) == "")
            }
        }
    }

    @Test func phoneLayout() async throws {
        try await withServer { server in
            let installation = server.installation
            let person = try await installation.person("maija.meikalainen@example.fi", "Maija Meikäläinen-Virtanen")
            try await installation.person("kristiina.pohjanpalo-lindqvist@example.fi", "Kristiina Pohjanpalo-Lindqvist")
            try await installation.account("A2001", "Pohjois-Pohjanmaan sairaanhoitopiirin kuntayhtymä", start: "2024-03-01")
            try await installation.account("A2002", "Aalto Oy")
            for account in ["A2001", "A2002"] { try await installation.member(account, person.email, .supervisor) }
            try await installation.member("A2001", "kristiina.pohjanpalo-lindqvist@example.fi", .accountDirector)

            try await withBrowser(.phone) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.open()
                try await shell.waitForView("signin")
                #expect(try await browser.executeScript("return window.innerWidth", as: Int.self) == Screen.phone.size.width)
                #expect(try await !shell.scrollsHorizontally(), "sign-in page")

                try await shell.signIn(person.email, password: TestInstallation.password)
                try await shell.waitForAccounts(["A2002", "A2001"])
                try await shell.waitForConnection("online")
                #expect(try await !shell.scrollsHorizontally(), "account list")
                try await browser.saveScreenshot("phone-accounts")

                try await shell.openAccount("A2001")
                try await shell.waitForChannel(titled: "Pohjois-Pohjanmaan sairaanhoitopiirin kuntayhtymä")
                try await waitFor("the member list") { try await browser.exists("#channel-content .member-list li") }
                // One part at a time, chosen with the tabs; the content part first.
                for tab in ["content", "chat", "toc", "content"] {
                    try await browser.click(browser.find(".channel-tabs [data-tab=\"\(tab)\"]"))
                    for (pane, shownBy) in [("#toc", "toc"), ("#channel-content", "content"), ("#chat-pane", "chat")] {
                        #expect(try await shell.isDisplayed(pane) == (shownBy == tab), "\(pane) with the \(tab) tab")
                    }
                    let pressed = try await browser.attribute("aria-pressed", of: browser.find(".channel-tabs [data-tab=\"\(tab)\"]"))
                    #expect(pressed == "true")
                    #expect(try await !shell.scrollsHorizontally(), "channel page, \(tab) tab")
                }
                try await browser.saveScreenshot("phone-channel")
            }
        }
    }

    @Test func noScriptFromData() async throws {
        let hostile = "Oy <img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=1</script>"
        try await withServer { server in
            let installation = server.installation
            let person = try await installation.person("mallory@example.fi", "Mallory " + hostile)
            try await installation.account("A3001", hostile)
            try await installation.member("A3001", person.email, .supervisor)

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(person.email, expecting: ["A3001"])
                #expect(try await shell.accountNames() == [hostile])
                #expect(try await browser.text(of: browser.find("#person-name")) == person.name)

                try await shell.openAccount("A3001")
                try await shell.waitForChannel(titled: hostile)
                let memberNames = try await waitFor("the member list", read: {
                    try await browser.findAll("#channel-content .member-name")
                }, until: { !$0.isEmpty })
                #expect(try await browser.text(of: memberNames[0]) == person.name)

                #expect(try await browser.executeScript("return document.body.querySelectorAll('img, script').length", as: Int.self) == 0)
                #expect(try await browser.executeScript("return window.__pwned === undefined", as: Bool.self))
                // The strict CSP would block an injected handler, but it would log a violation: there must be none.
                let violations = try await browser.browserLog().filter { $0.message.contains("Content Security Policy") }
                #expect(violations.isEmpty, "\(violations.map(\.message))")
            }
        }
    }
}
