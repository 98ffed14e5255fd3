import Foundation
import Logging

/// An annual-clock event as received (validated by the service). On update, nil leaves a field as it is; `recurrence`
/// given as `.some(nil)` makes the event a single date.
public struct ClockEventInput: Sendable {
    public var title: String?
    public var description: String?
    public var kind: String?
    public var owner: String?
    /// `YYYY-MM-DD`.
    public var start: String?
    /// An RRULE such as `FREQ=MONTHLY;BYMONTHDAY=-1`.
    public var recurrence: String??
    public var leadDays: Int?

    public init(title: String? = nil, description: String? = nil, kind: String? = nil, owner: String? = nil, start: String? = nil,
                recurrence: String?? = nil, leadDays: Int? = nil) {
        self.title = title
        self.description = description
        self.kind = kind
        self.owner = owner
        self.start = start
        self.recurrence = recurrence
        self.leadDays = leadDays
    }
}

/// One event with its occurrences in a year, as a viewer sees it.
public struct ClockEventYear: Codable, Sendable {
    public var event: ClockEvent
    /// Whether the viewer may mark its occurrences done or cancelled.
    public var canMark: Bool
    public var occurrences: [ClockOccurrence]
}

/// An account's annual clock for one year.
public struct ClockYear: Codable, Sendable {
    public var year: Int
    /// Whether the viewer may add, change and delete events.
    public var canEdit: Bool
    /// In the order of their first occurrence in the year; events without one that year come last.
    public var events: [ClockEventYear]
}

/// The annual clock (vuosikello) of a channel: its events, their occurrences and statuses, and the done-vs-planned
/// figures. Every member reads it; the account's director and admins change events; the members of an event's owner
/// role (and the director and admins) mark its occurrences done, cancelled, or planned again.
///
/// Start dates are stored as the first occurrence, so an exported `DTSTART` is always an occurrence (RFC 5545 leaves
/// a start off the rule undefined); rules that would skip a month or year are refused (see ``Recurrence``).
public struct AnnualClockService: Sendable {
    public static let years = 2000...2100
    public static let maxLeadDays = 365
    public static let maxTextChars = 2_000

    let store: any KanavaStore
    let access: AccessPolicy
    let bus: EventBus
    let clock: any WallClock
    let maxNameChars: Int
    let logger: Logger

    public init(store: any KanavaStore, access: AccessPolicy, bus: EventBus, clock: any WallClock, maxNameChars: Int, logger: Logger) {
        self.store = store
        self.access = access
        self.bus = bus
        self.clock = clock
        self.maxNameChars = maxNameChars
        self.logger = logger
    }

    // MARK: - Reading

    /// The account's events with their occurrences in `year` (nil: this year in Finland).
    public func year(_ account: AccountID, year: Int?, for principal: Principal) async throws -> ClockYear {
        let access = try await access.channel(account, for: principal)
        let year = try checkedYear(year)
        let (first, last) = Self.bounds(of: year)
        let marks = Dictionary(try await store.clockMarks(in: account, from: first, through: last).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let events = try await store.clockEvents(in: account).map { event in
            ClockEventYear(event: event, canMark: canMark(event, access), occurrences: event.occurrences(in: first...last).map { date in
                marks[OccurrenceKey(event: event.id, date: date)] ?? ClockOccurrence(event: event.id, date: date, status: .planned)
            })
        }
        return ClockYear(year: year, canEdit: access.canManage, events: events.sorted { a, b in
            switch (a.occurrences.first?.date, b.occurrences.first?.date) {
            case let (x?, y?) where x != y: x < y
            case (_?, nil): true
            case (nil, _?): false
            default: (a.event.title, a.event.id) < (b.event.title, b.event.id)
            }
        })
    }

    /// Done against planned in `year` (nil: this year), per month and up to today.
    public func summary(_ account: AccountID, year: Int?, for principal: Principal) async throws -> ClockFigures {
        _ = try await access.channel(account, for: principal)
        return try await figures(account, year: checkedYear(year))
    }

    /// Done against planned without an access check: for the quality card, which decides itself who sees what.
    public func figures(_ account: AccountID, year: Int) async throws -> ClockFigures {
        let (first, last) = Self.bounds(of: year)
        let marks = Dictionary(try await store.clockMarks(in: account, from: first, through: last).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        return ClockFigures.count(year: year, events: try await store.clockEvents(in: account), marks: marks, asOf: LocalDate.inHelsinki(clock.now()))
    }

    // MARK: - Events

    /// Adds an event: `title`, `kind`, `owner` and `start` are required; without `recurrence` it happens once.
    public func create(_ account: AccountID, _ input: ClockEventInput, by principal: Principal) async throws -> ClockEvent {
        _ = try await access.manage(account, for: principal)
        guard let title = input.title else { throw KanavaError.invalid("title", "is required") }
        guard let kind = input.kind else { throw KanavaError.invalid("kind", "is required") }
        guard let owner = input.owner else { throw KanavaError.invalid("owner", "is required") }
        guard let start = input.start else { throw KanavaError.invalid("start", "is required (YYYY-MM-DD)") }
        let recurrence = try (input.recurrence ?? nil).map { try Recurrence.parse($0) }
        let new = NewClockEvent(
            account: account, templateKey: nil, title: try TextInput.required(title, field: "title", maxChars: maxNameChars),
            description: try Self.text(input.description ?? "", field: "description"), kind: try ClockEventKind.parse(kind),
            owner: try ClockOwner.parse(owner), start: try Self.firstOccurrence(try Self.startDate(start), recurrence),
            recurrence: recurrence, leadDays: try Self.leadDays(input.leadDays ?? 7)
        )
        let committed = try await store.createClockEvent(new, at: clock.now(), events: Self.events(.clockCreated))
        bus.publish(committed.events)
        logger.info("clock event added", metadata: ["account": "\(account)", "event": "\(committed.value.id)", "by": "\(principal.label)"])
        return committed.value
    }

    /// Changes the given fields of an event.
    public func update(_ account: AccountID, _ id: ClockEventID, _ input: ClockEventInput, by principal: Principal) async throws -> ClockEvent {
        _ = try await access.manage(account, for: principal)
        guard var event = try await store.clockEvent(id, in: account) else { throw KanavaError.notFound("clock event \(id)") }
        let before = event
        if let title = input.title { event.title = try TextInput.required(title, field: "title", maxChars: maxNameChars) }
        if let description = input.description { event.description = try Self.text(description, field: "description") }
        if let kind = input.kind { event.kind = try ClockEventKind.parse(kind) }
        if let owner = input.owner { event.owner = try ClockOwner.parse(owner) }
        if let recurrence = input.recurrence { event.recurrence = try recurrence.map { try Recurrence.parse($0) } }
        if let leadDays = input.leadDays { event.leadDays = try Self.leadDays(leadDays) }
        if let start = input.start { event.start = try Self.startDate(start) }
        if input.start != nil || input.recurrence != nil { event.start = try Self.firstOccurrence(event.start, event.recurrence) }
        guard event != before else { return event }
        let committed = try await store.updateClockEvent(event, at: clock.now(), events: Self.events(.clockUpdated))
        bus.publish(committed.events)
        return committed.value
    }

    public func delete(_ account: AccountID, _ id: ClockEventID, by principal: Principal) async throws {
        _ = try await access.manage(account, for: principal)
        let committed = try await store.deleteClockEvent(id, in: account, at: clock.now(), events: Self.events(.clockDeleted))
        bus.publish(committed.events)
        logger.info("clock event deleted", metadata: ["account": "\(account)", "event": "\(id)", "by": "\(principal.label)"])
    }

    // MARK: - Occurrences

    /// Marks one occurrence (`date`, `YYYY-MM-DD`) done or cancelled, with an optional note, or planned again.
    public func mark(_ account: AccountID, _ id: ClockEventID, date: String, status: String, note: String?, by principal: Principal) async throws -> ClockOccurrence {
        let access = try await access.channel(account, for: principal)
        guard let event = try await store.clockEvent(id, in: account) else { throw KanavaError.notFound("clock event \(id)") }
        guard canMark(event, access) else {
            throw KanavaError(.forbidden, "only the owner role (\(event.owner.rawValue)), the account director or an admin may mark this event")
        }
        let day = try LocalDate.parse(date, field: "date")
        guard !event.occurrences(in: day...day).isEmpty else { throw KanavaError.notFound("occurrence \(day) of clock event \(id)") }
        let status = try OccurrenceStatus.parse(status)
        let note = try note.map { try Self.text($0, field: "note") }.flatMap { $0.isEmpty ? nil : $0 }
        if status == .planned, note != nil { throw KanavaError.invalid("note", "belongs to a done or cancelled occurrence") }
        let occurrence = ClockOccurrence(event: id, date: day, status: status, note: note, markedBy: principal.person.map(PersonRef.init))
        let committed = try await store.markClockOccurrence(occurrence, in: account, at: clock.now()) { occurrence in
            [try EventDraft(channel: account, kind: .clockMarked, payload: occurrence)]
        }
        bus.publish(committed.events)
        return committed.value
    }

    // MARK: - Rules

    /// Directors and admins mark anything; others the events their role owns.
    func canMark(_ event: ClockEvent, _ access: ChannelAccess) -> Bool {
        access.canManage || (event.owner.role != nil && event.owner.role == access.role)
    }

    static func events(_ kind: EventKind) -> ClockEventEvents {
        { event in [try EventDraft(channel: event.account, kind: kind, payload: event)] }
    }

    private func checkedYear(_ year: Int?) throws -> Int {
        guard let year else { return LocalDate.inHelsinki(clock.now()).year }
        guard Self.years.contains(year) else { throw KanavaError.invalid("year", "must be \(Self.years.lowerBound)–\(Self.years.upperBound)") }
        return year
    }

    static func bounds(of year: Int) -> (LocalDate, LocalDate) {
        // Years are checked to be 2000–2100 before they get here.
        (LocalDate(year: year, month: 1, day: 1)!, LocalDate(year: year, month: 12, day: 31)!)
    }

    static func startDate(_ text: String) throws -> LocalDate {
        let date = try LocalDate.parse(text, field: "start")
        guard years.contains(date.year) else { throw KanavaError.invalid("start", "must be in the years \(years.lowerBound)–\(years.upperBound)") }
        return date
    }

    /// The first occurrence on or after `start`: the stored start. Refuses rules that would skip a period or never occur.
    static func firstOccurrence(_ start: LocalDate, _ recurrence: Recurrence?) throws -> LocalDate {
        guard let recurrence else { return start }
        if let gap = recurrence.gap(start: start) { throw KanavaError.invalid("recurrence", gap) }
        guard let first = recurrence.first(onOrAfter: start) else {
            throw KanavaError.invalid("recurrence", "has no date on or after the start \(start)")
        }
        return first
    }

    static func leadDays(_ days: Int) throws -> Int {
        guard (0...maxLeadDays).contains(days) else { throw KanavaError.invalid("leadDays", "must be 0–\(maxLeadDays) days") }
        return days
    }

    /// Free text with Windows line ends made `\n`, at most ``maxTextChars`` characters; may be empty.
    static func text(_ value: String, field: String) throws -> String {
        let normalised = value.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return try TextInput.bounded(normalised.trimmingCharacters(in: .whitespacesAndNewlines), field: field, maxChars: maxTextChars)
    }
}
