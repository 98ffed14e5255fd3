import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: MemoStore {
    public func createMemo(_ new: NewMemo, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo> { throw KanavaError(.unavailable, "MemoStore is not on PostgreSQL yet") }
    public func updateMemo(_ memo: Memo, editor: PersonID?, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo> { throw KanavaError(.unavailable, "MemoStore is not on PostgreSQL yet") }
    public func deleteMemo(_ id: MemoID, in account: AccountID, by person: PersonID?, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo> { throw KanavaError(.unavailable, "MemoStore is not on PostgreSQL yet") }
    public func memo(_ id: MemoID, in account: AccountID) async throws -> Memo? { throw KanavaError(.unavailable, "MemoStore is not on PostgreSQL yet") }
    public func memos(in account: AccountID) async throws -> [MemoSummary] { throw KanavaError(.unavailable, "MemoStore is not on PostgreSQL yet") }
}
