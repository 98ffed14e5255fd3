import Foundation
import KanavaTestSupport
import Testing

/// Chromium and chromedriver on this machine's `PATH`, and whether the browser tests must run.
enum Chromium {
    static let browser = executable(named: "chromium")
    static let driver = executable(named: "chromedriver")

    /// CI sets `KANAVA_REQUIRE_BROWSER=1`: a missing browser then fails the tests instead of skipping them.
    static let isRequired = ProcessInfo.processInfo.environment["KANAVA_REQUIRE_BROWSER"] == "1"

    /// Skips a suite when Chromium is missing, unless it is required: then the suite runs and fails at
    /// ``withBrowser(_:_:)``.
    static var requiredOrInstalled: ConditionTrait {
        .enabled(
            if: isRequired || (browser != nil && driver != nil),
            "chromium or chromedriver not found on PATH (set KANAVA_REQUIRE_BROWSER=1 to fail instead of skipping)")
    }

    private static func executable(named name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}

/// The screen a page is shown on.
enum Screen: Sendable {
    /// A 1280×900 desktop window.
    case desktop
    /// A 390×844 phone at 3× pixel density, with touch. Chromium's windows are at least 500 px wide, so this
    /// is Chromium's device emulation rather than a window size.
    case phone

    /// In CSS pixels: the window's width is also the viewport's; its height includes the (invisible) browser UI.
    var size: (width: Int, height: Int) {
        switch self {
        case .desktop: (1280, 900)
        case .phone: (390, 844)
        }
    }
}

/// Runs `body` with a fresh headless Chromium (its own temporary profile, Finnish first in Accept-Language,
/// console logging on) and ends the browser and chromedriver afterwards, also when `body` throws. A failure
/// leaves a screenshot in ``screenshotDirectory``.
func withBrowser<T>(_ screen: Screen, _ body: (WebDriver) async throws -> T) async throws -> T {
    guard let chromium = Chromium.browser, let chromedriver = Chromium.driver else {
        throw TestFailure("chromium or chromedriver not found on PATH (Debian: apt-get install chromium chromium-driver)")
    }
    // Two cores: more browsers at once only makes each start slower (and chromedriver's start flaky).
    await BrowserSlots.shared.acquire()
    defer { Task { await BrowserSlots.shared.release() } }
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-chromium-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    let driver: ChromeDriverProcess
    do {
        driver = try await ChromeDriverProcess.start(executable: chromedriver)
    } catch {
        // chromedriver occasionally dies before announcing its port on a loaded machine; one more try.
        driver = try await ChromeDriverProcess.start(executable: chromedriver)
    }
    do {
        let capabilities = ChromeCapabilities(binary: chromium, profile: profile, screen: screen)
        let result = try await withSession(on: driver.server, capabilities: capabilities, body)
        await driver.stop()
        return result
    } catch {
        await driver.stop()
        throw error
    }
}

/// Runs `body` in a new session and deletes the session (quitting the browser) afterwards.
private func withSession<T>(on server: WebDriverServer, capabilities: ChromeCapabilities, _ body: (WebDriver) async throws -> T) async throws -> T {
    let browser = try await WebDriver.newSession(on: server, capabilities: capabilities)
    let result: T
    do {
        result = try await body(browser)
    } catch {
        let testName = (Test.current?.name ?? "test").filter { $0.isLetter || $0.isNumber }
        try? await browser.saveScreenshot("failed-\(testName)")
        try? await browser.deleteSession()
        throw error
    }
    try await browser.deleteSession()
    return result
}

/// Screenshots go here, outside the repository.
let screenshotDirectory = URL(fileURLWithPath: "/tmp/kanava-screens")

extension WebDriver {
    /// Saves a PNG of the viewport as `<screenshotDirectory>/<name>.png`.
    func saveScreenshot(_ name: String) async throws {
        try FileManager.default.createDirectory(at: screenshotDirectory, withIntermediateDirectories: true)
        try await screenshot().write(to: screenshotDirectory.appendingPathComponent("\(name).png"))
    }
}

/// `capabilities.alwaysMatch` of a headless Chromium session.
private struct ChromeCapabilities: Encodable {
    struct Options: Encodable {
        var binary: String
        var args: [String]
        var mobileEmulation: MobileEmulation?
    }

    struct MobileEmulation: Encodable {
        struct DeviceMetrics: Encodable {
            var width: Int
            var height: Int
            var pixelRatio: Double
            var mobile: Bool
            var touch: Bool
        }

        var deviceMetrics: DeviceMetrics
    }

    var browserName = "chrome"
    var chromeOptions: Options
    /// Lets ``WebDriver/browserLog()`` read the console.
    var loggingPrefs = ["browser": "ALL"]

    init(binary: URL, profile: URL, screen: Screen) {
        chromeOptions = Options(binary: binary.path, args: [
            "--headless=new",
            "--no-sandbox", // the tests may run as root, where Chromium's sandbox cannot start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--user-data-dir=\(profile.path)",
            "--accept-lang=fi-FI,fi", // the shell's primary language (headless Chromium ignores --lang)
        ])
        let (width, height) = screen.size
        switch screen {
        case .desktop:
            chromeOptions.args.append("--window-size=\(width),\(height)")
        case .phone:
            chromeOptions.mobileEmulation = MobileEmulation(
                deviceMetrics: .init(width: width, height: height, pixelRatio: 3, mobile: true, touch: true))
        }
    }

    enum CodingKeys: String, CodingKey {
        case browserName
        case chromeOptions = "goog:chromeOptions"
        case loggingPrefs = "goog:loggingPrefs"
    }
}

/// Bounds how many browsers run at once across all browser suites.
actor BrowserSlots {
    static let shared = BrowserSlots(2)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ slots: Int) {
        free = slots
    }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

/// Script errors and CSP refusals (a 401 from /api/session before signing in, and the 401/403/404 answers the
/// tests ask for, are expected).
func expectNoScriptErrors(_ browser: WebDriver) async throws {
    let problems = try await browser.browserLog().filter {
        ($0.level == "SEVERE" && !$0.message.contains("Failed to load resource")) || $0.message.contains("Content Security Policy")
    }
    #expect(problems.isEmpty, "\(problems.map(\.message))")
}
