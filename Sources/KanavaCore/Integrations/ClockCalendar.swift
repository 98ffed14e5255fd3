import Foundation

/// Annual-clock occurrences as an iCalendar (RFC 5545) calendar: one all-day `VEVENT` per occurrence.
///
/// Occurrences are dates, so events are all-day (`DTSTART;VALUE=DATE`, `DTEND` the next day) and need no
/// `VTIMEZONE`; `X-WR-TIMEZONE` still names Europe/Helsinki for programs that show it. Each occurrence's `UID`
/// (`<event>-<yyyymmdd>@<host>`) stays the same across fetches, and `DTSTAMP` is when it last changed (the calendar
/// has no `METHOD`, where RFC 5545 makes `DTSTAMP` the time of the last revision), so an unchanged clock gives the
/// same text every time.
struct ClockCalendar {
    struct Entry {
        var event: ClockEvent
        var account: Account
        var date: LocalDate
        var mark: ClockOccurrence?
    }

    let host: String
    private(set) var entries: [Entry] = []

    init(host: String) {
        self.host = host
    }

    /// Adds the occurrences of an account's events dated `from` through `through`, with their statuses from `marks`.
    mutating func add(_ events: [ClockEvent], of account: Account, marks: [OccurrenceKey: ClockOccurrence], from: LocalDate, through: LocalDate) {
        for event in events {
            for date in event.occurrences(in: from...through) {
                entries.append(Entry(event: event, account: account, date: date, mark: marks[OccurrenceKey(event: event.id, date: date)]))
            }
        }
    }

    /// The calendar, in date order.
    func render() -> String {
        var ics = ICalendarWriter()
        ics.property("BEGIN", "VCALENDAR")
        ics.property("VERSION", "2.0")
        ics.property("PRODID", "-//Kanava//Vuosikello//FI")
        ics.property("CALSCALE", "GREGORIAN")
        ics.text("X-WR-CALNAME", "Kanava – vuosikello")
        ics.property("X-WR-TIMEZONE", "Europe/Helsinki")
        for entry in entries.sorted(by: { ($0.date, $0.account.id, $0.event.id) < ($1.date, $1.account.id, $1.event.id) }) {
            let day = Self.basic(entry.date)
            ics.property("BEGIN", "VEVENT")
            ics.property("UID", "\(entry.event.id)-\(day)@\(host)")
            ics.property("DTSTAMP", Self.stamp(max(entry.event.updatedAt ?? entry.event.createdAt, entry.mark?.markedAt ?? .distantPast)))
            ics.property("DTSTART;VALUE=DATE", day)
            ics.property("DTEND;VALUE=DATE", Self.basic(entry.date.adding(days: 1) ?? entry.date))
            ics.text("SUMMARY", "\(entry.event.title) — \(entry.account.name)")
            ics.text("DESCRIPTION", Self.description(entry))
            ics.property("STATUS", entry.mark?.status == .cancelled ? "CANCELLED" : "CONFIRMED")
            ics.text("CATEGORIES", entry.event.kind.rawValue)
            ics.property("TRANSP", "TRANSPARENT")
            ics.property("END", "VEVENT")
        }
        ics.property("END", "VCALENDAR")
        return ics.text
    }

    /// The event's description, who answers for it, how the occurrence went, and the channel.
    static func description(_ entry: Entry) -> String {
        var lines: [String] = []
        if !entry.event.description.isEmpty { lines += [entry.event.description, ""] }
        lines.append("Vastuu: \(entry.event.owner.finnishName)")
        if let mark = entry.mark, mark.status != .planned {
            var line = mark.status == .done ? "Tehty" : "Peruttu"
            if let by = mark.markedBy { line += " (\(by.name))" }
            if let note = mark.note { line += ": \(note)" }
            lines.append(line)
        }
        lines.append("Kanava: \(entry.account.name) (\(entry.account.id))")
        return lines.joined(separator: "\n")
    }

    /// `YYYYMMDD`, the form of a DATE value.
    static func basic(_ date: LocalDate) -> String {
        date.description.replacingOccurrences(of: "-", with: "")
    }

    /// `YYYYMMDDTHHMMSSZ`, a DATE-TIME in UTC.
    static func stamp(_ instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", c.year ?? 0) + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute) + two(c.second) + "Z"
    }
}
