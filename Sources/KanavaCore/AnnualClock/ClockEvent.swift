import Foundation

/// An annual-clock event's database id.
public typealias ClockEventID = RowID<ClockEvent>

/// What sort of event it is (the clock face colours and groups by it).
public enum ClockEventKind: String, Codable, Sendable, CaseIterable {
    case qualityVisit = "quality_visit"
    case satisfactionVisit = "satisfaction_visit"
    case customerMeeting = "customer_meeting"
    case anniversary
    case internalAudit = "internal_audit"
    case userSurvey = "user_survey"
    case steeringGroup = "steering_group"
    case report
    case webinar
    case other

    public static func parse(_ value: String, field: String = "kind") throws -> ClockEventKind {
        guard let kind = ClockEventKind(rawValue: value) else {
            throw KanavaError.invalid(field, "'\(value.prefix(40))' is not a kind; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }
}

/// Who answers for an event: the members of a channel role, or the management board.
public enum ClockOwner: String, Codable, Sendable, CaseIterable {
    case accountDirector = "account_director"
    case regionalDirector = "regional_director"
    case manager
    case supervisor
    case instructor
    case sales
    case board

    /// The channel role whose members may mark the event's occurrences (the board is not a channel role).
    public var role: ChannelRole? { ChannelRole(rawValue: rawValue) }

    /// The role's name in Finnish, as the reminder bot writes it.
    public var finnishName: String {
        switch self {
        case .accountDirector: "asiakkuusjohtaja"
        case .regionalDirector: "aluejohtaja"
        case .manager: "päällikkö"
        case .supervisor: "esimies"
        case .instructor: "ohjaaja"
        case .sales: "myynti"
        case .board: "johtoryhmä"
        }
    }

    public static func parse(_ value: String, field: String = "owner") throws -> ClockOwner {
        guard let owner = ClockOwner(rawValue: value) else {
            throw KanavaError.invalid(field, "'\(value.prefix(40))' is not an owner role; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return owner
    }
}

/// One event of an account's annual clock: a single date, or a recurrence from its start.
public struct ClockEvent: Codable, Sendable, Hashable, Identifiable {
    public var id: ClockEventID
    public var account: AccountID
    /// The template entry it was made from; nil for an event the director added.
    public var templateKey: String?
    public var title: String
    public var description: String
    public var kind: ClockEventKind
    public var owner: ClockOwner
    /// The first occurrence (the only one without a recurrence).
    public var start: LocalDate
    public var recurrence: Recurrence?
    /// The reminder bot posts this many days before each occurrence (0: on the day).
    public var leadDays: Int
    public var createdAt: Date
    public var updatedAt: Date?

    public init(id: ClockEventID, account: AccountID, templateKey: String?, title: String, description: String, kind: ClockEventKind,
                owner: ClockOwner, start: LocalDate, recurrence: Recurrence?, leadDays: Int, createdAt: Date, updatedAt: Date?) {
        self.id = id
        self.account = account
        self.templateKey = templateKey
        self.title = title
        self.description = description
        self.kind = kind
        self.owner = owner
        self.start = start
        self.recurrence = recurrence
        self.leadDays = leadDays
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The event's dates within `range` (both ends included), in order.
    public func occurrences(in range: ClosedRange<LocalDate>) -> [LocalDate] {
        guard let recurrence else { return range.contains(start) ? [start] : [] }
        return recurrence.dates(start: start, in: range)
    }
}

/// Where an occurrence stands. Planned is the default and is not stored.
public enum OccurrenceStatus: String, Codable, Sendable, CaseIterable {
    case planned
    case done
    case cancelled

    public static func parse(_ value: String, field: String = "status") throws -> OccurrenceStatus {
        guard let status = OccurrenceStatus(rawValue: value) else {
            throw KanavaError.invalid(field, "'\(value.prefix(40))' is not a status; use planned, done or cancelled")
        }
        return status
    }
}

/// One occurrence of an event: identified by the event and its date.
public struct OccurrenceKey: Hashable, Sendable {
    public var event: ClockEventID
    public var date: LocalDate

    public init(event: ClockEventID, date: LocalDate) {
        self.event = event
        self.date = date
    }
}

/// One date of an event with its status; also the data of `clock.marked` events (a return to planned says who and when).
public struct ClockOccurrence: Codable, Sendable, Hashable {
    public var event: ClockEventID
    public var date: LocalDate
    public var status: OccurrenceStatus
    /// What was done, or why it was cancelled.
    public var note: String?
    public var markedBy: PersonRef?
    public var markedAt: Date?

    public init(event: ClockEventID, date: LocalDate, status: OccurrenceStatus, note: String? = nil, markedBy: PersonRef? = nil, markedAt: Date? = nil) {
        self.event = event
        self.date = date
        self.status = status
        self.note = note
        self.markedBy = markedBy
        self.markedAt = markedAt
    }

    public var key: OccurrenceKey { OccurrenceKey(event: event, date: date) }
}

/// Done against planned for a year, per month and up to a day: the annual-clock figure of the quality card.
/// Planned counts every occurrence that is not cancelled (done ones included), so `done / planned` is the share done.
public struct ClockFigures: Codable, Sendable, Equatable {
    public struct Count: Codable, Sendable, Equatable {
        public var planned = 0
        public var done = 0
        public var cancelled = 0
        public init() {}
    }

    public struct Month: Codable, Sendable, Equatable {
        public var month: Int
        public var count: Count
    }

    public var year: Int
    /// January to December.
    public var months: [Month]
    /// Occurrences dated up to ``asOf`` (the whole year once it is over, nothing for a year to come).
    public var yearToDate: Count
    public var asOf: LocalDate

    /// Counts the occurrences of `events` in `year`, with the statuses in `marks`.
    public static func count(year: Int, events: [ClockEvent], marks: [OccurrenceKey: ClockOccurrence], asOf: LocalDate) -> ClockFigures {
        var months = (1...12).map { Month(month: $0, count: Count()) }
        var yearToDate = Count()
        guard let first = LocalDate(year: year, month: 1, day: 1), let last = LocalDate(year: year, month: 12, day: 31) else {
            return ClockFigures(year: year, months: months, yearToDate: yearToDate, asOf: asOf)
        }
        for event in events {
            for date in event.occurrences(in: first...last) {
                let status = marks[OccurrenceKey(event: event.id, date: date)]?.status ?? .planned
                months[date.month - 1].count.add(status)
                if date <= asOf { yearToDate.add(status) }
            }
        }
        return ClockFigures(year: year, months: months, yearToDate: yearToDate, asOf: asOf)
    }
}

extension ClockFigures.Count {
    mutating func add(_ status: OccurrenceStatus) {
        switch status {
        case .planned: planned += 1
        case .done:
            planned += 1
            done += 1
        case .cancelled: cancelled += 1
        }
    }
}

/// `clock.created`, `clock.updated` and `clock.deleted` carry the ``ClockEvent``; `clock.marked` a ``ClockOccurrence``.
/// Every member sees them.
extension EventKind {
    public static let clockCreated: EventKind = "clock.created"
    public static let clockUpdated: EventKind = "clock.updated"
    public static let clockDeleted: EventKind = "clock.deleted"
    public static let clockMarked: EventKind = "clock.marked"
}
