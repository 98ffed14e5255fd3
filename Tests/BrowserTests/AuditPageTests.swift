import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The admins' audit log page (`#/admin/audit`).
@Suite("Browser audit log", .serialized, Chromium.requiredOrInstalled)
struct AuditPageTests {
    @Test func anAdminReadsWhoSignedInAndFromWhereAndFiltersByAction() async throws {
        try await withServer { server in
            let t = server.installation
            let admin = try await t.person("paakayttaja@example.fi", "Pää Käyttäjä", global: .admin)
            let supervisor = try await t.person("esimies@example.fi", "Esimies")
            // Someone tries a wrong password for the supervisor, from outside the browser.
            #expect(try await server.session().signIn(supervisor.email, password: "väärä salasana").status == .unauthorized)

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(admin.email)
                try await browser.click(browser.find("#admin-audit-link"))
                try await shell.waitForView("audit")
                try await waitFor("the admin's own sign-in") {
                    try await browser.exists("#audit-rows tr[data-action=\"auth.sign_in\"]")
                }
                let signIn = try await browser.text(of: browser.find("#audit-rows tr[data-action=\"auth.sign_in\"]"))
                #expect(signIn.contains("person:\(admin.id)"))
                #expect(signIn.contains("127.0.0.1"))

                // Only the failed attempt, with the e-mail it was made with.
                try await browser.executeScript("""
                    const select = document.querySelector('#audit-action');
                    select.value = 'auth.sign_in_failed';
                    return true;
                    """, as: Bool.self)
                try await browser.click(browser.find("#audit-filters button[type=\"submit\"]"))
                try await waitFor("only the failed sign-in") {
                    let rows = try await browser.findAll("#audit-rows tr").count
                    let failed = try await browser.exists("#audit-rows tr[data-action=\"auth.sign_in_failed\"]")
                    return rows == 1 && failed
                }
                #expect(try await browser.text(of: browser.find("#audit-rows .audit-detail")).contains("email: \(supervisor.email)"))
                try await expectNoScriptErrors(browser)
            }

            // A supervisor has no link to it, and the API refuses them.
            try await withBrowser(.phone) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                try await shell.signInFromStart(supervisor.email)
                #expect(try await !browser.exists("#admin-audit-link"))
            }
        }
    }
}
