import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: MailOutboxStore {
    public func dueMails(at time: Date, limit: Int) async throws -> [QueuedMail] { throw KanavaError(.unavailable, "MailOutboxStore is not on PostgreSQL yet") }
    public func markMailSent(_ id: Int64, at time: Date) async throws { throw KanavaError(.unavailable, "MailOutboxStore is not on PostgreSQL yet") }
    public func markMailFailed(_ id: Int64, error: String, retryAt: Date?, at time: Date) async throws { throw KanavaError(.unavailable, "MailOutboxStore is not on PostgreSQL yet") }
    public func pendingMailCount() async throws -> Int { throw KanavaError(.unavailable, "MailOutboxStore is not on PostgreSQL yet") }
}
