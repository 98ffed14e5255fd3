import Foundation
import KanavaCore
import Testing

private func date(_ text: String) -> LocalDate { LocalDate(text)! }

/// The rule's dates for an event starting on `start`, between two dates, as text.
private func dates(_ rule: String, start: String, _ from: String, _ through: String) throws -> [String] {
    try Recurrence.parse(rule).dates(start: date(start), in: date(from)...date(through)).map(\.description)
}

/// The problem text of an invalid rule.
private func problem(_ rule: String) -> String? {
    do {
        _ = try Recurrence.parse(rule)
        return nil
    } catch let error as KanavaError {
        return error.code == .invalidInput ? error.message : "\(error)"
    } catch {
        return "\(error)"
    }
}

/// Expected dates here were checked against python-dateutil's RFC 5545 implementation.
@Suite struct RecurrenceTests {
    @Test func dayArithmeticAndWeekdays() {
        #expect(date("1970-01-01").dayNumber == 0)
        #expect(date("2026-11-24").weekday == 2, "a Tuesday")
        #expect(date("2024-02-29").adding(days: 1) == date("2024-03-01"))
        #expect(date("2025-02-28").adding(days: 1) == date("2025-03-01"))
        #expect(date("2100-02-28").adding(days: 1) == date("2100-03-01"), "2100 is not a leap year")
        #expect(date("2000-02-28").adding(days: 1) == date("2000-02-29"), "2000 is")
        #expect(date("2026-03-01").days(until: date("2026-02-22")) == -7)
        for day in stride(from: -25_000, through: 365_000, by: 997) {
            let roundTrip = LocalDate(dayNumber: day)
            #expect(roundTrip?.dayNumber == day)
        }
        #expect(LocalDate(dayNumber: date("2999-12-31").dayNumber + 1) == nil, "outside LocalDate's years")
        #expect(LocalDate.inHelsinki(ISO8601DateFormatter().date(from: "2026-12-31T22:30:00Z")!) == date("2027-01-01"), "00:30 in Helsinki")
    }

    @Test func theThirtyFirstIsSkippedAsRFC5545SaysAndTheLastDayIsMinusOne() throws {
        #expect(try dates("FREQ=MONTHLY", start: "2026-01-31", "2026-01-01", "2026-12-31")
                == ["2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31", "2026-08-31", "2026-10-31", "2026-12-31"])
        #expect(try dates("FREQ=MONTHLY;BYMONTHDAY=31", start: "2026-01-01", "2026-01-01", "2026-04-30") == ["2026-01-31", "2026-03-31"])
        let gap = try Recurrence.parse("FREQ=MONTHLY").gap(start: date("2026-01-31"))
        #expect(gap?.contains("February has no day 31") == true, "\(gap ?? "")")
        #expect(gap?.contains("BYMONTHDAY=-1") == true)
        #expect(try Recurrence.parse("FREQ=MONTHLY;BYMONTHDAY=30").gap(start: date("2026-01-01"))?.contains("February") == true)
        #expect(try Recurrence.parse("FREQ=MONTHLY;BYMONTHDAY=29").gap(start: date("2026-01-01"))?.contains("in common years") == true)
        #expect(try Recurrence.parse("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31").gap(start: date("2026-01-01"))?.contains("April has no day 31") == true)
        #expect(try Recurrence.parse("FREQ=MONTHLY;BYMONTHDAY=28").gap(start: date("2026-01-01")) == nil)
        #expect(try Recurrence.parse("FREQ=YEARLY;BYMONTH=1,3;BYMONTHDAY=31").gap(start: date("2026-01-01")) == nil)

        #expect(try dates("FREQ=MONTHLY;BYMONTHDAY=-1", start: "2026-01-31", "2026-01-01", "2026-06-30")
                == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30"])
        #expect(try dates("FREQ=MONTHLY;BYMONTHDAY=-1", start: "2028-01-31", "2028-01-01", "2028-03-31") == ["2028-01-31", "2028-02-29", "2028-03-31"])
        #expect(try dates("FREQ=MONTHLY;BYMONTHDAY=-2,1", start: "2026-02-01", "2026-02-01", "2026-03-31")
                == ["2026-02-01", "2026-02-27", "2026-03-01", "2026-03-30"])
        #expect(try Recurrence.parse("FREQ=MONTHLY;BYMONTHDAY=-1").gap(start: date("2026-01-31")) == nil)
    }

    @Test func februaryTwentyNinthIsOnlyInLeapYearsAndTheLastDayOfFebruaryIsEveryYear() throws {
        #expect(try dates("FREQ=YEARLY", start: "2024-02-29", "2024-01-01", "2033-12-31") == ["2024-02-29", "2028-02-29", "2032-02-29"])
        #expect(try dates("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", start: "2099-01-01", "2099-01-01", "2105-12-31") == ["2104-02-29"],
                "2100 is not a leap year")
        let gap = try Recurrence.parse("FREQ=YEARLY").gap(start: date("2024-02-29"))
        #expect(gap?.contains("only in leap years") == true, "\(gap ?? "")")
        #expect(gap?.contains("BYMONTH=2;BYMONTHDAY=-1") == true)
        #expect(try dates("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", start: "2024-02-29", "2024-01-01", "2029-12-31")
                == ["2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29", "2029-02-28"])
        #expect(try Recurrence.parse("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1").gap(start: date("2024-02-29")) == nil)
    }

    @Test func quarterlyAndEveryNMonthsCountFromTheStart() throws {
        #expect(try dates("FREQ=MONTHLY;INTERVAL=3", start: "2026-02-10", "2026-01-01", "2027-03-31")
                == ["2026-02-10", "2026-05-10", "2026-08-10", "2026-11-10", "2027-02-10"])
        #expect(try dates("FREQ=MONTHLY;INTERVAL=3", start: "2026-02-10", "2028-01-01", "2028-12-31")
                == ["2028-02-10", "2028-05-10", "2028-08-10", "2028-11-10"], "a window far from the start keeps the start's phase")
        #expect(try dates("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1", start: "2026-01-31", "2026-01-01", "2026-12-31")
                == ["2026-01-31", "2026-04-30", "2026-07-31", "2026-10-31"])
        #expect(try dates("FREQ=MONTHLY;INTERVAL=7;BYMONTHDAY=1", start: "2026-01-01", "2026-01-01", "2027-12-31")
                == ["2026-01-01", "2026-08-01", "2027-03-01", "2027-10-01"])
        #expect(try dates("FREQ=YEARLY;INTERVAL=2;BYMONTH=6;BYMONTHDAY=1", start: "2026-01-01", "2026-01-01", "2031-12-31")
                == ["2026-06-01", "2028-06-01", "2030-06-01"])
        #expect(try dates("FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1", start: "2026-04-01", "2026-01-01", "2026-12-31")
                == ["2026-06-30", "2026-09-30", "2026-12-31"], "nothing before the start")
        // What a yearly rule leaves out comes from the start, except that BYMONTHDAY without BYMONTH means every month.
        #expect(try dates("FREQ=YEARLY", start: "2026-04-07", "2026-01-01", "2027-12-31") == ["2026-04-07", "2027-04-07"])
        #expect(try dates("FREQ=YEARLY;BYMONTH=6,9", start: "2026-04-07", "2026-01-01", "2026-12-31") == ["2026-06-07", "2026-09-07"])
        #expect(try dates("FREQ=YEARLY;BYMONTHDAY=1", start: "2026-10-07", "2026-01-01", "2027-02-28") == ["2026-11-01", "2026-12-01", "2027-01-01", "2027-02-01"])
    }

    @Test func aWeekdayOfAMonth() throws {
        #expect(try dates("FREQ=MONTHLY;BYDAY=2TU", start: "2026-01-01", "2026-01-01", "2026-12-31") == [
            "2026-01-13", "2026-02-10", "2026-03-10", "2026-04-14", "2026-05-12", "2026-06-09",
            "2026-07-14", "2026-08-11", "2026-09-08", "2026-10-13", "2026-11-10", "2026-12-08",
        ])
        #expect(try dates("FREQ=MONTHLY;BYDAY=-1FR", start: "2026-01-01", "2026-01-01", "2026-12-31") == [
            "2026-01-30", "2026-02-27", "2026-03-27", "2026-04-24", "2026-05-29", "2026-06-26",
            "2026-07-31", "2026-08-28", "2026-09-25", "2026-10-30", "2026-11-27", "2026-12-25",
        ])
        #expect(try dates("FREQ=YEARLY;BYMONTH=5;BYDAY=2TU", start: "2026-01-01", "2026-01-01", "2028-12-31") == ["2026-05-12", "2027-05-11", "2028-05-09"])
        #expect(try dates("FREQ=YEARLY;BYMONTH=2,5,8,11;BYDAY=2TU", start: "2026-01-01", "2026-01-01", "2026-12-31")
                == ["2026-02-10", "2026-05-12", "2026-08-11", "2026-11-10"])
        #expect(try dates("FREQ=MONTHLY;BYDAY=+1MO,3MO", start: "2026-06-01", "2026-06-01", "2026-06-30") == ["2026-06-01", "2026-06-15"])
        // The fifth Friday exists in some months only: RFC 5545 skips the others, and gap says so.
        #expect(try dates("FREQ=MONTHLY;BYDAY=5FR", start: "2026-01-01", "2026-01-01", "2026-12-31")
                == ["2026-01-30", "2026-05-29", "2026-07-31", "2026-10-30"])
        #expect(try Recurrence.parse("FREQ=MONTHLY;BYDAY=5FR").gap(start: date("2026-01-01"))?.contains("-1FR") == true)
        #expect(try Recurrence.parse("FREQ=MONTHLY;BYDAY=4FR,-1SU").gap(start: date("2026-01-01")) == nil)
    }

    @Test func countAndUntilEndTheRule() throws {
        // COUNT counts from the start (dates before it do not count), also when the window begins later.
        #expect(try dates("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", start: "2026-03-20", "2026-01-01", "2027-12-31") == ["2026-04-15", "2026-05-15", "2026-06-15"])
        #expect(try dates("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", start: "2026-03-20", "2026-06-01", "2027-12-31") == ["2026-06-15"])
        #expect(try dates("FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20260601", start: "2026-03-01", "2026-01-01", "2027-12-31")
                == ["2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"], "UNTIL is included")
        #expect(try dates("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1;UNTIL=20251231", start: "2026-01-01", "2026-01-01", "2030-12-31").isEmpty)
        #expect(try Recurrence.parse("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1;UNTIL=20251231").first(onOrAfter: date("2026-01-01")) == nil)
        #expect(try Recurrence.parse("FREQ=MONTHLY;BYMONTHDAY=-1").first(onOrAfter: date("2026-03-10")) == date("2026-03-31"))
        #expect(try Recurrence.parse("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=100").dates(start: date("2026-01-31"), in: date("2026-01-01")...date("2035-12-31")).count == 100)
        // Windows are bounded: a long one is cut to maxWindowDays.
        let all = try Recurrence.parse("FREQ=MONTHLY;BYMONTHDAY=1").dates(start: date("2000-01-01"), in: date("2000-01-01")...date("2999-12-31"))
        #expect(all.last == date("2000-01-01").adding(days: Recurrence.maxWindowDays).map { LocalDate(year: $0.year, month: $0.month, day: 1)! })
    }

    @Test func theTextIsCanonical() throws {
        #expect(try Recurrence.parse(" rrule:freq=monthly;bymonthday=15,1,15;interval=1 ").description == "FREQ=MONTHLY;BYMONTHDAY=1,15")
        #expect(try Recurrence.parse("FREQ=YEARLY;BYDAY=-1FR,2TU;BYMONTH=11,2;COUNT=4").description == "FREQ=YEARLY;BYMONTH=2,11;BYDAY=-1FR,2TU;COUNT=4")
        #expect(try Recurrence.parse("FREQ=MONTHLY;INTERVAL=3;UNTIL=20301231").description == "FREQ=MONTHLY;INTERVAL=3;UNTIL=20301231")
        let rule = try Recurrence.parse("FREQ=MONTHLY;BYDAY=2TU")
        #expect(try JSONDecoder().decode(Recurrence.self, from: JSONEncoder().encode(rule)) == rule)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Recurrence.self, from: Data(#""FREQ=DAILY""#.utf8)) }
    }

    @Test func invalidRulesSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("", "must not be empty"),
            ("BYMONTHDAY=1", "FREQ is required"),
            ("FREQ=WEEKLY", "FREQ=WEEKLY is not supported"),
            ("FREQ=SOMETIMES", "not a frequency"),
            ("FREQ=MONTHLY;FREQ=YEARLY", "FREQ is given twice"),
            ("FREQ=MONTHLY;;BYMONTHDAY=1", "is not NAME=VALUE"),
            ("FREQ=MONTHLY;BYMONTHDAY", "is not NAME=VALUE"),
            ("FREQ=MONTHLY;WKST=MO", "WKST is not supported"),
            ("FREQ=MONTHLY;COLOUR=RED", "COLOUR is not a recurrence part"),
            ("FREQ=MONTHLY;INTERVAL=0", "INTERVAL must be a whole number 1–120"),
            ("FREQ=MONTHLY;INTERVAL=121", "INTERVAL must be a whole number 1–120"),
            ("FREQ=MONTHLY;INTERVAL=x", "INTERVAL must be"),
            ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY must be days 1–31"),
            ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY must be days 1–31"),
            ("FREQ=MONTHLY;BYMONTHDAY=1,", "BYMONTHDAY has an empty item"),
            ("FREQ=MONTHLY;BYMONTH=3", "BYMONTH belongs to FREQ=YEARLY"),
            ("FREQ=YEARLY;BYMONTH=13", "BYMONTH must be a whole number 1–12"),
            ("FREQ=MONTHLY;BYDAY=TU", "BYDAY=TU needs a week number"),
            ("FREQ=MONTHLY;BYDAY=2XX", "BYDAY must be weekdays"),
            ("FREQ=MONTHLY;BYDAY=6TU", "week number of BYDAY must be 1–5"),
            ("FREQ=MONTHLY;BYDAY=0TU", "week number of BYDAY must be 1–5"),
            ("FREQ=YEARLY;BYDAY=2TU", "a yearly BYDAY needs BYMONTH"),
            ("FREQ=MONTHLY;BYDAY=2TU;BYMONTHDAY=1", "BYMONTHDAY or BYDAY, not both"),
            ("FREQ=MONTHLY;COUNT=0", "COUNT must be a whole number 1–1000"),
            ("FREQ=MONTHLY;COUNT=1001", "COUNT must be a whole number 1–1000"),
            ("FREQ=MONTHLY;UNTIL=2026-12-31", "UNTIL must be a date written YYYYMMDD"),
            ("FREQ=MONTHLY;UNTIL=20250229", "UNTIL must be a date written YYYYMMDD"),
            ("FREQ=MONTHLY;COUNT=2;UNTIL=20261231", "COUNT or UNTIL, not both"),
            ("FREQ=MONTHLY;BYMONTHDAY=" + String(repeating: "1,", count: 100) + "1", "at most 200 characters"),
        ]
        for (rule, expected) in cases {
            let message = problem(rule)
            #expect(message?.hasPrefix("recurrence: ") == true, "\(rule): \(message ?? "accepted")")
            #expect(message?.contains(expected) == true, "\(rule): \(message ?? "accepted")")
        }
    }
}
