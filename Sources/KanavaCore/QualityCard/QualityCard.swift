import Foundation

/// The month a quality card is for, written `YYYY-MM`. Months begin and end at midnight in Finland.
public struct CardMonth: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Cards are kept from this year on.
    public static let firstYear = 2000

    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (Self.firstYear...2999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM` (two-digit month), from the year 2000 on.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts[0].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isASCII), let y = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(year: y, month: m)
    }

    public static func parse(_ text: String, field: String = "month") throws -> CardMonth {
        guard let month = CardMonth(text) else {
            throw KanavaError.invalid(field, "'\(text.prefix(20))' is not a month; write it YYYY-MM (\(firstYear) or later)")
        }
        return month
    }

    /// The month `date` is in.
    public static func containing(_ date: LocalDate) -> CardMonth {
        // LocalDate's years (1900–2999) cover every card month; earlier dates are clamped to the first month.
        CardMonth(year: date.year, month: date.month) ?? CardMonth(year: firstYear, month: 1)!
    }

    /// The month `count` months later (earlier when negative); nil before 2000.
    public func adding(months count: Int) -> CardMonth? {
        let index = year * 12 + (month - 1) + count
        return CardMonth(year: index / 12, month: index % 12 + 1)
    }

    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: 1)! }
    public var lastDay: LocalDate { LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))! }
    /// Midnight in Finland when the month begins.
    public var start: Date { firstDay.startInHelsinki }
    /// Midnight in Finland when the next month begins.
    public var end: Date { (lastDay.adding(days: 1) ?? lastDay).startInHelsinki }

    public var description: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(m)"
    }

    public static func < (a: CardMonth, b: CardMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let month = CardMonth(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a month written YYYY-MM"))
        }
        self = month
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The director's one-glance verdict on the month.
public enum CardStatus: String, Codable, Sendable, CaseIterable {
    case green
    case yellow
    case red

    public static func parse(_ value: String, field: String = "status") throws -> CardStatus {
        guard let status = CardStatus(rawValue: value) else {
            throw KanavaError.invalid(field, "'\(value.prefix(40))' is not a status; use green, yellow or red")
        }
        return status
    }
}

/// The figures Kanava cannot know, entered by the director. Each may be left empty; when given, it must be within its
/// range, or the save is refused naming the field:
/// - `customerSatisfaction`: the customer's score 1.0–5.0, at most one decimal;
/// - `auditScore`: the latest audit's result 0–100 (%), at most one decimal;
/// - `openComplaints`: complaints open at the month's end, a whole number 0–10 000;
/// - `monthlyBilling`: the month's billing in euros 0–100 000 000, with at most cents (stored as whole cents).
public struct EnteredFigures: Sendable, Equatable, Encodable {
    public static let satisfactionRange = 1.0...5.0
    public static let auditRange = 0.0...100.0
    public static let complaintsRange = 0...10_000
    /// 0–100 000 000 €.
    public static let billingCentsRange: ClosedRange<Int64> = 0...10_000_000_000

    public var customerSatisfaction: Double?
    public var auditScore: Double?
    public var openComplaints: Int?
    public var monthlyBillingCents: Int64?

    public init(customerSatisfaction: Double? = nil, auditScore: Double? = nil, openComplaints: Int? = nil, monthlyBillingCents: Int64? = nil) {
        self.customerSatisfaction = customerSatisfaction
        self.auditScore = auditScore
        self.openComplaints = openComplaints
        self.monthlyBillingCents = monthlyBillingCents
    }

    enum CodingKeys: String, CodingKey { case customerSatisfaction, auditScore, openComplaints, monthlyBilling }

    /// `monthlyBilling` is written in euros (an exact decimal such as 12345.67).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(customerSatisfaction, forKey: .customerSatisfaction)
        try container.encodeIfPresent(auditScore, forKey: .auditScore)
        try container.encodeIfPresent(openComplaints, forKey: .openComplaints)
        try container.encodeIfPresent(monthlyBillingCents.map { Decimal($0) / 100 }, forKey: .monthlyBilling)
    }

    // MARK: Validation

    public static func satisfaction(_ value: Double) throws -> Double {
        guard satisfactionRange.contains(value), let score = oneDecimal(value) else {
            throw KanavaError.invalid("customerSatisfaction", "must be a score 1.0–5.0 with at most one decimal")
        }
        return score
    }

    public static func audit(_ value: Double) throws -> Double {
        guard auditRange.contains(value), let score = oneDecimal(value) else {
            throw KanavaError.invalid("auditScore", "must be a percentage 0–100 with at most one decimal")
        }
        return score
    }

    /// A count received as a JSON number: 2.5 is refused naming the field (a JSON decoder's own error would not).
    public static func complaints(_ value: Double) throws -> Int {
        guard value.isFinite, value.rounded() == value, Double(complaintsRange.lowerBound)...Double(complaintsRange.upperBound) ~= value else {
            throw KanavaError.invalid("openComplaints", "must be a whole number 0–10 000")
        }
        return Int(value)
    }

    /// Euros with at most two decimals, as whole cents.
    public static func billingCents(euros value: Double) throws -> Int64 {
        let cents = (value * 100).rounded()
        // The cents, divided back, must give the very number that was sent (so 12.345 is refused, not rounded).
        guard value.isFinite, cents / 100 == value, Double(billingCentsRange.lowerBound)...Double(billingCentsRange.upperBound) ~= cents else {
            throw KanavaError.invalid("monthlyBilling", "must be euros 0–100 000 000 with at most two decimals (cents)")
        }
        return Int64(cents)
    }

    private static func oneDecimal(_ value: Double) -> Double? {
        let tenths = (value * 10).rounded()
        return value.isFinite && tenths / 10 == value ? tenths / 10 : nil
    }
}

/// What the director writes on a card: everything of it but the computed figures.
public struct QualityCardContent: Sendable, Equatable {
    public static let maxTextChars = 2_000

    /// Required to submit; a draft may be without.
    public var status: CardStatus?
    public var summary: String
    /// What the director asks of the board.
    public var asks: String
    public var entered: EnteredFigures

    public init(status: CardStatus? = nil, summary: String = "", asks: String = "", entered: EnteredFigures = EnteredFigures()) {
        self.status = status
        self.summary = summary
        self.asks = asks
        self.entered = entered
    }
}

/// The figures Kanava computes for an account and a month, as they stood at ``asOf``: the month's last moment for a past
/// month, the time of computing for the current one. A draft shows them computed afresh; a submitted card keeps them
/// as they were when it was submitted.
///
/// - `sites`: distinct sites named on the account's memberships; `supervisors`: members with the role supervisor. Both
///   are the memberships at ``asOf``, replayed from the channel's membership events (every membership change, by the
///   roster or by hand, is one), so a past month shows its own month-end roster.
/// - `supervisorChanges`: supervisors who left the account during the month (removed, or no longer a supervisor) by a
///   roster sync (the roster history).
/// - `clock`: annual-clock occurrences done and planned in the month and from January through the month's end
///   (``ClockFigures``: planned counts every occurrence that is not cancelled, done ones included). Statuses are as
///   they are now: a visit marked done late still counts for its own month.
/// - `notices`: urgent notices sent during the month (and not withdrawn by ``asOf``). Each is owed by every member but
///   its sender at ``asOf`` (or when it expired, if earlier); `acknowledged` counts those who had acknowledged by then,
///   `rate` is acknowledged / required (absent when nothing was required), `medianMinutes` the median time from
///   sending to acknowledging (absent when nobody acknowledged).
/// - `overduePlannerTasks`: planner tasks open and past due at the end of ``asOf``'s day.
/// - `openMustReads`: (member, must-read section) pairs whose current revision the member has not confirmed. Now, not
///   at ``asOf``: confirmations of earlier revisions are replaced, so a past moment cannot be rebuilt.
/// - `feedback`: the feedback box's items by status at ``asOf``.
public struct QualityFigures: Codable, Sendable, Equatable {
    public struct Clock: Codable, Sendable, Equatable {
        public var month: ClockFigures.Count
        public var yearToDate: ClockFigures.Count
    }

    public struct Notices: Codable, Sendable, Equatable {
        public var sent: Int
        public var required: Int
        public var acknowledged: Int
        public var rate: Double?
        public var medianMinutes: Double?
    }

    public struct Feedback: Codable, Sendable, Equatable {
        public var new: Int
        public var inProgress: Int
        public var done: Int
        public var declined: Int

        public init(new: Int, inProgress: Int, done: Int, declined: Int) {
            self.new = new
            self.inProgress = inProgress
            self.done = done
            self.declined = declined
        }
    }

    public var asOf: Date
    public var sites: Int
    public var supervisors: Int
    public var supervisorChanges: Int
    public var clock: Clock
    public var notices: Notices
    public var overduePlannerTasks: Int
    public var openMustReads: Int
    public var feedback: Feedback
}

/// Where a version stands: the newest version may be a draft; of the submitted ones the newest is in force.
public enum CardState: String, Codable, Sendable {
    case draft
    case submitted
    /// Submitted, and replaced by a later submitted version.
    case superseded
}

/// One version of an account's quality card for a month.
public struct QualityCardVersion: Sendable, Encodable, Equatable {
    public var account: AccountID
    public var month: CardMonth
    /// 1, 2, … per account and month.
    public var version: Int
    public var state: CardState
    public var status: CardStatus?
    public var summary: String
    public var asks: String
    public var entered: EnteredFigures
    /// The figures as they were when it was submitted; absent for a draft (computed afresh when shown).
    public var figures: QualityFigures?
    public var createdBy: PersonRef?
    public var createdAt: Date
    public var updatedBy: PersonRef?
    public var updatedAt: Date
    public var submittedBy: PersonRef?
    public var submittedAt: Date?

    public init(account: AccountID, month: CardMonth, version: Int, state: CardState, content: QualityCardContent, figures: QualityFigures?,
                createdBy: PersonRef?, createdAt: Date, updatedBy: PersonRef?, updatedAt: Date, submittedBy: PersonRef?, submittedAt: Date?) {
        self.account = account
        self.month = month
        self.version = version
        self.state = state
        status = content.status
        summary = content.summary
        asks = content.asks
        entered = content.entered
        self.figures = figures
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
        self.submittedBy = submittedBy
        self.submittedAt = submittedAt
    }

    public var content: QualityCardContent { QualityCardContent(status: status, summary: summary, asks: asks, entered: entered) }
    public var isSubmitted: Bool { submittedAt != nil }
}

/// An account as the cards name it.
public struct CardAccount: Codable, Sendable, Hashable {
    public var id: AccountID
    public var name: String
}

/// An account's card for a month as its director (or the board) opens it.
public struct QualityCardPage: Sendable, Encodable {
    public var account: CardAccount
    public var month: CardMonth
    /// The newest version: a draft or submitted for the director and admins, the newest submitted for the board.
    /// Absent when nothing has been saved for the month yet.
    public var card: QualityCardVersion?
    /// The figures to show: a submitted version's own, else computed now.
    public var figures: QualityFigures
    /// The previous month's newest submitted version, for its values next to this month's.
    public var previous: QualityCardVersion?
    /// Whether the viewer may save and submit (the account's director and admins).
    public var canEdit: Bool
}

/// One month of an account's trend on the board overview: the newest submitted card's status and satisfaction score.
public struct CardTrendPoint: Sendable, Encodable, Equatable {
    public var month: CardMonth
    public var status: CardStatus?
    public var customerSatisfaction: Double?

    public init(month: CardMonth, status: CardStatus?, customerSatisfaction: Double?) {
        self.month = month
        self.status = status
        self.customerSatisfaction = customerSatisfaction
    }
}

/// One account on the board overview.
public struct BoardAccount: Sendable, Encodable {
    public var account: CardAccount
    /// The account's director today.
    public var director: PersonRef?
    /// The month's newest submitted version (absent: none submitted).
    public var card: QualityCardVersion?
    /// The previous month's newest submitted version.
    public var previous: QualityCardVersion?
    /// The twelve months ending with the chosen one, oldest first.
    public var trend: [CardTrendPoint]
}

/// Every account's card for one month, for the management board.
public struct BoardOverview: Sendable, Encodable {
    public static let trendMonths = 12

    public var month: CardMonth
    /// In Finnish order of the account names.
    public var accounts: [BoardAccount]
}

/// `card.saved` (a draft was written) and `card.submitted` carry the ``QualityCardVersion``. Only the account's
/// director and admins receive them.
extension EventKind {
    public static let cardSaved: EventKind = "card.saved"
    public static let cardSubmitted: EventKind = "card.submitted"
}
