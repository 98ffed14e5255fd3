import Foundation

public protocol AuditStore: Sendable {
    /// Appends one entry (its `id` is ignored; the stored entry is returned).
    func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry
    func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry]
}
