import Foundation
import Logging

/// A card's fields as received (validated by the service). A field left out (nil) keeps what the card has;
/// `.some(nil)` empties it.
public struct QualityCardInput: Sendable {
    public var status: String??
    public var summary: String?
    public var asks: String?
    public var customerSatisfaction: Double??
    public var auditScore: Double??
    /// A whole number, received as any JSON number so that 2.5 gets an error naming the field.
    public var openComplaints: Double??
    /// Euros, with at most cents.
    public var monthlyBilling: Double??

    public init(status: String?? = nil, summary: String? = nil, asks: String? = nil, customerSatisfaction: Double?? = nil,
                auditScore: Double?? = nil, openComplaints: Double?? = nil, monthlyBilling: Double?? = nil) {
        self.status = status
        self.summary = summary
        self.asks = asks
        self.customerSatisfaction = customerSatisfaction
        self.auditScore = auditScore
        self.openComplaints = openComplaints
        self.monthlyBilling = monthlyBilling
    }
}

/// The monthly quality card (laatukortti) of an account, for the management board.
///
/// For each account and month there are versions 1…n. The newest may be a draft, which the account's director (or an
/// admin) saves as often as they like; its computed figures are computed afresh whenever it is shown. Submitting
/// freezes a version with its figures, who submitted it and when; a change after that is the next version, a draft
/// copied from the submitted one, whose submitting supersedes it. The board sees only submitted versions.
/// Who may do what is ``AccessPolicy/card(_:for:)``: not the channel's rules.
public struct QualityCardService: Sendable {
    let store: any KanavaStore
    let access: AccessPolicy
    let bus: EventBus
    let clock: any WallClock
    let figures: CardFigureCalculator
    let logger: Logger

    public init(store: any KanavaStore, access: AccessPolicy, bus: EventBus, clock: any WallClock, figures: CardFigureCalculator, logger: Logger) {
        self.store = store
        self.access = access
        self.bus = bus
        self.clock = clock
        self.figures = figures
        self.logger = logger
    }

    // MARK: - Reading

    /// The month's card (`YYYY-MM`) with its figures and the previous month's submitted card. The board gets `not_found`
    /// while no version of the month has been submitted.
    public func card(_ account: AccountID, month: String, for principal: Principal) async throws -> QualityCardPage {
        let access = try await access.card(account, for: principal)
        let month = try checkedMonth(month)
        return try await page(access, month: month, versions: try await store.qualityCardVersions(in: account, month: month))
    }

    /// The month's versions, oldest first, with who wrote and submitted each and when: all of them for the director and
    /// admins, the submitted ones for the board.
    public func versions(_ account: AccountID, month: String, for principal: Principal) async throws -> [QualityCardVersion] {
        let access = try await access.card(account, for: principal)
        let versions = try await store.qualityCardVersions(in: account, month: try checkedMonth(month))
        return access.canEdit ? versions : versions.filter(\.isSubmitted)
    }

    /// Every account's newest submitted card for `month` (nil: this month), with the previous month's and the status and
    /// satisfaction of the twelve months ending with it. Board members and admins only.
    public func board(month: String?, for principal: Principal) async throws -> BoardOverview {
        try access.board(principal)
        let month = try month.map(checkedMonth) ?? currentMonth
        let trendMonths = (0..<BoardOverview.trendMonths).compactMap { month.adding(months: $0 - (BoardOverview.trendMonths - 1)) }
        let cards = Dictionary(grouping: try await store.submittedQualityCards(from: trendMonths.first ?? month, through: month), by: \.account)
        let accounts = FinnishCollation.sorted(try await store.accountSummaries(viewer: nil, membershipsOnly: false), by: \.name)
        return BoardOverview(month: month, accounts: accounts.map { account in
            let byMonth = Dictionary((cards[account.id] ?? []).map { ($0.month, $0) }, uniquingKeysWith: { a, _ in a })
            return BoardAccount(
                account: CardAccount(id: account.id, name: account.name), director: account.director, card: byMonth[month],
                previous: month.adding(months: -1).flatMap { byMonth[$0] },
                trend: trendMonths.map { CardTrendPoint(month: $0, status: byMonth[$0]?.status, customerSatisfaction: byMonth[$0]?.entered.customerSatisfaction) })
        })
    }

    // MARK: - Writing

    /// Saves the month's draft with the given fields (the others kept): the draft being written, or a new version copied
    /// from the submitted one. An unchanged card is not written again.
    public func save(_ account: AccountID, month: String, _ input: QualityCardInput, by principal: Principal) async throws -> QualityCardPage {
        let access = try await editable(account, by: principal)
        let month = try checkedMonth(month)
        let versions = try await store.qualityCardVersions(in: account, month: month)
        let newest = versions.last
        let before = newest?.content ?? QualityCardContent()
        let content = try Self.apply(input, to: before)
        guard content != before || newest == nil else { return try await page(access, month: month, versions: versions) }
        let draft = QualityCardDraft(account: account, month: month, content: content, basedOn: newest?.version ?? 0, author: principal.person?.id)
        let committed = try await store.saveQualityCard(draft, at: clock.now(), events: Self.events(.cardSaved))
        bus.publish(committed.events)
        logger.info("quality card saved", metadata: ["account": "\(account)", "month": "\(month)", "version": "\(committed.value.version)",
                                                     "by": "\(principal.label)"])
        return try await page(access, month: month, versions: try await store.qualityCardVersions(in: account, month: month))
    }

    /// Submits `version` of the month's card (the draft the director saw), freezing it with its figures as they are now.
    /// A version already submitted is `already_submitted` (a second click changes nothing); a draft without a status
    /// is refused.
    public func submit(_ account: AccountID, month: String, version: Int, by principal: Principal) async throws -> QualityCardPage {
        let access = try await editable(account, by: principal)
        let month = try checkedMonth(month)
        guard version >= 1 else { throw KanavaError.invalid("version", "must be the number of the version being submitted (1 or more)") }
        let figures = try await figures.figures(account, month: month)
        let committed = try await store.submitQualityCard(version, of: account, month: month, figures: figures, by: principal.person?.id,
                                                          at: clock.now(), events: Self.events(.cardSubmitted))
        bus.publish(committed.events)
        logger.info("quality card submitted", metadata: ["account": "\(account)", "month": "\(month)", "version": "\(version)", "by": "\(principal.label)"])
        return try await page(access, month: month, versions: try await store.qualityCardVersions(in: account, month: month))
    }

    // MARK: - Steps

    private func editable(_ account: AccountID, by principal: Principal) async throws -> CardAccess {
        let access = try await access.card(account, for: principal)
        guard access.canEdit else { throw KanavaError(.forbidden, "the board reads quality cards; the account director writes them") }
        return access
    }

    private func page(_ access: CardAccess, month: CardMonth, versions: [QualityCardVersion]) async throws -> QualityCardPage {
        let account = access.account.id
        let shown = access.canEdit ? versions.last : versions.last(where: \.isSubmitted)
        guard access.canEdit || shown != nil else { throw KanavaError.notFound("the \(month) quality card of \(account)") }
        let computed: QualityFigures
        if let frozen = shown?.figures { computed = frozen } else { computed = try await figures.figures(account, month: month) }
        var previous: QualityCardVersion?
        if let last = month.adding(months: -1) {
            previous = try await store.qualityCardVersions(in: account, month: last).last(where: \.isSubmitted)
        }
        return QualityCardPage(account: CardAccount(id: account, name: access.account.name), month: month, card: shown, figures: computed,
                               previous: previous, canEdit: access.canEdit)
    }

    private var currentMonth: CardMonth { CardMonth.containing(LocalDate.inHelsinki(clock.now())) }

    /// A month written `YYYY-MM`, from 2000 to this month in Finland.
    private func checkedMonth(_ text: String) throws -> CardMonth {
        let month = try CardMonth.parse(text)
        let current = currentMonth
        guard month <= current else {
            throw KanavaError.invalid("month", "\(month) has not begun; a card is written for this month (\(current)) or an earlier one")
        }
        return month
    }

    static func apply(_ input: QualityCardInput, to card: QualityCardContent) throws -> QualityCardContent {
        var card = card
        if let status = input.status { card.status = try status.map { try CardStatus.parse($0) } }
        if let summary = input.summary { card.summary = try text(summary, field: "summary") }
        if let asks = input.asks { card.asks = try text(asks, field: "asks") }
        if let score = input.customerSatisfaction { card.entered.customerSatisfaction = try score.map(EnteredFigures.satisfaction) }
        if let score = input.auditScore { card.entered.auditScore = try score.map(EnteredFigures.audit) }
        if let count = input.openComplaints { card.entered.openComplaints = try count.map(EnteredFigures.complaints) }
        if let euros = input.monthlyBilling { card.entered.monthlyBillingCents = try euros.map(EnteredFigures.billingCents(euros:)) }
        return card
    }

    /// Free text with Windows line ends made `\n`, trimmed, at most ``QualityCardContent/maxTextChars`` characters.
    static func text(_ value: String, field: String) throws -> String {
        let normalised = value.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return try TextInput.bounded(normalised.trimmingCharacters(in: .whitespacesAndNewlines), field: field, maxChars: QualityCardContent.maxTextChars)
    }

    /// Card events reach only the account's director (and admins): the channel's other members never learn of the card.
    static func events(_ kind: EventKind) -> QualityCardEvents {
        { version in [try EventDraft(channel: version.account, kind: kind, payload: version, visibleTo: [.accountDirector])] }
    }
}
