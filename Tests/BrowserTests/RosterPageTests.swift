import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// The admin roster page (`#/admin/roster`) in headless Chromium against a live server: uploading a roster
/// (dry run, then apply), a file with errors, the mass-removal guard and "apply anyway", the refused-sync
/// banner on the account list, and what non-admins (do not) see.
@Suite("Browser roster", Chromium.requiredOrInstalled)
struct RosterPageTests {
    static let header = "account_id;account_name;site;city;person_email;person_name;role"

    /// A roster file's bytes: the header, then `rows`, with CRLF line ends like a Windows export.
    static func csv(_ rows: [String]) -> Data {
        Data(([header] + rows).joined(separator: "\r\n").utf8)
    }

    @Test func adminUploadsPreviewsAndAppliesARoster() async throws {
        try await withServer { server in
            let admin = try await server.installation.person("paakayttaja@example.fi", "Pää Käyttäjä", global: .admin)
            let file = try TempFile(Self.csv([
                "A2001;Östra kiinteistö Ab;Östra Oulu 1;Oulu;ville@yritys.example;Ville Mäkinen;supervisor",
                "A2001;Östra kiinteistö Ab;;;jaana@yritys.example;Jaana Järvinen;account_director",
                "A2002;Aalto Oy;Aalto Espoo 1;Espoo;ville@yritys.example;Ville Mäkinen;supervisor",
            ]))
            defer { file.remove() }

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = RosterPage(browser: browser)
                try await shell.signInFromStart(admin.email)
                try await shell.waitForAccounts([])

                try await browser.click(browser.find("#admin-roster-link"))
                try await shell.waitForView("roster")
                #expect(try await browser.exists("#roster-view"))
                try await waitFor("the empty history") {
                    try await browser.text(of: browser.find("#roster-history-status")) == ShellPage.finnishText("roster.historyEmpty")
                }

                // Choosing the file runs a dry run: a preview, and nothing written.
                try await page.choose(file)
                try await page.waitForPreview("dry_run")
                #expect(try await page.previewCount("membershipsAdded") == "3")
                #expect(try await page.previewCount("accountsCreated") == "2")
                #expect(try await page.previewCount("membershipsRemoved") == "0")
                #expect(try await browser.findAll("#roster-preview-changes tbody tr").count == 5)
                #expect(try await server.kanava.store.account(AccountID.parse("A2001")) == nil)
                #expect(try await server.kanava.store.rosterSyncs(limit: 10).isEmpty)
                try await browser.saveScreenshot("desktop-roster-preview")

                try await browser.click(browser.find("#roster-apply"))
                try await page.waitForPreview("applied")
                let applied = try #require(try await server.kanava.store.rosterSyncs(limit: 10).first)
                try await waitFor("the new sync in the history", read: { try await page.history() }, until: { $0 == [applied.id: "applied"] })
                // Its details are shown: what it changed.
                try await waitFor("the sync's changes", read: {
                    try await browser.findAll("#roster-detail[data-sync-id=\"\(applied.id)\"] #roster-changes tbody tr").count
                }, until: { $0 == 5 })
                #expect(try await shell.scrollsHorizontally() == false)
                try await browser.saveScreenshot("desktop-roster-applied")

                // The admin's account list has the new accounts, with no warning.
                try await browser.click(browser.find(".brand"))
                try await shell.waitForView("accounts")
                try await shell.waitForAccounts(["A2002", "A2001"])
                #expect(try await !browser.exists("#roster-refused-banner"))
            }
        }
    }

    @Test func aFileWithErrorsIsRejectedWithItsLinesAndNothingChanges() async throws {
        let hostile = "<img src=x onerror=\"window.__pwned=1\">"
        try await withServer { server in
            let admin = try await server.installation.person("paakayttaja@example.fi", global: .admin)
            let valid = [
                "A3001;Zeta Oy;Zeta Vaasa 1;Vaasa;ville@yritys.example;Ville Mäkinen;supervisor",
                "A3001;Zeta Oy;;;jaana@yritys.example;Jaana Järvinen;account_director",
            ]
            _ = try await server.kanava.roster.sync(data: Self.csv(valid), source: "billing.csv", by: TestInstallation.system)
            let before = Set(try await server.kanava.store.rosterSnapshot().memberships)
            // Line 2 is fine, line 3 has an unknown role (hostile markup, which must stay text), line 4 a bad e-mail.
            let file = try TempFile(Self.csv([
                valid[0],
                "A3001;Zeta Oy;;;olli@yritys.example;Olli Uusi;\(hostile)",
                "A3001;Zeta Oy;;;not-an-address;Aino Uusi;supervisor",
            ]))
            defer { file.remove() }

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = RosterPage(browser: browser)
                try await shell.signInFromStart(admin.email, expecting: ["A3001"])
                try await browser.click(browser.find("#admin-roster-link"))
                try await shell.waitForView("roster")
                try await waitFor("the history", read: { try await page.history().count }, until: { $0 == 1 })

                try await page.choose(file)
                try await page.waitForPreview("rejected")
                #expect(try await page.errorLines() == ["3", "4"])
                let line3 = try await browser.text(of: browser.find("#roster-errors tr[data-line=\"3\"] .col-value"))
                #expect(line3 == hostile)
                #expect(try await browser.exists("#roster-errors tr[data-line=\"4\"] .col-column"))
                #expect(try await !browser.exists("#roster-apply"))
                #expect(try await !browser.exists("#roster-force"))
                try await browser.saveScreenshot("desktop-roster-rejected")

                // Nothing applied, nothing recorded (a dry run), and the markup stayed text.
                #expect(Set(try await server.kanava.store.rosterSnapshot().memberships) == before)
                #expect(try await server.kanava.store.rosterSyncs(limit: 10).count == 1)
                #expect(try await page.history().values.sorted() == ["applied"])
                #expect(try await browser.executeScript("return document.body.querySelectorAll('img, script').length", as: Int.self) == 0)
                #expect(try await browser.executeScript("return window.__pwned === undefined", as: Bool.self))

                // Switching the language redraws the page in English and keeps the preview.
                try await browser.click(browser.find("#lang-switch"))
                try await waitFor("the English page") { try await browser.text(of: browser.find("#roster-view h1")) == "Roster syncs" }
                #expect(try await browser.text(of: browser.find("#admin-roster-link")) == "Roster")
                try await page.waitForPreview("rejected")
                #expect(try await page.errorLines() == ["3", "4"])
            }
        }
    }

    @Test func aRefusedSyncWarnsAdminsOnlyAndCanBeAppliedAnyway() async throws {
        try await withServer(configure: { $0.roster.removalGuardMin = 2 }) { server in
            let installation = server.installation
            let admin = try await installation.person("paakayttaja@example.fi", "Pää Käyttäjä", global: .admin)
            let member = try await installation.person("ville@yritys.example", "Ville Mäkinen")
            let full = [
                "A4001;Östra kiinteistö Ab;Östra Oulu 1;Oulu;ville@yritys.example;Ville Mäkinen;supervisor",
                "A4001;Östra kiinteistö Ab;;;jaana@yritys.example;Jaana Järvinen;account_director",
                "A4001;Östra kiinteistö Ab;Östra Oulu 2;Oulu;olli@yritys.example;Olli Ohjaaja;instructor",
                "A4001;Östra kiinteistö Ab;;;mikko@yritys.example;Mikko Myynti;sales",
                "A4001;Östra kiinteistö Ab;;;paivi@yritys.example;Päivi Päällikkö;manager",
            ]
            _ = try await server.kanava.roster.sync(data: Self.csv(full), source: "/srv/roster.csv", by: .system("watcher"))
            // A truncated export: 4 of 5 memberships would go.
            let truncated = Self.csv([full[0]])
            let refused = try await server.kanava.roster.sync(data: truncated, source: "/srv/roster.csv", by: .system("watcher"))
            #expect(refused.status == .refused)
            let before = Set(try await server.kanava.store.rosterSnapshot().memberships)
            let file = try TempFile(truncated)
            defer { file.remove() }

            try await withBrowser(.desktop) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = RosterPage(browser: browser)
                try await shell.open()
                try await shell.waitForView("signin")

                // A member: no warning, no roster link, and the page itself says no.
                try await shell.signIn(member.email, password: TestInstallation.password)
                try await shell.waitForAccounts(["A4001"])
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await !browser.exists("#roster-refused-banner"))
                #expect(try await !browser.exists("#admin-roster-link"))
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/#/admin/roster")
                try await shell.waitForView("roster")
                try await waitFor("the not-allowed message") { try await browser.exists("#roster-view #roster-forbidden") }
                #expect(try await !browser.exists("#roster-history"))
                try await shell.signOut()
                try await shell.waitForView("signin")

                // The admin sees the warning on the account list, with the reason.
                try await shell.signIn(admin.email, password: TestInstallation.password)
                try await shell.waitForAccounts(["A4001"])
                let banner = try await waitFor("the refused-sync banner", read: {
                    try await browser.text(of: browser.find("#roster-refused-banner"))
                }, until: { !$0.isEmpty })
                #expect(banner.contains("hylättiin"), "\(banner)")
                #expect(banner.contains("4 jäsenyyttä"), "\(banner)")
                #expect(try await !shell.scrollsHorizontally())
                try await browser.saveScreenshot("desktop-accounts-roster-banner")

                // Its link leads to the roster page, where the refused sync is the newest, with why.
                try await browser.click(browser.find("#roster-refused-banner a"))
                try await shell.waitForView("roster")
                try await waitFor("the history", read: { try await page.history().values.sorted() }, until: { $0 == ["applied", "refused"] })
                let newest = try await browser.attribute("data-outcome", of: browser.find("#roster-history li"))
                #expect(newest == "refused")
                try await waitFor("the refusal in the details") {
                    try await browser.text(of: browser.find("#roster-detail .refusal")).contains("4 jäsenyyttä")
                }

                // The same file uploaded by hand: refused in the preview; applying needs a second, explicit click.
                try await page.choose(file)
                try await page.waitForPreview("refused")
                #expect(try await !browser.exists("#roster-apply"))
                try await browser.click(browser.find("#roster-force"))
                let confirm = try await waitFor("the confirm button", read: { try await browser.find("#roster-force-confirm") }, until: { _ in true })
                #expect(try await browser.text(of: confirm).contains("4"))
                #expect(Set(try await server.kanava.store.rosterSnapshot().memberships) == before, "nothing applied before confirming")
                try await browser.saveScreenshot("desktop-roster-force-confirm")
                try await browser.click(confirm)
                try await page.waitForPreview("applied")
                #expect(try await server.kanava.store.rosterSnapshot().memberships.count == 1)
                let forced = try #require(try await server.kanava.store.rosterSyncs(limit: 1).first)
                #expect(forced.forced && forced.outcome == .applied)
                try await waitFor("the forced sync in the history", read: { try await page.history()[forced.id] }, until: { $0 == "applied" })

                // Now the newest sync is applied: no more warning.
                try await browser.click(browser.find(".brand"))
                try await shell.waitForAccounts(["A4001"])
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await !browser.exists("#roster-refused-banner"))
            }
        }
    }

    @Test func phoneLayout() async throws {
        try await withServer(configure: { $0.roster.removalGuardMin = 2 }) { server in
            let admin = try await server.installation.person("paakayttaja@example.fi", "Pää Käyttäjä", global: .admin)
            let rows = (1...6).map { "A5001;Pohjois-Pohjanmaan sairaanhoitopiirin kuntayhtymä;Oulu \($0);Oulu;henkilo\($0)@yritys.example;Henkilö \($0);supervisor" }
            _ = try await server.kanava.roster.sync(data: Self.csv(rows), source: "/srv/exports/billing/roster-nightly.csv", by: .system("watcher"))
            _ = try await server.kanava.roster.sync(data: Self.csv(Array(rows.prefix(2))), source: "/srv/exports/billing/roster-nightly.csv", by: .system("watcher"))
            let file = try TempFile(Self.csv([
                rows[0],
                "A5001;Pohjois-Pohjanmaan sairaanhoitopiirin kuntayhtymä;;;uusi.henkilo.jolla.on.pitka.osoite@yritys.example;Uusi;aluejohtaja",
                "A5001;Pohjois-Pohjanmaan sairaanhoitopiirin kuntayhtymä;;;ei-osoite;Toinen;supervisor",
            ]))
            defer { file.remove() }

            try await withBrowser(.phone) { browser in
                let shell = ShellPage(browser: browser, port: server.port)
                let page = RosterPage(browser: browser)
                try await shell.signInFromStart(admin.email, expecting: ["A5001"])
                try await waitFor("the refused-sync banner") { try await browser.exists("#roster-refused-banner") }
                #expect(try await !shell.scrollsHorizontally(), "account list with the banner")
                try await browser.saveScreenshot("phone-accounts-roster-banner")

                try await browser.click(browser.find("#admin-roster-link"))
                try await shell.waitForView("roster")
                try await waitFor("the history", read: { try await page.history().count }, until: { $0 == 2 })
                try await waitFor("the details") { try await browser.exists("#roster-detail .refusal") }
                #expect(try await !shell.scrollsHorizontally(), "roster page")
                try await browser.saveScreenshot("phone-roster")

                try await page.choose(file)
                try await page.waitForPreview("rejected")
                #expect(try await page.errorLines() == ["3", "4"])
                #expect(try await !shell.scrollsHorizontally(), "roster page with errors")
                _ = try await browser.executeScript("document.getElementById('roster-preview').scrollIntoView(); return true", as: Bool.self)
                try await browser.saveScreenshot("phone-roster-errors")

                // The applied sync's changes, as cards.
                let applied = try await browser.find("#roster-history li[data-outcome=\"applied\"] button")
                try await browser.click(applied)
                try await waitFor("the changes") { try await browser.findAll("#roster-changes tbody tr").count == 7 }
                #expect(try await !shell.scrollsHorizontally(), "roster page with changes")
                try await browser.saveScreenshot("phone-roster-changes")
            }
        }
    }
}

/// The roster page as an admin uses it, by its ids.
struct RosterPage {
    let browser: WebDriver

    /// Chooses `file` in `#roster-file` (WebDriver types a file input's path).
    func choose(_ file: TempFile) async throws {
        try await browser.sendKeys(file.url.path, to: browser.find("#roster-file"))
    }

    /// Waits until `#roster-preview` has `data-status` `status`.
    func waitForPreview(_ status: String) async throws {
        try await waitFor("the preview \(status)", read: {
            try await browser.attribute("data-status", of: browser.find("#roster-preview"))
        }, until: { $0 == status })
    }

    /// A figure of the preview's counts, e.g. `membershipsAdded`.
    func previewCount(_ key: String) async throws -> String {
        try await browser.text(of: browser.find("#roster-preview [data-count=\"\(key)\"] dd"))
    }

    /// `#roster-history` as sync id → outcome.
    func history() async throws -> [Int64: String] {
        var rows: [Int64: String] = [:]
        for row in try await browser.findAll("#roster-history [data-sync-id]") {
            let id = Int64(try await browser.attribute("data-sync-id", of: row) ?? "") ?? -1
            rows[id] = try await browser.attribute("data-outcome", of: row) ?? ""
        }
        return rows
    }

    /// The `data-line`s of `#roster-errors`, top to bottom.
    func errorLines() async throws -> [String] {
        var lines: [String] = []
        for row in try await browser.findAll("#roster-errors tbody tr") {
            lines.append(try await browser.attribute("data-line", of: row) ?? "")
        }
        return lines
    }
}

/// A file in the temporary directory, for a file input.
struct TempFile {
    let url: URL

    init(_ data: Data, name: String = "jasenlista.csv") throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        url = directory.appendingPathComponent(name)
        try data.write(to: url)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }
}

