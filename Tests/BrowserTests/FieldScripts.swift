import Foundation

/// Reads and fills fields in one script each: the views redraw on live events, so finding an element and then reading
/// or changing it in a second WebDriver call could meet a stale element.
extension WebDriver {
    /// The rendered text of the first element matching `css`; '' when there is none.
    func innerText(_ css: String) async throws -> String {
        try await executeScript("return document.querySelector(arguments[0])?.innerText ?? ''", arguments: [css], as: String.self)
    }

    /// The value of the first field matching `css`; '' when there is none.
    func fieldValue(_ css: String) async throws -> String {
        try await executeScript("return document.querySelector(arguments[0])?.value ?? ''", arguments: [css], as: String.self)
    }

    /// Sets a field's value as a person would, firing `events` (bubbling) after it, and tells whether the field took the
    /// value (a select without that option does not). For date fields, which WebDriver cannot type into in every locale.
    @discardableResult
    func setField(_ css: String, to value: String, firing events: [String]) async throws -> Bool {
        try await executeScript("""
            const field = document.querySelector(arguments[0]);
            field.value = arguments[1];
            for (const name of arguments[2].split(' ')) field.dispatchEvent(new Event(name, { bubbles: true }));
            return field.value === arguments[1];
            """, arguments: [css, value, events.joined(separator: " ")], as: Bool.self)
    }
}
