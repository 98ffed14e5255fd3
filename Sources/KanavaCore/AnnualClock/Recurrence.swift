import Foundation

/// How an annual-clock event repeats: the subset of an RFC 5545 `RRULE` that an account's yearly events need,
/// stored as its text (``description``) and expanded here.
///
/// Supported parts: `FREQ=MONTHLY|YEARLY`, `INTERVAL` (1–120: `FREQ=MONTHLY;INTERVAL=3` is quarterly),
/// `BYMONTH` (yearly rules only), `BYMONTHDAY` (1–31, or -1…-31 counted from the end: -1 is the last day),
/// `BYDAY` with a week number ("a weekday of a month": `2TU` the second Tuesday, `-1FR` the last Friday), and
/// `COUNT` (1–1000) or `UNTIL` (`YYYYMMDD`, included).
///
/// Expansion follows RFC 5545 with the event's start date as `DTSTART`:
/// - parts a rule leaves out come from the start: a monthly rule without days repeats the start's day, a yearly rule
///   without months and days the start's month and day (a yearly rule with `BYMONTHDAY` but no `BYMONTH` is every month's);
/// - a day a period does not have is **skipped**, not moved (RFC 5545 §3.3.10): `BYMONTHDAY=31` skips April, a yearly
///   rule on 29 February occurs only in leap years, `5FR` skips months with four Fridays. Such rules are valid here,
///   but ``gap(start:)`` names them, and the annual clock refuses them so that nothing is skipped silently:
///   "the last day of the month" is `BYMONTHDAY=-1`, "the last day of February" `BYMONTH=2;BYMONTHDAY=-1`;
/// - only dates on or after the start count, and `COUNT` counts from there.
public struct Recurrence: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Frequency: String, Sendable, Hashable {
        case monthly = "MONTHLY"
        case yearly = "YEARLY"
    }

    /// The n-th given weekday of a month.
    public struct NthWeekday: Sendable, Hashable, Comparable {
        /// 1…5 counted from the month's start, -1…-5 from its end.
        public var ordinal: Int
        /// ISO weekday: 1 = Monday … 7 = Sunday.
        public var weekday: Int

        public static func < (a: NthWeekday, b: NthWeekday) -> Bool { (a.ordinal, a.weekday) < (b.ordinal, b.weekday) }
    }

    public var frequency: Frequency
    public var interval: Int
    /// Months of a yearly rule (1–12); empty: every month if ``monthDays`` are given, else the start's month.
    public var months: [Int]
    /// Days of the month (1…31, -1…-31); empty (and no ``weekdays``): the start's day.
    public var monthDays: [Int]
    public var weekdays: [NthWeekday]
    public var count: Int?
    public var until: LocalDate?

    public static let maxInterval = 120
    public static let maxCount = 1000
    public static let maxLength = 200
    /// The longest window ``dates(start:in:)`` expands: ten years, more than a year's clock, a feed or the reminder bot need.
    public static let maxWindowDays = 10 * 366
    static let weekdayCodes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    static let supportedParts = "FREQ, INTERVAL, BYMONTH, BYMONTHDAY, BYDAY, COUNT and UNTIL"

    // MARK: - Text

    /// Parses and checks a rule such as `FREQ=MONTHLY;BYMONTHDAY=-1` (an `RRULE:` prefix is allowed). Every problem is
    /// a `KanavaError.invalid(field, …)` that names the part at fault.
    public static func parse(_ text: String, field: String = "recurrence") throws -> Recurrence {
        func fail(_ problem: String) -> KanavaError { KanavaError.invalid(field, problem) }
        var rule = text.trimmingCharacters(in: .whitespaces).uppercased()
        if rule.hasPrefix("RRULE:") { rule.removeFirst(6) }
        guard !rule.isEmpty else { throw fail("must not be empty; write a rule such as FREQ=MONTHLY;BYMONTHDAY=-1, or leave it out for a single date") }
        guard rule.count <= maxLength else { throw fail("must be at most \(maxLength) characters") }

        var parts: [String: String] = [:]
        for part in rule.split(separator: ";", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
                throw fail("'\(part.prefix(40))' is not NAME=VALUE (parts are separated by ';')")
            }
            let name = String(pieces[0])
            guard ["FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "COUNT", "UNTIL"].contains(name) else {
                let rfc = ["BYSECOND", "BYMINUTE", "BYHOUR", "BYYEARDAY", "BYWEEKNO", "BYSETPOS", "WKST"].contains(name)
                throw fail("\(name.prefix(20)) is \(rfc ? "not supported for the annual clock" : "not a recurrence part"); use \(supportedParts)")
            }
            guard parts[name] == nil else { throw fail("\(name) is given twice") }
            parts[name] = String(pieces[1])
        }

        guard let freqText = parts["FREQ"] else { throw fail("FREQ is required: FREQ=MONTHLY or FREQ=YEARLY") }
        guard let frequency = Frequency(rawValue: freqText) else {
            let known = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY"].contains(freqText)
            throw fail("FREQ=\(freqText.prefix(20)) is \(known ? "not supported: annual-clock events repeat monthly or yearly" : "not a frequency; use MONTHLY or YEARLY")")
        }
        func number(_ name: String, _ value: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let n = Int(value), range.contains(n) else { throw fail("\(name) must be a whole number \(range.lowerBound)–\(range.upperBound), not '\(value.prefix(20))'") }
            return n
        }
        func list(_ name: String) throws -> [String]? {
            guard let value = parts[name] else { return nil }
            let items = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !items.contains(where: \.isEmpty) else { throw fail("\(name) has an empty item") }
            return items
        }

        let interval = try parts["INTERVAL"].map { try number("INTERVAL", $0, 1...maxInterval) } ?? 1
        let months = try list("BYMONTH")?.map { try number("BYMONTH", $0, 1...12) } ?? []
        let monthDays = try list("BYMONTHDAY")?.map { value -> Int in
            guard let day = Int(value), (1...31).contains(abs(day)) else {
                throw fail("BYMONTHDAY must be days 1–31 or -1…-31 counted from the month's end (-1 is the last day), not '\(value.prefix(20))'")
            }
            return day
        } ?? []
        let weekdays = try list("BYDAY")?.map { try nthWeekday($0, fail) } ?? []
        let count = try parts["COUNT"].map { try number("COUNT", $0, 1...maxCount) }
        let until = try parts["UNTIL"].map { value -> LocalDate in
            guard value.count == 8, value.allSatisfy(\.isASCII),
                let date = LocalDate("\(value.prefix(4))-\(value.dropFirst(4).prefix(2))-\(value.suffix(2))")
            else { throw fail("UNTIL must be a date written YYYYMMDD, such as 20271231, not '\(value.prefix(20))'") }
            return date
        }

        if !months.isEmpty, frequency != .yearly {
            throw fail("BYMONTH belongs to FREQ=YEARLY; for every N months write FREQ=MONTHLY;INTERVAL=N")
        }
        if !monthDays.isEmpty, !weekdays.isEmpty { throw fail("give BYMONTHDAY or BYDAY, not both") }
        if !weekdays.isEmpty, frequency == .yearly, months.isEmpty {
            throw fail("a yearly BYDAY needs BYMONTH to say which month, e.g. FREQ=YEARLY;BYMONTH=5;BYDAY=2TU")
        }
        if count != nil, until != nil { throw fail("give COUNT or UNTIL, not both") }

        return Recurrence(frequency: frequency, interval: interval, months: Set(months).sorted(), monthDays: Set(monthDays).sorted(),
                          weekdays: Set(weekdays).sorted(), count: count, until: until)
    }

    private static func nthWeekday(_ text: String, _ fail: (String) -> KanavaError) throws -> NthWeekday {
        let code = String(text.suffix(2))
        guard let index = weekdayCodes.firstIndex(of: code) else {
            throw fail("BYDAY must be weekdays MO, TU, WE, TH, FR, SA or SU with a week number, such as 2TU or -1FR, not '\(text.prefix(20))'")
        }
        let ordinalText = text.dropLast(2)
        guard !ordinalText.isEmpty else {
            throw fail("BYDAY=\(code) needs a week number: 2\(code) is the second of the month, -1\(code) the last")
        }
        guard let ordinal = Int(ordinalText.hasPrefix("+") ? ordinalText.dropFirst() : ordinalText), (1...5).contains(abs(ordinal)) else {
            throw fail("the week number of BYDAY must be 1–5 or -1…-5 (from the month's end), not '\(ordinalText.prefix(20))'")
        }
        return NthWeekday(ordinal: ordinal, weekday: index + 1)
    }

    /// The rule's canonical text, as stored and exported: parts in a fixed order, lists sorted, `INTERVAL=1` left out.
    public var description: String {
        var parts = ["FREQ=\(frequency.rawValue)"]
        if interval != 1 { parts.append("INTERVAL=\(interval)") }
        if !months.isEmpty { parts.append("BYMONTH=" + months.map(String.init).joined(separator: ",")) }
        if !monthDays.isEmpty { parts.append("BYMONTHDAY=" + monthDays.map(String.init).joined(separator: ",")) }
        if !weekdays.isEmpty { parts.append("BYDAY=" + weekdays.map { "\($0.ordinal)\(Self.weekdayCodes[$0.weekday - 1])" }.joined(separator: ",")) }
        if let count { parts.append("COUNT=\(count)") }
        if let until { parts.append("UNTIL=" + until.description.replacingOccurrences(of: "-", with: "")) }
        return parts.joined(separator: ";")
    }

    public init(frequency: Frequency, interval: Int = 1, months: [Int] = [], monthDays: [Int] = [], weekdays: [NthWeekday] = [],
                count: Int? = nil, until: LocalDate? = nil) {
        self.frequency = frequency
        self.interval = interval
        self.months = months
        self.monthDays = monthDays
        self.weekdays = weekdays
        self.count = count
        self.until = until
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try Self.parse(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: - Expansion

    /// The rule's dates for an event starting on `start`, within `range` (both ends included), in order. A range longer
    /// than ``maxWindowDays`` is cut to that many days from its start.
    public func dates(start: LocalDate, in range: ClosedRange<LocalDate>) -> [LocalDate] {
        var found: [LocalDate] = []
        let through = min(range.upperBound, range.lowerBound.adding(days: Self.maxWindowDays) ?? range.upperBound)
        forEachDate(start: start, from: range.lowerBound, through: through) { date in
            found.append(date)
            return true
        }
        return found
    }

    /// The first of the rule's dates on or after `start`, if it has any.
    public func first(onOrAfter start: LocalDate) -> LocalDate? {
        var first: LocalDate?
        forEachDate(start: start, from: start, through: nil) { date in
            first = date
            return false
        }
        return first
    }

    /// Why the rule would skip a period (a month of a monthly rule, a named month of a yearly one), in words that say
    /// what to write instead; nil when every period has every date the rule names.
    public func gap(start: LocalDate) -> String? {
        if let fifth = weekdays.first(where: { abs($0.ordinal) == 5 }) {
            let code = Self.weekdayCodes[fifth.weekday - 1]
            return "\(fifth.ordinal)\(code) is not in every month, and RFC 5545 skips the months without it; use \(fifth.ordinal > 0 ? "" : "-")4\(code) or -1\(code) (the last)"
        }
        guard weekdays.isEmpty else { return nil }
        let days = monthDays.isEmpty ? [start.day] : monthDays
        let ruleMonths = frequency == .monthly ? Array(1...12) : yearlyMonths(start: start)
        for day in days {
            // A month the rule visits that is too short for this day (February as in a common year).
            guard let short = ruleMonths.first(where: { abs(day) > LocalDate.daysIn(month: $0, year: 2001) }) else { continue }
            if ruleMonths == [2], abs(day) == 29 {
                return "February has day \(day) only in leap years, and RFC 5545 skips the other years rather than moving the date; for the last day of February write BYMONTH=2;BYMONTHDAY=-1"
            }
            let what = (day > 0 ? "day \(day)" : "day \(day) (counted from the end)") + (short == 2 && abs(day) == 29 ? " in common years" : "")
            return "\(Self.monthNames[short - 1]) has no \(what), and RFC 5545 skips such months rather than moving the date; for the last day of the month write BYMONTHDAY=-1"
        }
        return nil
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// Calls `body` with each date of the rule from `start` that falls in `from…through` (nil: no end), in order, until
    /// `body` returns false, `COUNT` or `UNTIL` ends the rule, or dates run out.
    private func forEachDate(start: LocalDate, from: LocalDate, through: LocalDate?, _ body: (LocalDate) -> Bool) {
        let last = [through, until].compactMap { $0 }.min()
        if let last, last < start || last < from { return }
        let periodsPerStep = interval
        let firstPeriod = period(of: start)
        var step = 0
        if count == nil, from > start {
            // Without COUNT nothing before `from` matters: begin at the step whose period holds `from`.
            step = (period(of: from) - firstPeriod) / periodsPerStep
        }
        var counted = 0
        while let periodStart = firstDay(ofPeriod: firstPeriod + step * periodsPerStep) {
            if let last, periodStart > last { return }
            for date in dates(inPeriod: firstPeriod + step * periodsPerStep, start: start) where date >= start {
                if let last, date > last { return }
                if date >= from, !body(date) { return }
                counted += 1
                if let count, counted >= count { return }
            }
            step += 1
        }
    }

    /// The months of a yearly rule: its BYMONTH; without one, every month when it names days (BYMONTHDAY expands a
    /// yearly rule, RFC 5545 §3.3.10), else the start's month.
    private func yearlyMonths(start: LocalDate) -> [Int] {
        if !months.isEmpty { return months }
        return monthDays.isEmpty ? [start.month] : Array(1...12)
    }

    /// Periods are numbered months (monthly rules) or years (yearly rules).
    private func period(of date: LocalDate) -> Int {
        frequency == .monthly ? date.year * 12 + date.month - 1 : date.year
    }

    private func firstDay(ofPeriod period: Int) -> LocalDate? {
        frequency == .monthly ? LocalDate(year: period / 12, month: period % 12 + 1, day: 1) : LocalDate(year: period, month: 1, day: 1)
    }

    private func dates(inPeriod period: Int, start: LocalDate) -> [LocalDate] {
        let yearMonths: [(year: Int, month: Int)] = frequency == .monthly
            ? [(period / 12, period % 12 + 1)]
            : yearlyMonths(start: start).map { (period, $0) }
        var dates: [LocalDate] = []
        for (year, month) in yearMonths {
            let length = LocalDate.daysIn(month: month, year: year)
            if weekdays.isEmpty {
                for day in monthDays.isEmpty ? [start.day] : monthDays {
                    let resolved = day > 0 ? day : length + day + 1
                    if (1...length).contains(resolved), let date = LocalDate(year: year, month: month, day: resolved) { dates.append(date) }
                }
            } else {
                for nth in weekdays {
                    if let day = Self.day(of: nth, year: year, month: month, length: length), let date = LocalDate(year: year, month: month, day: day) {
                        dates.append(date)
                    }
                }
            }
        }
        return Set(dates).sorted()
    }

    /// The day of the month of the n-th weekday, if the month has one.
    static func day(of nth: NthWeekday, year: Int, month: Int, length: Int) -> Int? {
        guard let first = LocalDate(year: year, month: month, day: 1), let lastDate = LocalDate(year: year, month: month, day: length) else { return nil }
        let day = nth.ordinal > 0
            ? 1 + (nth.weekday - first.weekday + 7) % 7 + 7 * (nth.ordinal - 1)
            : length - (lastDate.weekday - nth.weekday + 7) % 7 - 7 * (-nth.ordinal - 1)
        return (1...length).contains(day) ? day : nil
    }
}
