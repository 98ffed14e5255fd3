import Foundation
import GRDB
import KanavaCore
import KanavaTestSupport
import Testing

/// A moment in Finnish time, `2026-03-02 10:00`.
private func helsinki(_ text: String) -> Date {
    let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Europe/Helsinki")!
    return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))!
}

private func csv(_ rows: [String]) -> Data {
    Data((["account_id;account_name;site;city;person_email;person_name;role"] + rows).joined(separator: "\r\n").utf8)
}

private let director = "jaana@yritys.example"

/// February's roster: a director, a regional director, three supervisors on four sites; and another account.
private let february = [
    "A1;Östra kiinteistö Ab;;;\(director);Jaana Järvinen;account_director",
    "A1;Östra kiinteistö Ab;;Oulu;eino@yritys.example;Eino Laine;regional_director",
    "A1;Östra kiinteistö Ab;Oulu 1;Oulu;ville@yritys.example;Ville Mäkinen;supervisor",
    "A1;Östra kiinteistö Ab;Oulu 2;Oulu;ville@yritys.example;Ville Mäkinen;supervisor",
    "A1;Östra kiinteistö Ab;Vaasa 1;Vaasa;riikka@yritys.example;Riikka Salo;supervisor",
    "A1;Östra kiinteistö Ab;Oulu 4;Oulu;sanna@yritys.example;Sanna Virta;supervisor",
    "B2;Beeta Oy;Turku 1;Turku;bertta@yritys.example;Bertta Berg;supervisor",
    "B2;Beeta Oy;;;toinen@yritys.example;Toini Toinen;account_director",
]

/// 10 March: Riikka leaves, Olli arrives (Vaasa 2), Sanna becomes an instructor.
private let march = february.filter { !$0.contains("riikka") }.map { $0.replacingOccurrences(of: "Sanna Virta;supervisor", with: "Sanna Virta;instructor") }
    + ["A1;Östra kiinteistö Ab;Vaasa 2;Vaasa;olli@yritys.example;Olli Uusi;supervisor"]

/// 5 April: Ville leaves; Pekka and Kalle arrive, both on Oulu 3.
private let april = march.filter { !$0.contains("ville") } + [
    "A1;Östra kiinteistö Ab;Oulu 3;Oulu;pekka@yritys.example;Pekka Pitkä;supervisor",
    "A1;Östra kiinteistö Ab;Oulu 3;Oulu;kalle@yritys.example;Kalle Kallio;supervisor",
]

private extension TestInstallation {
    var a1: AccountID { AccountID(rawValue: "A1")! }

    func sync(_ rows: [String], at time: String) async throws {
        clock.set(helsinki(time))
        let outcome = try await kanava.roster.sync(data: csv(rows), source: "test.csv", by: TestInstallation.system, force: true)
        #expect(outcome.status == .applied, "\(outcome.errors)")
    }

    func who(_ email: String) async throws -> Principal {
        .person(try #require(try await store.person(email: email)))
    }

    func urgent(_ title: String, at time: String, expires: String? = nil, priority: String = "urgent") async throws -> NoticeID {
        clock.set(helsinki(time))
        return try await kanava.notices.post(a1, NoticeDraft(clientId: nil, priority: priority, title: title, body: "Kuittaa.", expiresAt: expires.map(helsinki)),
                                             by: try await who(director)).notice.id
    }

    func acknowledge(_ notice: NoticeID, by email: String, at time: String) async throws {
        clock.set(helsinki(time))
        _ = try await kanava.notices.acknowledge(a1, notice, by: try await who(email))
    }

    /// Runs SQL on the installation's database, below the store: fixture rows, and what the database itself refuses.
    /// `?` placeholders take `arguments` in order (on PostgreSQL spliced in as literals by ``postgresLiteral(_:)``).
    func sql(_ statement: String, _ arguments: [(any DatabaseValueConvertible)?] = []) async throws {
        switch backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: Kanava.databasePath(kanava.config))
            let arguments = StatementArguments(arguments)
            try await queue.write { db in try db.execute(sql: statement, arguments: arguments) }
        case .postgres:
            var values = arguments.makeIterator()
            var sql = ""
            for (index, part) in statement.split(separator: "?", omittingEmptySubsequences: false).enumerated() {
                if index > 0 { sql += postgresLiteral(values.next() ?? nil) }
                sql += part
            }
            try await TestPostgres.execute(try PostgresURL(kanava.config.database.url), sql)
        }
    }

    func head(_ account: AccountID) async throws -> Int64 {
        try #require(try await store.accountSummary(account, viewer: nil)).head
    }
}

/// A fixture value as a PostgreSQL literal: dates as UTC timestamps with milliseconds, text quoted.
private func postgresLiteral(_ value: (any DatabaseValueConvertible)?) -> String {
    if let date = value as? Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return "'\(formatter.string(from: date))'"
    }
    switch value?.databaseValue.storage ?? .null {
    case .null: return "NULL"
    case .int64(let int): return "\(int)"
    case .double(let double): return "\(double)"
    case .string(let string): return "'\(string.replacingOccurrences(of: "'", with: "''"))'"
    case .blob(let data): return "'\\x\(data.map { String(format: "%02x", $0) }.joined())'::bytea"
    }
}

/// The fixture of ``QualityCardFigureTests``: February to 10 April 2026, everything done at its own time.
private func buildHistory(_ t: TestInstallation) async throws {
    let a1 = t.a1
    try await t.sync(february, at: "2026-02-20 10:00")
    // The annual clock: only the test's own events. A monthly visit on the 15th (January done, February cancelled,
    // March done, April planned), a meeting on 20 March (planned), a training on 5 March (cancelled).
    for event in try await t.store.clockEvents(in: a1) { try await t.kanava.annualClock.delete(a1, event.id, by: TestInstallation.system) }
    let clock = t.kanava.annualClock
    let visit = try await clock.create(a1, ClockEventInput(title: "Laatukäynti", kind: "quality_visit", owner: "supervisor", start: "2026-01-15",
                                                           recurrence: "FREQ=MONTHLY;BYMONTHDAY=15"), by: TestInstallation.system)
    let meeting = try await clock.create(a1, ClockEventInput(title: "Asiakastapaaminen", kind: "customer_meeting", owner: "account_director",
                                                             start: "2026-03-20"), by: TestInstallation.system)
    let training = try await clock.create(a1, ClockEventInput(title: "Koulutus", kind: "other", owner: "supervisor", start: "2026-03-05"),
                                          by: TestInstallation.system)
    for (event, date, status) in [(visit, "2026-01-15", "done"), (visit, "2026-02-15", "cancelled"), (visit, "2026-03-15", "done"),
                                  (training, "2026-03-05", "cancelled")] {
        _ = try await clock.mark(a1, event.id, date: date, status: status, note: nil, by: TestInstallation.system)
    }
    _ = meeting

    // Urgent notices: one in February (not March's), N1 and N2 in March, N3 withdrawn, and an important one (not urgent).
    _ = try await t.urgent("Helmikuun tiedote", at: "2026-02-27 10:00")
    let n1 = try await t.urgent("Avainten vaihto", at: "2026-03-02 10:00")
    try await t.acknowledge(n1, by: "ville@yritys.example", at: "2026-03-02 10:30")
    try await t.acknowledge(n1, by: "riikka@yritys.example", at: "2026-03-02 11:00")
    try await t.acknowledge(n1, by: "eino@yritys.example", at: "2026-03-02 12:00")
    _ = try await t.urgent("Tiedoksi", at: "2026-03-05 10:00", priority: "important")
    try await t.sync(march, at: "2026-03-10 10:00")
    try await t.acknowledge(n1, by: "olli@yritys.example", at: "2026-03-11 10:00")
    t.clock.set(helsinki("2026-03-15 10:00"))
    try await t.person("maija@yritys.example", "Maija Käsin")
    _ = try await t.kanava.accounts.addMember(a1, email: "maija@yritys.example", role: "supervisor", sites: ["Kemi 1"], by: TestInstallation.system)
    let n2 = try await t.urgent("Sulku", at: "2026-03-20 09:00", expires: "2026-03-22 09:00")
    try await t.acknowledge(n2, by: "maija@yritys.example", at: "2026-03-20 09:10")
    try await t.acknowledge(n2, by: "ville@yritys.example", at: "2026-03-21 09:00")
    let n3 = try await t.urgent("Peruttu", at: "2026-03-25 10:00")
    t.clock.set(helsinki("2026-03-26 10:00"))
    _ = try await t.kanava.notices.withdraw(a1, n3, by: try await t.who(director))
    t.clock.set(helsinki("2026-04-02 10:00"))
    let maija = try #require(try await t.store.person(email: "maija@yritys.example"))
    try await t.kanava.accounts.removeMember(a1, person: maija.id, by: TestInstallation.system)
    try await t.acknowledge(n1, by: "sanna@yritys.example", at: "2026-04-03 10:00")
    try await t.sync(april, at: "2026-04-05 10:00")

    // Must-reads now: two must-read sections written by Jaana (which confirms them for her), the overview confirmed by
    // Olli too: 4 + 5 of the six members' pairs are open.
    t.clock.set(helsinki("2026-04-06 10:00"))
    let jaana = try await t.who(director)
    _ = try await t.kanava.sections.save(a1, key: "overview", body: "Perustiedot", baseRevision: 0, by: jaana)
    _ = try await t.kanava.sections.save(a1, key: "services", body: "Työohjeet", baseRevision: 0, by: jaana)
    try await t.kanava.sections.confirm(a1, key: "overview", revision: 1, by: try await t.who("olli@yritys.example"))

    // Planner tasks (rows: the planner's service is another branch's): overdue at March's end T1, T2; now T1, T3, T6.
    try await t.sql("INSERT INTO planner_bucket (id, account_id, name, position, created_at) VALUES (1, 'A1', 'Tehtävät', 0, ?)",
                    [helsinki("2026-03-01 08:00")])
    let tasks: [(String, String, Date, Date?, Date?)] = [
        ("T1", "2026-03-10", helsinki("2026-03-01 08:00"), nil, nil),
        ("T2", "2026-03-20", helsinki("2026-03-01 08:00"), helsinki("2026-04-01 09:00"), nil),
        ("T3", "2026-03-31", helsinki("2026-03-01 08:00"), nil, nil),
        ("T4", "2026-03-05", helsinki("2026-03-01 08:00"), nil, helsinki("2026-03-15 09:00")),
        ("T5", "2026-04-20", helsinki("2026-03-01 08:00"), nil, nil),
        ("T6", "2026-04-01", helsinki("2026-04-01 08:00"), nil, nil),
    ]
    for (index, task) in tasks.enumerated() {
        try await t.sql("""
            INSERT INTO planner_task (account_id, bucket_id, position, title, due_date, status, created_at, completed_at, deleted_at)
            VALUES ('A1', 1, ?, ?, ?, ?, ?, ?, ?)
            """, [index, task.0, task.1, task.3 == nil ? "in_progress" : "done", task.2, task.3, task.4])
    }
    // Feedback: F1 new; F2 in progress in March, done in April; F3 declined; F4 left in April.
    let feedback: [(Int, Date, [(String, Date)])] = [
        (1, helsinki("2026-03-03 10:00"), []),
        (2, helsinki("2026-03-04 10:00"), [("in_progress", helsinki("2026-03-06 10:00")), ("done", helsinki("2026-04-02 10:00"))]),
        (3, helsinki("2026-03-05 10:00"), [("declined", helsinki("2026-03-07 10:00"))]),
        (4, helsinki("2026-04-01 10:00"), []),
    ]
    for (id, created, replies) in feedback {
        try await t.sql("INSERT INTO feedback (id, account_id, kind, body, status, created_at) VALUES (?, 'A1', 'idea', 'Ehdotus', ?, ?)",
                        [id, replies.last?.0 ?? "new", created])
        for (status, at) in replies {
            try await t.sql("INSERT INTO feedback_reply (feedback_id, body, status, created_at) VALUES (?, 'Vastaus', ?, ?)", [id, status, at])
        }
    }
    t.clock.set(helsinki("2026-04-10 12:00"))
}

@Suite struct QualityCardFigureTests {
    @Test(arguments: Backend.all) func aPastMonthsFiguresAreAsTheyStoodAtItsEnd(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await buildHistory(t)
            let page = try await t.kanava.qualityCards.card(t.a1, month: "2026-03", for: try await t.who(director))
            let figures = page.figures
            #expect(page.card == nil)
            #expect(page.canEdit)
            #expect(figures.asOf == CardMonth(year: 2026, month: 3)!.end.addingTimeInterval(-0.001))
            // 31 March: Ville (Oulu 1, Oulu 2), Olli (Vaasa 2), Maija by hand (Kemi 1) supervise; Sanna (Oulu 4) instructs.
            #expect(figures.sites == 5)
            #expect(figures.supervisors == 3)
            // Riikka left and Sanna stopped supervising in the 10 March sync.
            #expect(figures.supervisorChanges == 2)
            // March: the visit done, the meeting planned, the training cancelled; January–March: two done of three.
            #expect(figures.clock.month.planned == 2)
            #expect(figures.clock.month.done == 1)
            #expect(figures.clock.month.cancelled == 1)
            #expect(figures.clock.yearToDate.planned == 3)
            #expect(figures.clock.yearToDate.done == 2)
            #expect(figures.clock.yearToDate.cancelled == 2)
            // N1: owed by Eino, Ville, Olli, Sanna, Maija (members on 31 March but the sender), acknowledged by Ville (30 min),
            // Eino (120) and Olli (12 960); Riikka's does not count (she left), Sanna's came in April.
            // N2: owed by the same five when it expired on 22 March; acknowledged by Maija (10) and Ville (1 440).
            // N3 was withdrawn; the important one and February's are not counted.
            #expect(figures.notices.sent == 2)
            #expect(figures.notices.required == 10)
            #expect(figures.notices.acknowledged == 5)
            #expect(figures.notices.rate == 0.5)
            #expect(figures.notices.medianMinutes == 120)
            #expect(figures.overduePlannerTasks == 2)
            #expect(figures.openMustReads == 9)
            #expect(figures.feedback == QualityFigures.Feedback(new: 1, inProgress: 1, done: 0, declined: 1))
        }
    }

    @Test(arguments: Backend.all) func theCurrentMonthsFiguresAreAsTheyStandNow(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await buildHistory(t)
            let figures = try await t.kanava.qualityCards.card(t.a1, month: "2026-04", for: try await t.who(director)).figures
            #expect(figures.asOf == helsinki("2026-04-10 12:00"))
            // Now: Olli (Vaasa 2), Pekka and Kalle (Oulu 3) supervise, Sanna (Oulu 4) instructs; Maija was removed by hand.
            #expect(figures.sites == 3)
            #expect(figures.supervisors == 3)
            #expect(figures.supervisorChanges == 1)
            #expect(figures.clock.month.planned == 1)
            #expect(figures.clock.month.done == 0)
            #expect(figures.clock.yearToDate.planned == 4)
            #expect(figures.clock.yearToDate.done == 2)
            #expect(figures.clock.yearToDate.cancelled == 2)
            #expect(figures.notices.sent == 0)
            #expect(figures.notices.required == 0)
            #expect(figures.notices.rate == nil)
            #expect(figures.notices.medianMinutes == nil)
            #expect(figures.overduePlannerTasks == 3)
            #expect(figures.openMustReads == 9)
            #expect(figures.feedback == QualityFigures.Feedback(new: 2, inProgress: 0, done: 1, declined: 1))

            // February: four sites and three supervisors at its end; nothing of March leaks back.
            let february = try await t.kanava.qualityCards.card(t.a1, month: "2026-02", for: try await t.who(director)).figures
            #expect(february.sites == 4)
            #expect(february.supervisors == 3)
            #expect(february.supervisorChanges == 0)
            #expect(february.notices.sent == 1)
            #expect(february.notices.required == 4, "Eino, Ville, Riikka and Sanna")
            #expect(february.notices.acknowledged == 0)
            #expect(february.notices.rate == 0)
            #expect(february.notices.medianMinutes == nil)
        }
    }
}

/// A1 with its director Jaana and supervisor Ville, B2 with its director Toini, a board member and an admin; the clock
/// reads noon, 10 April 2026 in Finland.
private func setUpPeople(_ t: TestInstallation) async throws {
    t.clock.set(helsinki("2026-04-10 12:00"))
    try await t.person(director, "Jaana Järvinen")
    try await t.person("ville@yritys.example", "Ville Mäkinen")
    try await t.person("toinen@yritys.example", "Toini Toinen")
    try await t.person("hallitus@yritys.example", "Hilkka Hallitus", global: .board)
    try await t.person("admin@yritys.example", "Pääkäyttäjä", global: .admin)
    try await t.account("A1", "Östra kiinteistö Ab")
    try await t.account("B2", "Beeta Oy")
    try await t.member("A1", director, .accountDirector)
    try await t.member("A1", "ville@yritys.example", .supervisor)
    try await t.member("B2", "toinen@yritys.example", .accountDirector)
}

private let fullCard = QualityCardInput(status: "green", summary: "Hyvä kuukausi.", asks: "Ei pyyntöjä.", customerSatisfaction: 4.2, auditScore: 87.5,
                                        openComplaints: 3, monthlyBilling: 12_345.67)

@Suite struct QualityCardLifecycleTests {
    @Test(arguments: Backend.all) func aSubmittedCardIsFrozenAndAChangeIsTheNextVersionThatSupersedesIt(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await setUpPeople(t)
            let cards = t.kanava.qualityCards
            let jaana = try await t.who(director)

            // March, submitted: April's "previous".
            let march = try await cards.save(t.a1, month: "2026-03", fullCard, by: jaana)
            _ = try await cards.submit(t.a1, month: "2026-03", version: try #require(march.card).version, by: jaana)

            // April's draft: saved twice it is still version 1; its figures are computed afresh.
            var page = try await cards.save(t.a1, month: "2026-04", QualityCardInput(status: "yellow", summary: "Luonnos", customerSatisfaction: 3.9), by: jaana)
            #expect(page.card?.version == 1)
            #expect(page.card?.state == .draft)
            #expect(page.card?.figures == nil)
            #expect(page.figures.supervisors == 1)
            #expect(page.previous?.month == CardMonth(year: 2026, month: 3))
            #expect(page.previous?.entered.customerSatisfaction == 4.2)
            #expect(page.previous?.entered.monthlyBillingCents == 1_234_567)
            t.clock.advance(by: 60)
            page = try await cards.save(t.a1, month: "2026-04", QualityCardInput(summary: "Huhtikuu", openComplaints: 2), by: jaana)
            #expect(page.card?.version == 1)
            #expect(page.card?.status == .yellow, "a field left out keeps its value")
            #expect(page.card?.summary == "Huhtikuu")
            #expect(page.card?.entered == EnteredFigures(customerSatisfaction: 3.9, openComplaints: 2))
            #expect(page.card?.updatedAt == t.clock.now())
            try await t.person("pekka@yritys.example", "Pekka Pitkä")
            try await t.member("A1", "pekka@yritys.example", .supervisor)
            #expect(try await cards.card(t.a1, month: "2026-04", for: jaana).figures.supervisors == 2, "a draft's figures are live")

            // Submitted: frozen with its figures, who and when.
            t.clock.advance(by: 60)
            page = try await cards.submit(t.a1, month: "2026-04", version: 1, by: jaana)
            let submitted = try #require(page.card)
            #expect(submitted.state == .submitted)
            #expect(submitted.submittedBy?.name == "Jaana Järvinen")
            #expect(submitted.submittedAt == t.clock.now())
            #expect(submitted.figures?.supervisors == 2)
            #expect(page.figures == submitted.figures)
            try await t.person("kalle@yritys.example", "Kalle Kallio")
            try await t.member("A1", "kalle@yritys.example", .supervisor)
            #expect(try await cards.card(t.a1, month: "2026-04", for: jaana).figures.supervisors == 2, "a submitted card's figures are frozen")

            // Submitting it again (a double click) changes nothing.
            let head = try await t.head(t.a1)
            await #expect(throws: KanavaError.self) { try await cards.submit(t.a1, month: "2026-04", version: 1, by: jaana) }
            do {
                _ = try await cards.submit(t.a1, month: "2026-04", version: 1, by: jaana)
            } catch let error as KanavaError {
                #expect(error.code == .alreadySubmitted)
                #expect(error.message.contains("version 1 of the 2026-04 card was already submitted by Jaana Järvinen"))
            }
            #expect(try await t.head(t.a1) == head)
            #expect(try await cards.versions(t.a1, month: "2026-04", for: jaana) == [submitted])
            // Nor can anything below the service change it: the database refuses.
            let refusal = await #expect(throws: (any Error).self) {
                try await t.sql("UPDATE quality_card SET summary = 'Muutettu' WHERE account_id = 'A1' AND month = '2026-04' AND version = 1")
            }
            #expect(t.backend == .postgres || refusal is DatabaseError)
            #expect(refusal.map { "\($0)" }?.contains("a submitted quality card is frozen") == true)
            #expect(try await cards.versions(t.a1, month: "2026-04", for: jaana) == [submitted])
            // Nothing changed: no new version either.
            _ = try await cards.save(t.a1, month: "2026-04", QualityCardInput(summary: "Huhtikuu"), by: jaana)
            #expect(try await cards.versions(t.a1, month: "2026-04", for: jaana).count == 1)

            // A change after submitting is version 2, a draft copied from version 1; version 1 stays as it was.
            t.clock.advance(by: 60)
            page = try await cards.save(t.a1, month: "2026-04", QualityCardInput(summary: "Korjattu yhteenveto"), by: jaana)
            let second = try #require(page.card)
            #expect(second.version == 2)
            #expect(second.state == .draft)
            #expect(second.status == .yellow)
            #expect(second.entered == submitted.entered)
            #expect(second.summary == "Korjattu yhteenveto")
            #expect(page.figures.supervisors == 3, "the new draft's figures are live again")
            var versions = try await cards.versions(t.a1, month: "2026-04", for: jaana)
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions[0] == submitted)
            await #expect(throws: KanavaError.self) { try await cards.submit(t.a1, month: "2026-04", version: 1, by: jaana) }

            // Submitting version 2 supersedes version 1.
            t.clock.advance(by: 60)
            _ = try await cards.submit(t.a1, month: "2026-04", version: 2, by: jaana)
            versions = try await cards.versions(t.a1, month: "2026-04", for: jaana)
            #expect(versions.map(\.state) == [.superseded, .submitted])
            #expect(versions.map { $0.figures?.supervisors } == [2, 3])
            #expect(versions[1].createdBy?.name == "Jaana Järvinen")
            #expect(versions[1].submittedAt == t.clock.now())
            #expect(versions[0].submittedAt == submitted.submittedAt)
        }
    }

    @Test(arguments: Backend.all) func badInputIsRefusedNamingTheFieldAndChangesNothing(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await setUpPeople(t)
            let cards = t.kanava.qualityCards
            let jaana = try await t.who(director)
            _ = try await cards.save(t.a1, month: "2026-04", fullCard, by: jaana)

            func refused(_ field: String, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let before = try await cards.versions(t.a1, month: "2026-04", for: jaana)
                let head = try await t.head(t.a1)
                do {
                    try await body()
                    Issue.record("accepted; expected \(field) to be refused", sourceLocation: sourceLocation)
                } catch let error as KanavaError {
                    #expect(error.code == .invalidInput, "\(error)", sourceLocation: sourceLocation)
                    #expect(error.message.hasPrefix("\(field): "), "\(error)", sourceLocation: sourceLocation)
                }
                #expect(try await cards.versions(t.a1, month: "2026-04", for: jaana) == before, sourceLocation: sourceLocation)
                #expect(try await t.head(t.a1) == head, sourceLocation: sourceLocation)
            }

            // Months: the future, impossible ones, other spellings.
            for month in ["2026-05", "2027-01", "2026-13", "2026-00", "1999-12", "2026-4", "26-04", "2026-04-01", "", "2026–04"] {
                try await refused("month") { _ = try await cards.card(t.a1, month: month, for: jaana) }
                try await refused("month") { _ = try await cards.save(t.a1, month: month, fullCard, by: jaana) }
                try await refused("month") { _ = try await cards.submit(t.a1, month: month, version: 1, by: jaana) }
                try await refused("month") { _ = try await cards.board(month: month, for: try await t.who("hallitus@yritys.example")) }
            }
            // Entered figures outside their ranges or precision.
            let cases: [(String, QualityCardInput)] = [
                ("status", QualityCardInput(status: "blue")),
                ("customerSatisfaction", QualityCardInput(customerSatisfaction: 5.1)),
                ("customerSatisfaction", QualityCardInput(customerSatisfaction: 0.9)),
                ("customerSatisfaction", QualityCardInput(customerSatisfaction: 4.25)),
                ("customerSatisfaction", QualityCardInput(customerSatisfaction: .some(.infinity))),
                ("auditScore", QualityCardInput(auditScore: 100.1)),
                ("auditScore", QualityCardInput(auditScore: -1)),
                ("auditScore", QualityCardInput(auditScore: 50.05)),
                ("openComplaints", QualityCardInput(openComplaints: -1)),
                ("openComplaints", QualityCardInput(openComplaints: 10_001)),
                ("openComplaints", QualityCardInput(openComplaints: 2.5)),
                ("monthlyBilling", QualityCardInput(monthlyBilling: -0.01)),
                ("monthlyBilling", QualityCardInput(monthlyBilling: 100_000_000.01)),
                ("monthlyBilling", QualityCardInput(monthlyBilling: 12.345)),
                ("summary", QualityCardInput(summary: String(repeating: "a", count: 2_001))),
                ("summary", QualityCardInput(summary: "ääni\u{07}")),
                ("asks", QualityCardInput(asks: String(repeating: "ö", count: 2_001))),
                // One bad field among good ones: nothing of it is saved.
                ("auditScore", QualityCardInput(status: "red", summary: "Uusi", auditScore: 101)),
            ]
            for (field, input) in cases {
                try await refused(field) { _ = try await cards.save(t.a1, month: "2026-04", input, by: jaana) }
            }
            // The edges are accepted.
            let edges = try await cards.save(t.a1, month: "2026-03", QualityCardInput(customerSatisfaction: 1, auditScore: 100, openComplaints: 10_000,
                                                                                       monthlyBilling: 100_000_000), by: jaana)
            #expect(edges.card?.entered == EnteredFigures(customerSatisfaction: 1, auditScore: 100, openComplaints: 10_000,
                                                          monthlyBillingCents: 10_000_000_000))
            let empty = try await cards.save(t.a1, month: "2026-03", QualityCardInput(customerSatisfaction: .some(nil), monthlyBilling: .some(nil)), by: jaana)
            #expect(empty.card?.entered == EnteredFigures(auditScore: 100, openComplaints: 10_000), "null empties a figure")

            // Submitting: a status is required; a version that is not there is not found.
            let statusless = try await cards.save(t.a1, month: "2026-02", QualityCardInput(summary: "Ilman tilaa"), by: jaana)
            let februaryBefore = try await cards.versions(t.a1, month: "2026-02", for: jaana)
            await #expect(throws: KanavaError.invalid("status", "is required to submit: choose green, yellow or red and save first")) {
                _ = try await cards.submit(t.a1, month: "2026-02", version: try #require(statusless.card).version, by: jaana)
            }
            #expect(try await cards.versions(t.a1, month: "2026-02", for: jaana) == februaryBefore)
            try await refused("version") { _ = try await cards.submit(t.a1, month: "2026-04", version: 0, by: jaana) }
            await #expect(throws: KanavaError.notFound("version 7 of the 2026-04 card")) {
                _ = try await cards.submit(t.a1, month: "2026-04", version: 7, by: jaana)
            }
        }
    }

    @Test(arguments: Backend.all) func theDirectorAndAdminsWriteTheBoardReadsSubmittedCardsAndNobodyElseSeesThem(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await setUpPeople(t)
            let cards = t.kanava.qualityCards
            let jaana = try await t.who(director)
            let admin = try await t.who("admin@yritys.example")
            let board = try await t.who("hallitus@yritys.example")
            let notFound = KanavaError.notFound("channel A1")

            // Ville (a supervisor of A1) and Toini (B2's director) cannot see A1's card at all.
            for outsider in [try await t.who("ville@yritys.example"), try await t.who("toinen@yritys.example")] {
                await #expect(throws: notFound) { try await cards.card(t.a1, month: "2026-04", for: outsider) }
                await #expect(throws: notFound) { try await cards.save(t.a1, month: "2026-04", fullCard, by: outsider) }
                await #expect(throws: notFound) { try await cards.submit(t.a1, month: "2026-04", version: 1, by: outsider) }
                await #expect(throws: notFound) { try await cards.versions(t.a1, month: "2026-04", for: outsider) }
                await #expect(throws: KanavaError.forbidden) { try await cards.board(month: nil, for: outsider) }
            }
            await #expect(throws: KanavaError.notFound("channel NOPE")) { try await cards.card(AccountID(rawValue: "NOPE")!, month: "2026-04", for: board) }

            // The board sees nothing before a version is submitted, and never writes.
            _ = try await cards.save(t.a1, month: "2026-04", fullCard, by: jaana)
            await #expect(throws: KanavaError.notFound("the 2026-04 quality card of A1")) { try await cards.card(t.a1, month: "2026-04", for: board) }
            #expect(try await cards.versions(t.a1, month: "2026-04", for: board).isEmpty)
            await #expect(throws: KanavaError.self) { try await cards.save(t.a1, month: "2026-04", fullCard, by: board) }
            await #expect(throws: KanavaError.self) { try await cards.submit(t.a1, month: "2026-04", version: 1, by: board) }
            #expect(try await cards.board(month: "2026-04", for: board).accounts.allSatisfy { $0.card == nil })

            // An admin submits; the board reads version 1 while version 2 is a draft.
            _ = try await cards.submit(t.a1, month: "2026-04", version: 1, by: admin)
            _ = try await cards.save(t.a1, month: "2026-04", QualityCardInput(status: "red", summary: "Luonnos"), by: jaana)
            let read = try await cards.card(t.a1, month: "2026-04", for: board)
            #expect(read.canEdit == false)
            #expect(read.card?.version == 1)
            #expect(read.card?.status == .green)
            #expect(read.card?.submittedBy?.name == "Pääkäyttäjä")
            #expect(try await cards.versions(t.a1, month: "2026-04", for: board).map(\.version) == [1])
            #expect(try await cards.versions(t.a1, month: "2026-04", for: jaana).map(\.version) == [1, 2])

            // The board overview: every account, Finnish order, the submitted card, twelve months of trend.
            for viewer in [board, admin] {
                let overview = try await cards.board(month: "2026-04", for: viewer)
                #expect(overview.month == CardMonth(year: 2026, month: 4))
                #expect(overview.accounts.map(\.account.name) == ["Beeta Oy", "Östra kiinteistö Ab"], "Ö after the Latin letters")
                let a1 = try #require(overview.accounts.first { $0.account.id == t.a1 })
                #expect(a1.card?.version == 1)
                #expect(a1.director?.name == "Jaana Järvinen")
                #expect(a1.trend.map(\.month.description) == ["2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
                                                              "2026-01", "2026-02", "2026-03", "2026-04"])
                #expect(a1.trend.last == CardTrendPoint(month: CardMonth(year: 2026, month: 4)!, status: .green, customerSatisfaction: 4.2))
                #expect(a1.trend.dropLast().allSatisfy { $0.status == nil })
                #expect(overview.accounts.first { $0.account.id.rawValue == "B2" }?.card == nil)
            }
            await #expect(throws: KanavaError.forbidden) { try await cards.board(month: "2026-04", for: jaana) }
            #expect(try await cards.board(month: nil, for: board).month == CardMonth(year: 2026, month: 4), "this month by default")

            // Reading every card gives the board nothing else of the channel.
            await #expect(throws: notFound) { try await t.kanava.access.channel(t.a1, for: board) }
            await #expect(throws: notFound) { try await t.kanava.sections.list(t.a1, for: board) }
        }
    }
}
