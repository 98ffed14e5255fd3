import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: NoticeStore {
    public func createNotice(_ new: NewNotice, at time: Date, events: @escaping NoticeEvents) async throws -> Committed<(Notice, Bool)> { throw KanavaError(.unavailable, "NoticeStore is not on PostgreSQL yet") }
    public func acknowledge(_ id: NoticeID, in account: AccountID, by person: PersonRef, at time: Date, events: @escaping @Sendable (NoticeAcknowledged) throws -> [EventDraft]) async throws -> Committed<(NoticeAck, Bool)> { throw KanavaError(.unavailable, "NoticeStore is not on PostgreSQL yet") }
    public func withdrawNotice(_ id: NoticeID, in account: AccountID, by person: PersonID?, at time: Date, events: @escaping NoticeEvents) async throws -> Committed<Notice> { throw KanavaError(.unavailable, "NoticeStore is not on PostgreSQL yet") }
    public func notice(_ id: NoticeID, in account: AccountID) async throws -> Notice? { throw KanavaError(.unavailable, "NoticeStore is not on PostgreSQL yet") }
    public func notices(in account: AccountID, limit: Int) async throws -> [Notice] { throw KanavaError(.unavailable, "NoticeStore is not on PostgreSQL yet") }
    public func noticeStatus(_ id: NoticeID, in account: AccountID) async throws -> (acknowledged: [NoticeAck], pending: [NoticeStatus.PendingMember]) { throw KanavaError(.unavailable, "NoticeStore is not on PostgreSQL yet") }
    public func acknowledgements(by person: PersonID, of notices: [NoticeID]) async throws -> [NoticeID: Date] { throw KanavaError(.unavailable, "NoticeStore is not on PostgreSQL yet") }
    public func openNotices(for person: PersonID, at time: Date) async throws -> [Notice] { throw KanavaError(.unavailable, "NoticeStore is not on PostgreSQL yet") }
    public func followUpCandidates(at time: Date) async throws -> [FollowUpCandidate] { throw KanavaError(.unavailable, "NoticeStore is not on PostgreSQL yet") }
    public func recordFollowUp(_ record: FollowUpRecord, at time: Date) async throws -> [StreamEvent] { throw KanavaError(.unavailable, "NoticeStore is not on PostgreSQL yet") }
}
