import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: ExportStore {
    public func accountArchive(_ account: AccountID) async throws -> AccountArchive? { throw KanavaError(.unavailable, "ExportStore is not on PostgreSQL yet") }
}
