import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: QualityCardStore {
    public func qualityCardVersions(in account: AccountID, month: CardMonth) async throws -> [QualityCardVersion] { throw KanavaError(.unavailable, "QualityCardStore is not on PostgreSQL yet") }
    public func saveQualityCard(_ draft: QualityCardDraft, at time: Date, events: @escaping QualityCardEvents) async throws -> Committed<QualityCardVersion> { throw KanavaError(.unavailable, "QualityCardStore is not on PostgreSQL yet") }
    public func submitQualityCard(_ version: Int, of account: AccountID, month: CardMonth, figures: QualityFigures, by person: PersonID?, at time: Date, events: @escaping QualityCardEvents) async throws -> Committed<QualityCardVersion> { throw KanavaError(.unavailable, "QualityCardStore is not on PostgreSQL yet") }
    public func submittedQualityCards(from first: CardMonth, through last: CardMonth) async throws -> [QualityCardVersion] { throw KanavaError(.unavailable, "QualityCardStore is not on PostgreSQL yet") }
    public func membershipSteps(in account: AccountID, through instant: Date) async throws -> [MembershipStep] { throw KanavaError(.unavailable, "QualityCardStore is not on PostgreSQL yet") }
    public func urgentNotices(in account: AccountID, sentFrom start: Date, until end: Date) async throws -> [UrgentNoticeReceipts] { throw KanavaError(.unavailable, "QualityCardStore is not on PostgreSQL yet") }
    public func openMustReadCount(in account: AccountID) async throws -> Int { throw KanavaError(.unavailable, "QualityCardStore is not on PostgreSQL yet") }
}
