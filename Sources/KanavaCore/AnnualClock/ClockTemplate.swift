import Foundation
import Yams

/// One event of the annual-clock template (`config/annual-clock.yaml`).
public struct ClockTemplateEntry: Sendable, Hashable {
    /// When the event falls.
    public enum Timing: Sendable, Hashable {
        /// A rule that names its days (and, yearly, its months), so it does not depend on the day it is applied.
        case rule(Recurrence)
        /// Every year on the account's start date (29 February: the last day of February), from the first anniversary.
        case accountAnniversary
    }

    public var key: String
    public var title: String
    public var description: String
    public var kind: ClockEventKind
    public var owner: ClockOwner
    public var timing: Timing
    public var leadDays: Int

    public init(key: String, title: String, description: String, kind: ClockEventKind, owner: ClockOwner, timing: Timing, leadDays: Int) {
        self.key = key
        self.title = title
        self.description = description
        self.kind = kind
        self.owner = owner
        self.timing = timing
        self.leadDays = leadDays
    }
}

/// The events every new channel's annual clock starts with, read and validated from YAML like the table of contents.
///
/// An entry becomes an event whose first occurrence is the first date of its rule on or after the day it is made, so
/// a new account is not owed visits from before it existed. Applying the template again adds only entries an account
/// does not have (by `key`): events the director changed or deleted stay as they are.
public struct ClockTemplate: Sendable, Hashable {
    public var entries: [ClockTemplateEntry]

    public static let maxEntries = 100
    public static let maxDescriptionChars = 2_000
    static let knownFields: Set = ["key", "title", "description", "kind", "owner", "recurrence", "on", "lead_days"]

    public init(entries: [ClockTemplateEntry]) {
        self.entries = entries
    }

    /// The events the template gives an account that starts (or started) on `startDate`, made on `today`. An
    /// anniversary needs a start date: without one it is left out until the account has one.
    public func events(for account: AccountID, startDate: LocalDate?, today: LocalDate) -> [NewClockEvent] {
        entries.compactMap { entry in
            let rule: Recurrence
            var from = today
            switch entry.timing {
            case .rule(let templateRule):
                rule = templateRule
            case .accountAnniversary:
                guard let startDate, let dayAfter = startDate.adding(days: 1) else { return nil }
                rule = Self.anniversary(of: startDate)
                from = max(today, dayAfter)
            }
            guard let start = rule.first(onOrAfter: from) else { return nil }
            return NewClockEvent(account: account, templateKey: entry.key, title: entry.title, description: entry.description, kind: entry.kind,
                                 owner: entry.owner, start: start, recurrence: rule, leadDays: entry.leadDays)
        }
    }

    /// Yearly on the month and day of `date`; 29 February becomes the last day of February, so that it is every year.
    static func anniversary(of date: LocalDate) -> Recurrence {
        Recurrence(frequency: .yearly, months: [date.month], monthDays: [date.month == 2 && date.day == 29 ? -1 : date.day])
    }

    // MARK: - Reading

    /// Reads a template file; every problem names the file, line and what is wrong (as ``ConfigError``).
    public static func load(path: String) throws(ConfigError) -> ClockTemplate {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(file: path, key: "(file)", problem: "cannot be read")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigError) -> ClockTemplate {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(file: file, key: "(file)", problem: "is not valid YAML: \(error)")
        }
        guard let eventsNode = root?.mapping?["events"], let list = eventsNode.sequence else {
            throw ConfigError(file: file, line: root?.mark?.line, key: "events", problem: "must be a list of events (it may be empty: [])")
        }
        if let extra = root?.mapping?.keys.first(where: { $0.string != "events" }) {
            throw ConfigError(file: file, line: extra.mark?.line, key: extra.string ?? "?", problem: "unknown key")
        }
        guard list.count <= maxEntries else {
            throw ConfigError(file: file, line: eventsNode.mark?.line, key: "events", problem: "must have at most \(maxEntries) events")
        }
        var entries: [ClockTemplateEntry] = []
        var keys: [String: Int] = [:]
        for (index, node) in list.enumerated() {
            let entry = try parseEntry(node, path: "events[\(index)]", file: file)
            if let first = keys[entry.key] {
                throw ConfigError(file: file, line: node.mapping?["key"]?.mark?.line, key: "events[\(index)].key",
                                  problem: "'\(entry.key)' is already used by the event on line \(first)")
            }
            keys[entry.key] = node.mark?.line ?? 0
            entries.append(entry)
        }
        return ClockTemplate(entries: entries)
    }

    private static func parseEntry(_ node: Node, path: String, file: String) throws(ConfigError) -> ClockTemplateEntry {
        func fail(_ field: String, _ problem: String, _ at: Node? = nil) -> ConfigError {
            ConfigError(file: file, line: at?.mark?.line ?? node.mark?.line, key: "\(path).\(field)", problem: problem)
        }
        /// Runs a check that speaks in `KanavaError`s, reporting its problem (without the field prefix) at `at`.
        func checked<T>(_ field: String, _ at: Node?, _ check: () throws -> T) throws(ConfigError) -> T {
            do {
                return try check()
            } catch let error as KanavaError {
                throw fail(field, error.message.hasPrefix("\(field): ") ? String(error.message.dropFirst(field.count + 2)) : error.message, at)
            } catch {
                throw fail(field, "\(error)", at)
            }
        }
        guard let fields = node.mapping else { throw fail("(event)", "must be a mapping with key, title, kind, owner and recurrence or on") }
        for keyNode in fields.keys where !knownFields.contains(keyNode.string ?? "") {
            throw fail(keyNode.string ?? "?", "unknown field; use \(knownFields.sorted().joined(separator: ", "))", keyNode)
        }
        func text(_ name: String) -> String? { fields[name]?.string?.trimmingCharacters(in: .whitespacesAndNewlines) }

        guard let key = fields["key"]?.string, TableOfContents.isValidKey(key) else {
            throw fail("key", "is required: \(TableOfContents.keyPattern)", fields["key"])
        }
        let title = try checked("title", fields["title"]) { try TextInput.required(text("title") ?? "", field: "title", maxChars: 200) }
        let description = try checked("description", fields["description"]) {
            try TextInput.bounded(text("description") ?? "", field: "description", maxChars: maxDescriptionChars)
        }
        guard let kindText = fields["kind"]?.string else { throw fail("kind", "is required", fields["kind"]) }
        let kind = try checked("kind", fields["kind"]) { try ClockEventKind.parse(kindText) }
        guard let ownerText = fields["owner"]?.string else { throw fail("owner", "is required", fields["owner"]) }
        let owner = try checked("owner", fields["owner"]) { try ClockOwner.parse(ownerText) }
        var leadDays = 7
        if let leadNode = fields["lead_days"] {
            guard let days = leadNode.int, (0...365).contains(days) else { throw fail("lead_days", "must be a whole number of days 0–365", leadNode) }
            leadDays = days
        }

        let timing: ClockTemplateEntry.Timing
        switch (fields["recurrence"], fields["on"]) {
        case (let ruleNode?, nil):
            guard let ruleText = ruleNode.string else { throw fail("recurrence", "must be a rule such as FREQ=MONTHLY;BYMONTHDAY=-1", ruleNode) }
            let rule = try checked("recurrence", ruleNode) { try Recurrence.parse(ruleText) }
            guard rule.count == nil, rule.until == nil else {
                throw fail("recurrence", "COUNT and UNTIL do not belong in a template (each account would count from a different day)", ruleNode)
            }
            guard !rule.monthDays.isEmpty || !rule.weekdays.isEmpty, rule.frequency == .monthly || !rule.months.isEmpty else {
                throw fail("recurrence", "must name its days (BYMONTHDAY or BYDAY) and, when yearly, its months (BYMONTH): the template is applied on any day", ruleNode)
            }
            if let gap = rule.gap(start: LocalDate(year: 2001, month: 1, day: 1)!) { throw fail("recurrence", gap, ruleNode) }
            timing = .rule(rule)
        case (nil, let onNode?):
            guard onNode.string == "account_start" else { throw fail("on", "must be account_start (every year on the account's start date)", onNode) }
            timing = .accountAnniversary
        case (_?, _?):
            throw fail("on", "give recurrence or on, not both", fields["on"])
        case (nil, nil):
            throw fail("recurrence", "is required (or on: account_start)")
        }
        return ClockTemplateEntry(key: key, title: title, description: description, kind: kind, owner: owner, timing: timing, leadDays: leadDays)
    }
}
