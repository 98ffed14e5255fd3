import Foundation

/// Builds a card write's events from the version as stored.
public typealias QualityCardEvents = @Sendable (QualityCardVersion) throws -> [EventDraft]

/// A draft to save, validated by the service.
public struct QualityCardDraft: Sendable {
    public var account: AccountID
    public var month: CardMonth
    public var content: QualityCardContent
    /// The newest version the service read (0: none yet). The save is refused (`conflict`) when another came meanwhile.
    public var basedOn: Int
    public var author: PersonID?

    public init(account: AccountID, month: CardMonth, content: QualityCardContent, basedOn: Int, author: PersonID?) {
        self.account = account
        self.month = month
        self.content = content
        self.basedOn = basedOn
        self.author = author
    }
}

/// One membership change of a channel, read back from its event stream.
public struct MembershipStep: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case joined
        case changed
        case left
    }

    public var at: Date
    public var kind: Kind
    public var person: PersonID
    public var role: ChannelRole
    public var sites: [String]

    public init(at: Date, kind: Kind, person: PersonID, role: ChannelRole, sites: [String]) {
        self.at = at
        self.kind = kind
        self.person = person
        self.role = role
        self.sites = sites
    }
}

/// An urgent notice with the acknowledgements it has had.
public struct UrgentNoticeReceipts: Sendable {
    public var notice: NoticeID
    public var author: PersonID?
    public var sentAt: Date
    public var expiresAt: Date?
    public var withdrawnAt: Date?
    public var acknowledgements: [PersonID: Date]

    public init(notice: NoticeID, author: PersonID?, sentAt: Date, expiresAt: Date?, withdrawnAt: Date?, acknowledgements: [PersonID: Date]) {
        self.notice = notice
        self.author = author
        self.sentAt = sentAt
        self.expiresAt = expiresAt
        self.withdrawnAt = withdrawnAt
        self.acknowledgements = acknowledgements
    }
}

public protocol QualityCardStore: Sendable {
    /// Every version of an account's card for a month, oldest first.
    func qualityCardVersions(in account: AccountID, month: CardMonth) async throws -> [QualityCardVersion]
    /// Saves a draft: rewrites the newest version when it is a draft, else adds the next version as a draft.
    /// `conflict` when the newest version is no longer `draft.basedOn`.
    func saveQualityCard(_ draft: QualityCardDraft, at time: Date, events: @escaping QualityCardEvents) async throws -> Committed<QualityCardVersion>
    /// Submits a draft with its figures: `already_submitted` when that version was submitted, `not_found` when there is
    /// no such version, `invalid_input` (status) when it has no status. Nothing changes on an error.
    func submitQualityCard(_ version: Int, of account: AccountID, month: CardMonth, figures: QualityFigures, by person: PersonID?,
                           at time: Date, events: @escaping QualityCardEvents) async throws -> Committed<QualityCardVersion>
    /// The newest submitted version of every account's card for each month from `first` through `last`.
    func submittedQualityCards(from first: CardMonth, through last: CardMonth) async throws -> [QualityCardVersion]

    // MARK: Sources of the figures

    /// The channel's membership changes at or before `instant`, in the order they happened.
    func membershipSteps(in account: AccountID, through instant: Date) async throws -> [MembershipStep]
    /// Urgent notices of the account sent from `start` until (not including) `end`, with every acknowledgement.
    func urgentNotices(in account: AccountID, sentFrom start: Date, until end: Date) async throws -> [UrgentNoticeReceipts]
    /// (member, must-read section) pairs of the account whose current revision the member, who may see the section,
    /// has not confirmed.
    func openMustReadCount(in account: AccountID) async throws -> Int
}
