import Foundation

/// Day arithmetic on ``LocalDate`` in whole integers (proleptic Gregorian), with no time zone involved.
extension LocalDate {
    /// Days since 1970-01-01 (negative before it).
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01, if it is within ``LocalDate``'s years.
    public init?(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// The date `days` later (earlier when negative); nil outside ``LocalDate``'s years.
    public func adding(days: Int) -> LocalDate? {
        LocalDate(dayNumber: dayNumber + days)
    }

    /// Whole days from `self` to `other` (negative when `other` is earlier).
    public func days(until other: LocalDate) -> Int {
        other.dayNumber - dayNumber
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday.
        ((dayNumber % 7 + 7) % 7 + 3) % 7 + 1
    }

    /// The calendar date at `instant` where the company works (Europe/Helsinki).
    public static func inHelsinki(_ instant: Date) -> LocalDate {
        let parts = helsinki.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: parts.year ?? 2000, month: parts.month ?? 1, day: parts.day ?? 1)
            ?? LocalDate(year: 2000, month: 1, day: 1)!
    }

    /// The instant this date begins where the company works (midnight in Europe/Helsinki).
    public var startInHelsinki: Date {
        Self.helsinki.date(from: DateComponents(year: year, month: month, day: day)) ?? .distantPast
    }

    /// The Gregorian calendar where the company works.
    private static let helsinki: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Helsinki") ?? .gmt
        return calendar
    }()
}
