import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: SectionDirectory {
    public func section(_ key: String, in account: AccountID) async throws -> SectionInfo? { throw KanavaError(.unavailable, "SectionDirectory is not on PostgreSQL yet") }
}
