import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: AuditStore {
    public func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry { throw KanavaError(.unavailable, "AuditStore is not on PostgreSQL yet") }
    public func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] { throw KanavaError(.unavailable, "AuditStore is not on PostgreSQL yet") }
}
