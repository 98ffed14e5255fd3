import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: SessionStore {
    public func createSession(_ session: Session) async throws { throw KanavaError(.unavailable, "SessionStore is not on PostgreSQL yet") }
    public func createSessions(_ sessions: [Session]) async throws { throw KanavaError(.unavailable, "SessionStore is not on PostgreSQL yet") }
    public func session(tokenHash: String) async throws -> AuthenticatedSession? { throw KanavaError(.unavailable, "SessionStore is not on PostgreSQL yet") }
    public func touchSession(tokenHash: String, at time: Date) async throws { throw KanavaError(.unavailable, "SessionStore is not on PostgreSQL yet") }
    public func deleteSession(tokenHash: String) async throws { throw KanavaError(.unavailable, "SessionStore is not on PostgreSQL yet") }
    @discardableResult public func deleteSessions(of person: PersonID) async throws -> Int { throw KanavaError(.unavailable, "SessionStore is not on PostgreSQL yet") }
    @discardableResult public func deleteSessions(endedBefore time: Date, idleSince: Date) async throws -> Int { throw KanavaError(.unavailable, "SessionStore is not on PostgreSQL yet") }
}
