import Foundation
import KanavaCore
import KanavaTestSupport
import Logging
import Synchronization
import Testing

/// Log records kept for a test to read.
final class CapturedLog: Sendable {
    let records = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])

    var logger: Logger {
        Logger(label: "test") { _ in Handler(log: self) }
    }

    func notices(containing text: String) -> [Logger.Metadata] {
        records.withLock { $0.filter { $0.level == .notice && $0.message.contains(text) }.map(\.metadata) }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            log.records.withLock { $0.append((level, message.description, metadata ?? [:])) }
        }
    }
}

/// The reminder bot: once per occurrence across restarts, processes and concurrent rounds, catching up after downtime.
/// Time moves by the installation's manual clock. The channels here start with an empty annual clock, so every
/// reminder comes from the events a test adds.
@Suite struct ClockReminderTests {
    static let account = AccountID(rawValue: "A1")!

    /// An installation whose clock reads noon, 10 March 2026 in Helsinki, with channel A1 (and B2) and no template events.
    private func withClock(_ backend: Backend, _ body: (TestInstallation) async throws -> Void) async throws {
        try await withInstallation(backend, configure: { config in
            let empty = URL(fileURLWithPath: config.dataDir).appendingPathComponent("annual-clock.yaml")
            FileManager.default.createFile(atPath: empty.path, contents: Data("events: []\n".utf8))
            config.templates.annualClock = empty.path
        }) { t in
            t.clock.set(helsinkiDay("2026-03-10"))
            try await t.account("A1", "Östra kiinteistö Ab")
            try await t.account("B2", "Wärtsi kirjasto")
            try await body(t)
        }
    }

    @discardableResult
    private func event(_ t: TestInstallation, _ title: String, start: String, recurrence: String? = nil, lead: Int,
                       owner: String = "account_director", account: AccountID = account) async throws -> ClockEvent {
        try await t.kanava.annualClock.create(account, ClockEventInput(title: title, kind: "other", owner: owner, start: start,
                                                                       recurrence: .some(recurrence), leadDays: lead), by: TestInstallation.system)
    }

    private func botMessages(_ t: TestInstallation, _ account: AccountID = account) async throws -> [Message] {
        try await t.kanava.chat.history(account, .channel, before: nil, limit: 200, for: TestInstallation.system).messages
    }

    /// Another process on the same database (the SQLite file, or the PostgreSQL database by its URL): its own
    /// connections, services and reminder bot. The test closes its store at the end.
    private func secondProcess(_ t: TestInstallation) async throws -> Kanava {
        var logger = Logger(label: "second")
        logger.logLevel = .warning
        return try await Kanava.open(config: t.kanava.config, clock: t.clock, logger: logger)
    }

    @Test(arguments: Backend.all) func aReminderIsPostedOnceAsVuosikelloAcrossARestart(_ backend: Backend) async throws {
        try await withClock(backend) { t in
            let meeting = try await event(t, "Neljännesvuosittainen asiakastapaaminen", start: "2026-03-17", lead: 7)
            try await event(t, "Laatukäynti", start: "2026-03-10", lead: 0, owner: "supervisor")
            try await event(t, "Raportti", start: "2026-03-11", lead: 3, owner: "board")
            try await event(t, "Kaukana", start: "2026-04-30", lead: 7)

            let first = try await t.kanava.clockReminders.round()
            #expect(first == .init(posted: 3))
            // A restarted server (a new process on the same database) posts nothing again, nor does the first one.
            let restarted = try await secondProcess(t)
            #expect(try await restarted.clockReminders.round() == .init())
            #expect(try await t.kanava.clockReminders.round() == .init())

            let messages = try await botMessages(t)
            #expect(messages.map(\.body) == [
                "Tänään (10.3.2026): Laatukäynti — vastuu: esimies",
                "Huomenna (11.3.2026): Raportti — vastuu: johtoryhmä",
                "7 päivän päästä (17.3.2026): Neljännesvuosittainen asiakastapaaminen — vastuu: asiakkuusjohtaja",
            ])
            #expect(messages.allSatisfy { $0.authorName == "Vuosikello" && $0.author == nil })
            #expect(messages.last?.clientId == "clock-\(meeting.id)-2026-03-17")

            // The durable record names the message.
            let records = try await t.store.clockReminderRecords(from: LocalDate("2026-01-01")!)
            let record = try #require(records.first { $0.key.event == meeting.id })
            #expect(record.outcome == .posted)
            #expect(record.message == messages.last?.id)

            // Day by day to the meeting and past it: nothing more, from either process.
            for _ in 1...10 {
                t.clock.advance(by: 86_400)
                #expect(try await restarted.clockReminders.round().posted == 0)
                #expect(try await t.kanava.clockReminders.round().posted == 0)
            }
            // 30 April's reminder came on the 23rd, once.
            t.clock.set(helsinkiDay("2026-04-23"))
            #expect(try await restarted.clockReminders.round().posted == 1)
            #expect(try await t.kanava.clockReminders.round().posted == 0)
            #expect(try await botMessages(t).count == 4)
            await restarted.store.close()
        }
    }

    @Test(arguments: Backend.all) func interleavedRoundsOfTwoProcessesPostEachOccurrenceOnce(_ backend: Backend) async throws {
        try await withClock(backend) { t in
            let monthly = try await event(t, "Laatukäynti", start: "2026-03-31", recurrence: "FREQ=MONTHLY;BYMONTHDAY=-1", lead: 5, owner: "supervisor")
            try await event(t, "Tyytyväisyyskäynti", start: "2026-03-15", recurrence: "FREQ=MONTHLY;BYMONTHDAY=15", lead: 2, owner: "supervisor",
                            account: AccountID(rawValue: "B2")!)
            let other = try await secondProcess(t)
            var posted = 0
            // Three months in six-hour steps, the two processes taking turns (and sometimes both in one step).
            for step in 0..<(92 * 4) {
                t.clock.advance(by: 6 * 3600)
                let bots = step % 3 == 0 ? [other.clockReminders, t.kanava.clockReminders] : [step % 2 == 0 ? other.clockReminders : t.kanava.clockReminders]
                for bot in bots { posted += try await bot.round().posted }
            }
            // Reminders of 31 March, 30 April and 31 May for A1, of 15 March, April and May for B2 (June's come after the 10th).
            let a1 = try await botMessages(t).map(\.body)
            let b2 = try await botMessages(t, AccountID(rawValue: "B2")!).map(\.body)
            #expect(a1 == ["5 päivän päästä (31.3.2026): Laatukäynti — vastuu: esimies", "5 päivän päästä (30.4.2026): Laatukäynti — vastuu: esimies",
                           "5 päivän päästä (31.5.2026): Laatukäynti — vastuu: esimies"])
            #expect(b2 == ["2 päivän päästä (15.3.2026): Tyytyväisyyskäynti — vastuu: esimies", "2 päivän päästä (15.4.2026): Tyytyväisyyskäynti — vastuu: esimies",
                           "2 päivän päästä (15.5.2026): Tyytyväisyyskäynti — vastuu: esimies"])
            #expect(posted == a1.count + b2.count)
            #expect(Set(try await t.store.clockReminderRecords(from: LocalDate("2026-01-01")!).filter { $0.key.event == monthly.id }.map(\.outcome)) == [.posted])
            await other.store.close()
        }
    }

    @Test(arguments: Backend.all) func concurrentRoundsPostEachReminderOnce(_ backend: Backend) async throws {
        try await withClock(backend) { t in
            for index in 1...12 {
                try await event(t, "Tapahtuma \(index)", start: "2026-03-1\(index % 8 + 1)", lead: 9,
                                account: index.isMultiple(of: 2) ? Self.account : AccountID(rawValue: "B2")!)
            }
            let other = try await secondProcess(t)
            let bots = [t.kanava.clockReminders, other.clockReminders, t.kanava.clockReminders, other.clockReminders]
            let posted = try await withThrowingTaskGroup(of: Int.self) { group in
                for bot in bots { group.addTask { try await bot.round().posted } }
                return try await group.reduce(0, +)
            }
            #expect(posted == 12)
            let messages = try await botMessages(t) + botMessages(t, AccountID(rawValue: "B2")!)
            #expect(messages.count == 12)
            #expect(Set(messages.compactMap(\.clientId)).count == 12)
            await other.store.close()
        }
    }

    @Test(arguments: Backend.all) func afterDowntimeMissedRemindersOfComingEventsArePostedAndThoseOfPastEventsSkippedAndLogged(_ backend: Backend) async throws {
        try await withClock(backend) { t in
            let log = CapturedLog()
            let bot = ClockReminders(store: t.store, chat: t.kanava.chat, clock: t.clock, logger: log.logger)
            let coming = try await event(t, "Ohjausryhmä", start: "2026-03-20", lead: 7)
            let passed = try await event(t, "Raportti", start: "2026-03-12", lead: 1)
            try await event(t, "Auditointi", start: "2026-03-13", lead: 2)
            let done = try await event(t, "Webinaari", start: "2026-03-16", lead: 5)
            let cancelled = try await event(t, "Kysely", start: "2026-03-14", lead: 3)
            // An event added with a start in the past: its old dates were never due, so nothing is skipped for them.
            try await event(t, "Vanha", start: "2026-01-15", recurrence: "FREQ=MONTHLY;BYMONTHDAY=15", lead: 3)
            #expect(try await bot.round() == .init())
            _ = try await t.kanava.annualClock.mark(Self.account, done.id, date: "2026-03-16", status: "done", note: "Pidetty etuajassa", by: TestInstallation.system)
            _ = try await t.kanava.annualClock.mark(Self.account, cancelled.id, date: "2026-03-14", status: "cancelled", note: nil, by: TestInstallation.system)

            // Down from the 10th to the 14th: Raportti (12th) and Auditointi (13th) passed; Ohjausryhmä (20th) and Vanha
            // (15th) are still to come, both late (their reminder days were the 13th and the 12th).
            t.clock.set(helsinkiDay("2026-03-14"))
            #expect(try await bot.round() == .init(posted: 2, late: 2, skipped: 2))
            #expect(try await botMessages(t).map(\.body) == [
                "Huomenna (15.3.2026): Vanha — vastuu: asiakkuusjohtaja",
                "6 päivän päästä (20.3.2026): Ohjausryhmä — vastuu: asiakkuusjohtaja",
            ])
            let skippedLog = log.notices(containing: "skipped")
            #expect(skippedLog.count == 1)
            #expect(skippedLog.first?["skipped"] == "2")
            #expect(skippedLog.first?["oldest"] == "2026-03-12")
            #expect(log.notices(containing: "posted late").first?["late"] == "2")

            let records = try await t.store.clockReminderRecords(from: LocalDate("2026-01-01")!)
            #expect(records.first { $0.key.event == passed.id }?.outcome == .skipped)
            #expect(records.first { $0.key.event == coming.id }?.outcome == .posted)
            // Skips are recorded: the next round neither posts nor logs them again.
            #expect(try await bot.round() == .init())
            #expect(log.notices(containing: "skipped").count == 1)
            #expect(try await botMessages(t).count == 2)
        }
    }

    @Test(arguments: Backend.all) func aClaimLeftByADeadProcessIsTakenOverWithoutADoubleMessage(_ backend: Backend) async throws {
        try await withClock(backend) { t in
            let crashedBeforePosting = try await event(t, "Ensimmäinen", start: "2026-03-12", lead: 3)
            let crashedAfterPosting = try await event(t, "Toinen", start: "2026-03-13", lead: 3)
            let now = t.clock.now()
            let first = OccurrenceKey(event: crashedBeforePosting.id, date: LocalDate("2026-03-12")!)
            let second = OccurrenceKey(event: crashedAfterPosting.id, date: LocalDate("2026-03-13")!)
            // A process claimed both, posted the second, and died.
            #expect(try await t.store.claimClockReminder(first, body: "Ylihuomenna: Ensimmäinen", at: now, staleBefore: now) == "Ylihuomenna: Ensimmäinen")
            #expect(try await t.store.claimClockReminder(second, body: "Kolmen päivän päästä: Toinen", at: now, staleBefore: now) != nil)
            _ = try await t.kanava.chat.send(Self.account, MessageDraft(clientId: "clock-\(second.event)-\(second.date)", body: "Kolmen päivän päästä: Toinen"),
                                             by: .system("Vuosikello"))
            // A fresh claim is left alone.
            #expect(try await t.kanava.clockReminders.round() == .init())
            #expect(try await t.store.claimClockReminder(first, body: "other", at: now, staleBefore: now) == nil)

            t.clock.advance(by: ClockReminders.claimTimeout + 60)
            #expect(try await t.kanava.clockReminders.round().posted == 2)
            let messages = try await botMessages(t)
            #expect(messages.map(\.body) == ["Kolmen päivän päästä: Toinen", "Ylihuomenna: Ensimmäinen"], "the claims' own texts, the second once")
            #expect(try await t.store.clockReminderRecords(from: LocalDate("2026-01-01")!).allSatisfy { $0.outcome == .posted })
        }
    }
}
