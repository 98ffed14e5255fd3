import Foundation
import Logging

/// The reminder bot "Vuosikello": posts in a channel's chat, `leadDays` before each occurrence of its annual-clock
/// events, what is coming and which role answers for it.
///
/// **Once per occurrence**, also across restarts and with several server processes: before posting, a round claims the
/// occurrence in `clock_reminder_sent` (its primary key lets one claim win), posts through the chat with the client id
/// `clock-<event>-<date>` (the chat stores one message per client id), and records the message. A claim left behind by
/// a process that died before finishing is taken over after ``claimTimeout`` and posted with the claim's own text, so
/// if the message did reach the chat, the chat answers with it instead of storing another.
///
/// **Catching up**: a reminder is due from its reminder day (date − lead days) through the date itself, so a round
/// after downtime posts the reminders whose day passed while the server was down if their date is today or later.
/// Those whose date passed too are recorded as skipped and logged (only reminders that fell due after the event was
/// last changed, looking back at most ``lookbackDays``). Occurrences already marked done or cancelled get no reminder.
///
/// The server runs ``round()`` every `clock.check_seconds` on one node (a ``PeriodicJob``); tests call it with a manual clock.
public struct ClockReminders: Sendable {
    /// The name the bot posts under.
    public static let botName = "Vuosikello"
    public static let claimTimeout: TimeInterval = 600
    public static let lookbackDays = 366

    let store: any KanavaStore
    let chat: ChatService
    let clock: any WallClock
    let logger: Logger

    public init(store: any KanavaStore, chat: ChatService, clock: any WallClock, logger: Logger) {
        self.store = store
        self.chat = chat
        self.clock = clock
        self.logger = logger
    }

    /// What one round did.
    public struct Report: Sendable, Equatable {
        /// Reminders this round posted …
        public var posted = 0
        /// … of which so many after their reminder day (catching up after downtime).
        public var late = 0
        /// Reminders whose date passed before they could be posted.
        public var skipped = 0
        public init(posted: Int = 0, late: Int = 0, skipped: Int = 0) {
            self.posted = posted
            self.late = late
            self.skipped = skipped
        }
    }

    public func round() async throws -> Report {
        let now = clock.now()
        let today = LocalDate.inHelsinki(now)
        guard let lookback = today.adding(days: -Self.lookbackDays), let horizon = today.adding(days: AnnualClockService.maxLeadDays) else { return Report() }
        let staleBefore = now.addingTimeInterval(-Self.claimTimeout)
        // Settled: posted, skipped, or claimed by a process that may still be posting. A stale claim is taken over
        // while its date has not passed; after that it stays as it is.
        let settled = Set(try await store.clockReminderRecords(from: lookback)
            .filter { $0.outcome != .claimed || $0.claimedAt >= staleBefore || $0.key.date < today }.map(\.key))
        let marked = Set(try await store.clockMarks(in: nil, from: lookback, through: horizon).map(\.key))

        var due: [(event: ClockEvent, date: LocalDate, late: Bool)] = []
        var missed: [OccurrenceKey] = []
        for event in try await store.clockEvents(in: nil) {
            let changed = LocalDate.inHelsinki(event.updatedAt ?? event.createdAt)
            guard let last = today.adding(days: event.leadDays) else { continue }
            for date in event.occurrences(in: lookback...last) {
                let key = OccurrenceKey(event: event.id, date: date)
                guard !settled.contains(key), !marked.contains(key), let reminderDay = date.adding(days: -event.leadDays) else { continue }
                if date >= today {
                    due.append((event, date, reminderDay < today && reminderDay >= changed))
                } else if reminderDay >= changed {
                    missed.append(key)
                }
            }
        }

        var report = Report()
        for (event, date, late) in due.sorted(by: { ($0.date, $0.event.id) < ($1.date, $1.event.id) }) {
            let key = OccurrenceKey(event: event.id, date: date)
            guard let body = try await store.claimClockReminder(key, body: Self.text(event, date: date, today: today), at: now, staleBefore: staleBefore) else { continue }
            do {
                let sent = try await chat.send(event.account, MessageDraft(clientId: Self.clientId(key), body: body), by: .system(Self.botName))
                try await store.finishClockReminder(key, message: sent.message.id, at: now)
                report.posted += 1
                if late { report.late += 1 }
            } catch {
                // The claim stays: after claimTimeout a round takes it over and tries again.
                logger.warning("annual-clock reminder not posted", metadata: ["account": "\(event.account)", "event": "\(event.id)", "date": "\(date)", "error": "\(error)"])
            }
        }
        if report.late > 0 {
            logger.notice("annual-clock reminders posted late: their reminder day passed while reminders were not running",
                          metadata: ["late": "\(report.late)", "posted": "\(report.posted)"])
        }
        if !missed.isEmpty {
            try await store.skipClockReminders(missed, at: now)
            report.skipped = missed.count
            logger.notice("annual-clock reminders skipped: their dates passed while reminders were not running", metadata: [
                "skipped": "\(missed.count)", "events": "\(Set(missed.map(\.event)).count)",
                "oldest": "\(missed.map(\.date).min().map(String.init(describing:)) ?? "")",
            ])
        }
        return report
    }

    /// The chat client id of an occurrence's reminder: the chat's idempotency key, the second guard against a double post.
    static func clientId(_ key: OccurrenceKey) -> String { "clock-\(key.event)-\(key.date)" }

    /// "7 päivän päästä (15.3.2026): Asiakastapaaminen — vastuu: asiakkuusjohtaja".
    static func text(_ event: ClockEvent, date: LocalDate, today: LocalDate) -> String {
        let when = switch today.days(until: date) {
        case 0: "Tänään"
        case 1: "Huomenna"
        case let days: "\(days) päivän päästä"
        }
        return "\(when) (\(date.day).\(date.month).\(date.year)): \(event.title) — vastuu: \(event.owner.finnishName)"
    }
}
