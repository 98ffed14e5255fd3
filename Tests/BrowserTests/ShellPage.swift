import Foundation
import KanavaTestSupport

/// The Kanava browser shell (`Web/`) as a person uses it, addressed by the ids and data attributes its views
/// render. Every `waitFor…` polls for up to 10 s.
struct ShellPage {
    let browser: WebDriver
    let port: Int
    /// The server's host name as the browser uses it. Cookies belong to a host, so a second person can be signed in
    /// at the same time in another window of the same browser under `localhost`.
    var host = "127.0.0.1"

    /// The shell's address, with `hash` (e.g. `#/accounts/A1`) when given.
    func url(_ hash: String = "") -> String {
        "http://\(host):\(port)/\(hash)"
    }

    /// A Finnish UI text from `Web/i18n/fi.json` by its dotted key (the tests' browser prefers Finnish), so
    /// tests need not repeat the copy.
    static func finnishText(_ key: String) throws -> String {
        let file = TestInstallation.repositoryRoot.appendingPathComponent("Web/i18n/fi.json")
        var node: Any? = try JSONSerialization.jsonObject(with: Data(contentsOf: file))
        for part in key.split(separator: ".") { node = (node as? [String: Any])?[String(part)] }
        guard let text = node as? String else { throw TestFailure("fi.json has no text \(key)") }
        return text
    }

    /// Loads the shell from the server's root.
    func open() async throws {
        try await browser.navigate(to: url())
    }

    /// Waits until `#app` shows `view` (`signin`, `accounts`, `channel`).
    func waitForView(_ view: String) async throws {
        try await waitFor("the \(view) view") { try await browser.exists("#app[data-view=\"\(view)\"]") }
    }

    // MARK: - Sign-in and header

    /// Opens the shell, signs in with the test password, and waits for the account list (to show exactly
    /// `accounts`, when given).
    func signInFromStart(_ email: String, expecting accounts: [String]? = nil) async throws {
        try await open()
        try await waitForView("signin")
        try await signIn(email, password: TestInstallation.password)
        if let accounts { try await waitForAccounts(accounts) } else { try await waitForView("accounts") }
    }

    /// Fills in the sign-in form and submits it.
    func signIn(_ email: String, password: String) async throws {
        let emailField = try await browser.find("#sign-in-email")
        try await browser.clear(emailField)
        try await browser.sendKeys(email, to: emailField)
        let passwordField = try await browser.find("#sign-in-password")
        try await browser.clear(passwordField)
        try await browser.sendKeys(password, to: passwordField)
        try await browser.click(try await browser.find("#sign-in-submit"))
    }

    /// The text of `#sign-in-error` once it has one.
    func waitForSignInError() async throws -> String {
        try await waitFor("a sign-in error", read: { try await browser.text(of: try await browser.find("#sign-in-error")) }, until: { !$0.isEmpty })
    }

    /// Waits until the header's connection indicator says `state` (`online`, `connecting`, `offline`).
    func waitForConnection(_ state: String) async throws {
        try await waitFor("connection \(state)") { try await browser.exists("#connection-status[data-state=\"\(state)\"]") }
    }

    func signOut() async throws {
        try await browser.click(try await browser.find("#sign-out"))
    }

    // MARK: - Account list

    /// The `data-account-id`s of `#account-list`, top to bottom.
    func accountIDs() async throws -> [String] {
        try await accountIDs(in: try await browser.find("#account-list"))
    }

    /// The ids listed in one `#account-list` element. Reading a list the page has since replaced fails with
    /// `stale element reference`, so this also tells whether the page kept the list it showed.
    func accountIDs(in list: Element) async throws -> [String] {
        var ids: [String] = []
        for item in try await browser.findAll("[data-account-id]", in: list) {
            ids.append(try await browser.attribute("data-account-id", of: item) ?? "")
        }
        return ids
    }

    /// The names shown in `#account-list`, top to bottom.
    func accountNames() async throws -> [String] {
        var names: [String] = []
        for name in try await browser.findAll("#account-list [data-account-id] .account-name") {
            names.append(try await browser.text(of: name))
        }
        return names
    }

    /// Waits until `#account-list` (or the given list element) shows exactly `ids`, in that order.
    func waitForAccounts(_ ids: [String], in list: Element? = nil) async throws {
        try await waitFor("the account list \(ids)", read: {
            if let list { try await accountIDs(in: list) } else { try await accountIDs() }
        }, until: { $0 == ids })
    }

    /// Replaces what `#account-search` has with `text` as a person would: select all, delete, type.
    func search(_ text: String) async throws {
        let selectAllAndDelete = Key.control + "a" + Key.releaseModifiers + Key.backspace
        try await browser.sendKeys(selectAllAndDelete + text, to: try await browser.find("#account-search"))
    }

    func openAccount(_ id: String) async throws {
        try await browser.click(try await browser.find("#account-list [data-account-id=\"\(id)\"] a"))
    }

    // MARK: - Channel page

    /// Waits until the channel page shows `name` as its title.
    func waitForChannel(titled name: String) async throws {
        try await waitForView("channel")
        try await waitFor("the channel title \(name)", read: { try await browser.text(of: try await browser.find("#channel-title")) }, until: { $0 == name })
    }

    /// The channel's member list as name → role, as shown.
    func memberRoles() async throws -> [String: String] {
        var roles: [String: String] = [:]
        for member in try await browser.findAll("#channel-content .member-list li") {
            let name = try await browser.text(of: try await browser.findAll(".member-name", in: member)[0])
            roles[name] = try await browser.text(of: try await browser.findAll(".member-role", in: member)[0])
        }
        return roles
    }

    func isDisplayed(_ css: String) async throws -> Bool {
        try await browser.isDisplayed(try await browser.find(css))
    }

    // MARK: - Layout

    /// Whether the page is wider than the viewport (scrolls sideways).
    func scrollsHorizontally() async throws -> Bool {
        try await browser.executeScript(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth", as: Bool.self)
    }
}
