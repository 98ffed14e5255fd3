import Foundation

/// An annual-clock event to store: validated by the service, or made from the template.
public struct NewClockEvent: Sendable, Hashable {
    public var account: AccountID
    public var templateKey: String?
    public var title: String
    public var description: String
    public var kind: ClockEventKind
    public var owner: ClockOwner
    public var start: LocalDate
    public var recurrence: Recurrence?
    public var leadDays: Int

    public init(account: AccountID, templateKey: String?, title: String, description: String, kind: ClockEventKind, owner: ClockOwner,
                start: LocalDate, recurrence: Recurrence?, leadDays: Int) {
        self.account = account
        self.templateKey = templateKey
        self.title = title
        self.description = description
        self.kind = kind
        self.owner = owner
        self.start = start
        self.recurrence = recurrence
        self.leadDays = leadDays
    }
}

/// Builds a write's events from the event as the transaction left it.
public typealias ClockEventEvents = @Sendable (ClockEvent) throws -> [EventDraft]
/// Builds a marking's events from the occurrence as stored.
public typealias ClockOccurrenceEvents = @Sendable (ClockOccurrence) throws -> [EventDraft]

/// What the reminder bot has done for one occurrence.
public struct ClockReminderRecord: Sendable, Hashable {
    public enum Outcome: String, Sendable {
        /// A process took it and is posting it.
        case claimed
        case posted
        /// Its date passed while no reminder was posted.
        case skipped
    }

    public var key: OccurrenceKey
    public var outcome: Outcome
    public var claimedAt: Date
    public var message: MessageID?

    public init(key: OccurrenceKey, outcome: Outcome, claimedAt: Date, message: MessageID?) {
        self.key = key
        self.outcome = outcome
        self.claimedAt = claimedAt
        self.message = message
    }
}

public protocol AnnualClockStore: Sendable {
    func createClockEvent(_ new: NewClockEvent, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent>
    /// Stores the event's fields as given, marking it updated at `time`.
    func updateClockEvent(_ event: ClockEvent, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent>
    /// Deletes an event from view (the row stays, so the template does not bring it back).
    func deleteClockEvent(_ id: ClockEventID, in account: AccountID, at time: Date, events: @escaping ClockEventEvents) async throws -> Committed<ClockEvent>
    /// An event of `account` that is not deleted.
    func clockEvent(_ id: ClockEventID, in account: AccountID) async throws -> ClockEvent?
    /// The events of one account (nil: of every account) that are not deleted.
    func clockEvents(in account: AccountID?) async throws -> [ClockEvent]
    /// The stored statuses (done, cancelled) of occurrences dated `from` through `through`, of one account (nil: all).
    func clockMarks(in account: AccountID?, from: LocalDate, through: LocalDate) async throws -> [ClockOccurrence]
    /// Stores a done or cancelled status, or removes the stored one for planned, of an occurrence of an event of `account`.
    func markClockOccurrence(_ occurrence: ClockOccurrence, in account: AccountID, at time: Date,
                             events: @escaping ClockOccurrenceEvents) async throws -> Committed<ClockOccurrence>
    /// Adds the template's events that the given accounts (nil: all) do not have yet, with `events` for each added.
    func applyClockTemplate(_ template: ClockTemplate, to accounts: [AccountID]?, at time: Date,
                            events: @escaping ClockEventEvents) async throws -> Committed<[ClockEvent]>

    // MARK: Reminders

    /// What the reminder bot has done for occurrences dated `from` or later.
    func clockReminderRecords(from: LocalDate) async throws -> [ClockReminderRecord]
    /// Takes an occurrence's reminder for the caller. Returns the text to post (`body`, or the text of an earlier claim
    /// taken over because it was made before `staleBefore` and never finished), or nil when another claim holds it or
    /// it was posted or skipped.
    func claimClockReminder(_ key: OccurrenceKey, body: String, at time: Date, staleBefore: Date) async throws -> String?
    /// Records a claimed reminder as posted in the chat.
    func finishClockReminder(_ key: OccurrenceKey, message: MessageID, at time: Date) async throws
    /// Records reminders as skipped (those already recorded are left as they are).
    func skipClockReminders(_ keys: [OccurrenceKey], at time: Date) async throws
}
