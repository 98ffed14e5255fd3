import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// One W3C WebDriver session (https://www.w3.org/TR/webdriver2/): the few commands the browser tests use.
///
/// Start one with ``withBrowser(_:_:)``, which also ends it.
struct WebDriver: Sendable {
    let server: WebDriverServer
    let sessionID: String

    /// Creates a session; `capabilities` goes in as `capabilities.alwaysMatch`.
    static func newSession(on server: WebDriverServer, capabilities: some Encodable) async throws -> WebDriver {
        let created: CreatedSession = try await server.post("session", NewSession(capabilities: .init(alwaysMatch: capabilities)))
        return WebDriver(server: server, sessionID: created.sessionId)
    }

    /// Quits the browser.
    func deleteSession() async throws {
        let _: Ignored = try await server.delete("session/\(sessionID)")
    }

    // MARK: - Navigation and scripts

    /// Loads `url` and returns once the page has loaded.
    func navigate(to url: String) async throws {
        let _: Ignored = try await post("url", ["url": url])
    }

    /// Runs `script` as the body of a function in the page, with `arguments` as `arguments[0]`, …, and decodes
    /// what it returns. A returned promise is awaited.
    func executeScript<Result: Decodable>(_ script: String, arguments: [String] = [], as _: Result.Type = Result.self) async throws -> Result {
        try await post("execute/sync", Script(script: script, args: arguments))
    }

    /// A PNG of the viewport.
    func screenshot() async throws -> Data {
        let base64: String = try await get("screenshot")
        guard let png = Data(base64Encoded: base64) else { throw WebDriverError(command: "GET screenshot", error: "invalid base64", message: "") }
        return png
    }

    /// The browser console's entries since the last call: chromedriver's `se/log` extension, which needs the
    /// capability `goog:loggingPrefs` `{"browser": "ALL"}`.
    func browserLog() async throws -> [LogEntry] {
        try await post("se/log", ["type": "browser"])
    }

    struct LogEntry: Decodable, Sendable {
        var level: String
        var message: String
    }

    /// Emulates a phone screen of `width`×`height` CSS pixels (e.g. 360 px, narrower than ``Screen/phone``), through
    /// chromedriver's DevTools pass-through.
    func emulatePhone(width: Int, height: Int) async throws {
        struct Metrics: Encodable {
            var width: Int
            var height: Int
            var deviceScaleFactor = 3.0
            var mobile = true
        }
        struct Command: Encodable {
            var cmd = "Emulation.setDeviceMetricsOverride"
            var params: Metrics
        }
        let _: Ignored = try await post("goog/cdp/execute", Command(params: Metrics(width: width, height: height)))
    }

    // MARK: - Windows

    /// The handle of the window commands go to.
    func windowHandle() async throws -> String {
        try await get("window")
    }

    /// Opens a new window (not a tab, so both stay visible) and returns its handle; commands still go to the current one.
    func newWindow() async throws -> String {
        let created: NewWindow = try await post("window/new", ["type": "window"])
        return created.handle
    }

    /// Sends the following commands to the window `handle`.
    func switchToWindow(_ handle: String) async throws {
        let _: Ignored = try await post("window", ["handle": handle])
    }

    private struct NewWindow: Decodable {
        var handle: String
    }

    // MARK: - Elements

    /// The first element matching a CSS selector; fails with `no such element` when there is none.
    func find(_ css: String) async throws -> Element {
        try await post("element", Locator(css))
    }

    /// Every element matching a CSS selector, in document order.
    func findAll(_ css: String) async throws -> [Element] {
        try await post("elements", Locator(css))
    }

    /// Every element matching a CSS selector inside `parent`.
    func findAll(_ css: String, in parent: Element) async throws -> [Element] {
        try await post("element/\(parent.id)/elements", Locator(css))
    }

    /// Whether at least one element matches a CSS selector.
    func exists(_ css: String) async throws -> Bool {
        try await !findAll(css).isEmpty
    }

    func click(_ element: Element) async throws {
        let _: Ignored = try await post("element/\(element.id)/click", [String: String]())
    }

    /// Types `text` into the element (focusing it first), as key presses.
    func sendKeys(_ text: String, to element: Element) async throws {
        let _: Ignored = try await post("element/\(element.id)/value", ["text": text])
    }

    /// Empties an input or text area.
    func clear(_ element: Element) async throws {
        let _: Ignored = try await post("element/\(element.id)/clear", [String: String]())
    }

    /// The element's rendered text (empty when it is not displayed).
    func text(of element: Element) async throws -> String {
        try await get("element/\(element.id)/text")
    }

    /// An HTML attribute's value, nil when the element does not have it.
    func attribute(_ name: String, of element: Element) async throws -> String? {
        try await get("element/\(element.id)/attribute/\(name)")
    }

    /// A DOM property's value, e.g. an input's current `value` (the attribute keeps the initial one).
    func property<Value: Decodable>(_ name: String, of element: Element, as _: Value.Type = Value.self) async throws -> Value {
        try await get("element/\(element.id)/property/\(name)")
    }

    /// Whether the element is rendered visibly (not `display: none`, not hidden).
    func isDisplayed(_ element: Element) async throws -> Bool {
        try await get("element/\(element.id)/displayed")
    }

    // MARK: - Transport

    private func get<Result: Decodable>(_ command: String) async throws -> Result {
        try await server.get("session/\(sessionID)/\(command)")
    }

    private func post<Result: Decodable>(_ command: String, _ body: some Encodable) async throws -> Result {
        try await server.post("session/\(sessionID)/\(command)", body)
    }

    private struct CreatedSession: Decodable {
        var sessionId: String
    }

    private struct Script: Encodable {
        var script: String
        var args: [String]
    }

    private struct Locator: Encodable {
        var using = "css selector"
        var value: String
        init(_ css: String) { value = css }
    }
}

/// The body of `POST /session`.
private struct NewSession<Capabilities: Encodable>: Encodable {
    struct Requested: Encodable { var alwaysMatch: Capabilities }
    var capabilities: Requested
}

/// Special keys for ``WebDriver/sendKeys(_:to:)``. A modifier stays pressed until ``releaseModifiers``.
enum Key {
    static let releaseModifiers = "\u{E000}"
    static let backspace = "\u{E003}"
    static let enter = "\u{E007}"
    static let shift = "\u{E008}"
    static let control = "\u{E009}"
    static let arrowDown = "\u{E015}"
}

/// A reference to an element of the current page. It goes stale when the element leaves the document.
struct Element: Decodable, Sendable {
    let id: String

    private enum CodingKeys: String, CodingKey {
        case id = "element-6066-11e4-a52e-4f735466cecf"
    }
}

/// JSON over HTTP to a WebDriver server on a loopback port: every answer is `{"value": …}`, and failures
/// carry `value.error`. Each command uses a new connection.
///
/// (Foundation's `URLSession` on Linux rejects chromedriver's header lines, which have no space after the
/// colon, so this uses Hummingbird's test client.)
struct WebDriverServer: Sendable {
    let port: Int

    func get<Result: Decodable>(_ path: String) async throws -> Result {
        try await send(.get, path, body: nil)
    }

    func post<Result: Decodable>(_ path: String, _ body: some Encodable) async throws -> Result {
        try await send(.post, path, body: try JSONEncoder().encode(body))
    }

    func delete<Result: Decodable>(_ path: String) async throws -> Result {
        try await send(.delete, path, body: nil)
    }

    private struct Reply<Value: Decodable>: Decodable {
        var value: Value
    }

    private struct Failure: Decodable {
        var error: String
        var message: String
    }

    private func send<Result: Decodable>(_ method: HTTPRequest.Method, _ path: String, body: Data?) async throws -> Result {
        var headers: HTTPFields = [:]
        if body != nil { headers[.contentType] = "application/json" }
        // chromedriver insists on a Host header naming a loopback address.
        let request = TestClient.Request(
            "/" + path, method: method, authority: "127.0.0.1:\(port)", headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        let response = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.execute(request)
        }
        let data = Data(response.body?.readableBytesView ?? ByteBuffer().readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            let failure = try? JSONDecoder().decode(Reply<Failure>.self, from: data).value
            throw WebDriverError(
                command: "\(method) /\(path)", error: failure?.error ?? "HTTP \(response.status.code)",
                message: failure?.message ?? String(decoding: data, as: UTF8.self))
        }
        return try JSONDecoder().decode(Reply<Result>.self, from: data).value
    }
}

/// A command the WebDriver server refused, e.g. `no such element` or `stale element reference`.
struct WebDriverError: Error, CustomStringConvertible {
    var command: String
    /// The W3C error code.
    var error: String
    var message: String

    var description: String { "\(command): \(error): \(message)" }
}

/// For commands whose answer is `{"value": null}`: decodes from anything.
private struct Ignored: Decodable {
    init(from decoder: any Decoder) throws {}
}
