import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: SearchStore {
    public func searchSections(_ query: SearchQuery, scope: SearchScope, limit: Int) async throws -> [SectionHit] { throw KanavaError(.unavailable, "SearchStore is not on PostgreSQL yet") }
    public func searchMessages(_ query: SearchQuery, scope: SearchScope, limit: Int) async throws -> [MessageHit] { throw KanavaError(.unavailable, "SearchStore is not on PostgreSQL yet") }
}
