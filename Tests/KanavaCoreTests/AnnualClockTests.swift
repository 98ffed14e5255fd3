import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

private func date(_ text: String) -> LocalDate { LocalDate(text)! }

/// Noon in Helsinki on a day of 2026 (UTC+2 in winter, +3 in summer: 09:00Z is noon or 11:00 there).
func helsinkiDay(_ day: String) -> Date {
    ISO8601DateFormatter().date(from: day + "T09:00:00Z")!
}

@Suite struct ClockTemplateTests {
    @Test func theShippedTemplateHasTheSpecsEvents() throws {
        let template = try ClockTemplate.load(path: TestInstallation.repositoryRoot.appendingPathComponent("config/annual-clock.yaml").path)
        let byKind = Dictionary(grouping: template.entries, by: \.kind)
        #expect(byKind[.qualityVisit]?.first?.owner == .supervisor)
        #expect(byKind[.satisfactionVisit]?.first?.owner == .supervisor)
        #expect(byKind[.anniversary]?.first?.timing == .accountAnniversary)
        #expect(byKind[.internalAudit]?.count == 1)
        #expect(byKind[.userSurvey]?.count == 1)
        // Per year: monthly visits, four customer meetings, 3–4 webinars; never a skipped month.
        let events = template.events(for: AccountID(rawValue: "A1")!, startDate: date("2020-02-29"), today: date("2026-01-01"))
        func count(_ kind: ClockEventKind) -> Int {
            events.filter { $0.kind == kind }.map { event in
                event.recurrence?.dates(start: event.start, in: date("2026-01-01")...date("2026-12-31")).count ?? 0
            }.reduce(0, +)
        }
        #expect(count(.qualityVisit) == 12)
        #expect(count(.satisfactionVisit) == 12)
        #expect(count(.customerMeeting) == 4)
        #expect((3...4).contains(count(.webinar)))
        #expect(count(.anniversary) == 1)
        #expect(events.first { $0.kind == .anniversary }?.start == date("2026-02-28"), "29 February: the last day of February")
        for entry in template.entries {
            if case .rule(let rule) = entry.timing { #expect(rule.gap(start: date("2026-01-01")) == nil, "\(entry.key)") }
        }
    }

    @Test func anEntryStartsOnItsFirstDateOnOrAfterTheDayItIsMadeAndTheAnniversaryAfterTheStartDate() throws {
        let template = try ClockTemplate.load(path: TestInstallation.repositoryRoot.appendingPathComponent("config/annual-clock.yaml").path)
        let account = AccountID(rawValue: "A1")!
        let made = Dictionary(uniqueKeysWithValues: template.events(for: account, startDate: date("2019-05-03"), today: date("2026-03-10"))
            .map { ($0.templateKey ?? "", $0) })
        #expect(made["quality-visit"]?.start == date("2026-03-31"))
        #expect(made["satisfaction-visit"]?.start == date("2026-03-15"))
        #expect(made["customer-meeting"]?.start == date("2026-05-12"))
        #expect(made["steering-group"]?.start == date("2026-09-03"), "March's first Thursday was before the day it was made")
        #expect(made["anniversary"]?.start == date("2026-05-03"))
        #expect(made["anniversary"]?.recurrence?.description == "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=3")
        // An account that starts later: its first anniversary is a year after the start.
        let future = template.events(for: account, startDate: date("2026-06-01"), today: date("2026-03-10"))
        #expect(future.first { $0.kind == .anniversary }?.start == date("2027-06-01"))
        // No start date, no anniversary.
        #expect(template.events(for: account, startDate: nil, today: date("2026-03-10")).contains { $0.kind == .anniversary } == false)
    }

    @Test func invalidTemplatesNameTheFileLineAndProblem() {
        func problem(_ yaml: String) -> ConfigError? {
            do { _ = try ClockTemplate.parse(yaml, file: "annual-clock.yaml"); return nil } catch { return error }
        }
        let entry = "events:\n  - key: visit\n    title: Käynti\n    kind: quality_visit\n    owner: supervisor\n"
        #expect(problem(entry + "    recurrence: FREQ=MONTHLY;BYMONTHDAY=-1\n") == nil)
        #expect(problem("events: []\n") == nil)

        let unknown = problem(entry + "    recurrence: FREQ=MONTHLY;BYMONTHDAY=1\n    colour: red\n")
        #expect(unknown?.file == "annual-clock.yaml")
        #expect(unknown?.line == 7)
        #expect(unknown?.key == "events[0].colour")
        #expect(unknown?.problem.hasPrefix("unknown field") == true)
        #expect(unknown?.description.hasPrefix("annual-clock.yaml:7: events[0].colour: unknown field") == true)

        let skipping = problem(entry + "    recurrence: FREQ=MONTHLY;BYMONTHDAY=31\n")
        #expect(skipping?.line == 6)
        #expect(skipping?.key == "events[0].recurrence")
        #expect(skipping?.problem.contains("BYMONTHDAY=-1") == true, "\(skipping?.problem ?? "")")

        let cases: [(String, String, String)] = [
            (entry + "    recurrence: FREQ=DAILY\n", "events[0].recurrence", "FREQ=DAILY is not supported"),
            (entry + "    recurrence: FREQ=MONTHLY\n", "events[0].recurrence", "must name its days"),
            (entry + "    recurrence: FREQ=YEARLY;BYMONTHDAY=1\n", "events[0].recurrence", "must name its days"),
            (entry + "    recurrence: FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3\n", "events[0].recurrence", "COUNT and UNTIL do not belong"),
            (entry + "    on: account_start\n    recurrence: FREQ=MONTHLY;BYMONTHDAY=1\n", "events[0].on", "not both"),
            (entry + "    on: contract_end\n", "events[0].on", "must be account_start"),
            (entry, "events[0].recurrence", "is required"),
            (entry.replacingOccurrences(of: "quality_visit", with: "party") + "    on: account_start\n", "events[0].kind", "'party' is not a kind"),
            (entry.replacingOccurrences(of: "supervisor", with: "janitor") + "    on: account_start\n", "events[0].owner", "'janitor' is not an owner role"),
            (entry + "    on: account_start\n    lead_days: 400\n", "events[0].lead_days", "0–365"),
            (entry + "    on: account_start\n    lead_days: -1\n", "events[0].lead_days", "0–365"),
            (entry.replacingOccurrences(of: "title: Käynti", with: "title: ' '") + "    on: account_start\n", "events[0].title", "must not be empty"),
            (entry + "    on: account_start\n" + String(entry.dropFirst(8)) + "    on: account_start\n", "events[1].key", "already used by the event on line 2"),
            ("events:\n  - key: 'a b'\n", "events[0].key", "is required"),
            ("sections: []\n", "events", "must be a list"),
            ("events: []\nextra: 1\n", "extra", "unknown key"),
            ("events: [\n", "(file)", "is not valid YAML"),
        ]
        for (yaml, key, expected) in cases {
            let error = problem(yaml)
            #expect(error?.key == key, "\(yaml): \(error?.description ?? "accepted")")
            #expect(error?.problem.contains(expected) == true, "\(yaml): \(error?.description ?? "accepted")")
        }
        #expect(throws: ConfigError.self) { try ClockTemplate.load(path: "/nonexistent/annual-clock.yaml") }
    }

    @Test(arguments: Backend.all) func aNewAccountGetsItsAnnualClockInTheSameTransactionAndApplyingAgainAddsOnlyWhatIsMissing(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            t.clock.set(helsinkiDay("2026-03-10"))
            try await t.account("A1", "Östra kiinteistö Ab", start: "2019-05-03")
            let events = try await t.store.clockEvents(in: AccountID(rawValue: "A1"))
            #expect(Set(events.compactMap(\.templateKey)) == Set(t.kanava.templates.annualClock.entries.map(\.key)))
            #expect(events.first { $0.templateKey == "anniversary" }?.start == date("2026-05-03"))
            #expect(events.allSatisfy { $0.createdAt == t.clock.now() })

            // Nothing is missing: applying again changes nothing. A deleted template event does not come back.
            #expect(try await t.kanava.templates.applyAnnualClock().isEmpty)
            let visit = try #require(events.first { $0.templateKey == "quality-visit" })
            try await t.kanava.annualClock.delete(visit.account, visit.id, by: TestInstallation.system)
            #expect(try await t.kanava.templates.applyAnnualClock().isEmpty)
            #expect(try await t.store.clockEvents(in: AccountID(rawValue: "A1")).count == events.count - 1)
        }
    }

    @Test(arguments: Backend.all) func aRosterAccountGetsItsClockAndItsAnniversaryOnceItHasAStartDate(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            t.clock.set(helsinkiDay("2026-03-10"))
            let roster = "account_id;account_name;person_email;person_name;role\r\nA7;Zeta Oy;jaana@yritys.example;Jaana Järvinen;account_director\r\n"
            let outcome = try await t.kanava.roster.sync(data: Data(roster.utf8), source: "test.csv", by: TestInstallation.system, dryRun: false, force: false)
            #expect(outcome.status == .applied)
            let account = AccountID(rawValue: "A7")!
            let events = try await t.store.clockEvents(in: account)
            #expect(events.contains { $0.templateKey == "quality-visit" })
            #expect(!events.contains { $0.kind == .anniversary }, "the roster gives no start date")

            let head = try await t.store.accountSummary(account, viewer: nil)?.head ?? 0
            _ = try await t.kanava.accounts.update(account, name: nil, startDate: "2024-02-29", by: TestInstallation.system)
            let anniversary = try #require(try await t.store.clockEvents(in: account).first { $0.kind == .anniversary })
            #expect(anniversary.start == date("2027-02-28"), "after 10 March 2026, on the last day of February")
            let kinds = try await t.store.events(in: account, after: head, limit: 10).map(\.kind)
            #expect(kinds == [.accountUpdated, .clockCreated])
            // Once: a second update adds nothing.
            _ = try await t.kanava.accounts.update(account, name: "Zeta Oyj", startDate: nil, by: TestInstallation.system)
            #expect(try await t.store.clockEvents(in: account).filter { $0.kind == .anniversary }.count == 1)
        }
    }
}

@Suite struct ClockFiguresTests {
    @Test(arguments: Backend.all) func doneAgainstPlannedPerMonthAndYearToDate(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            t.clock.set(helsinkiDay("2026-01-01"))
            try await t.account("A1", "Östra kiinteistö Ab")
            try await t.person("esimies@example.fi", "Esimies")
            try await t.member("A1", "esimies@example.fi", .supervisor)
            let supervisor = Principal.person(try #require(try await t.store.person(email: "esimies@example.fi")))
            let account = AccountID(rawValue: "A1")!
            let visit = try #require(try await t.store.clockEvents(in: account).first { $0.templateKey == "quality-visit" })
            let clock = t.kanava.annualClock
            _ = try await clock.mark(account, visit.id, date: "2026-01-31", status: "done", note: "Kaikki kunnossa", by: supervisor)
            _ = try await clock.mark(account, visit.id, date: "2026-02-28", status: "cancelled", note: "Kohde suljettu", by: supervisor)
            _ = try await clock.mark(account, visit.id, date: "2026-04-30", status: "done", note: nil, by: supervisor)
            t.clock.set(helsinkiDay("2026-03-31"))

            let figures = try await clock.summary(account, year: 2026, for: supervisor)
            #expect(figures.asOf == date("2026-03-31"))
            let visits = { (month: Int) in figures.months[month - 1].count }
            // January: quality and satisfaction visits; one done.
            #expect(visits(1).planned == 2)
            #expect(visits(1).done == 1)
            // February: the satisfaction visit, a customer meeting and a webinar; the quality visit cancelled.
            #expect(visits(2).cancelled == 1)
            #expect(visits(2).planned == 3)
            #expect(visits(4).done == 1, "marked done early counts in its month")
            // Up to 31 March: January 2, February 3 (and 1 cancelled), March 2 and the steering group on 5 March.
            #expect(figures.yearToDate.planned == 8)
            #expect(figures.yearToDate.done == 1)
            #expect(figures.yearToDate.cancelled == 1)
            #expect(try await clock.figures(account, year: 2027).yearToDate == ClockFigures.Count(), "a year to come has nothing yet")
            #expect(try await clock.figures(account, year: 2025).months.allSatisfy { $0.count == ClockFigures.Count() }, "before the clock began")

            // Back to planned: the status row goes, the figure follows.
            let planned = try await clock.mark(account, visit.id, date: "2026-01-31", status: "planned", note: nil, by: supervisor)
            #expect(planned.status == .planned)
            #expect(planned.markedBy?.name == "Esimies")
            #expect(try await clock.figures(account, year: 2026).yearToDate.done == 0)
            let january = try await clock.year(account, year: 2026, for: supervisor).events.first { $0.event.id == visit.id }?.occurrences.first
            #expect(january?.status == .planned)
            #expect(january?.note == nil)
        }
    }
}
