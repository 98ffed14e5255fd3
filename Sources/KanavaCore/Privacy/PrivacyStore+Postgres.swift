import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: PrivacyStore {
    public func erasePerson(_ id: PersonID, as erased: PersonRef, at time: Date, dryRun: Bool) async throws -> Committed<ErasureCounts> { throw KanavaError(.unavailable, "PrivacyStore is not on PostgreSQL yet") }
}
