import Foundation
import PostgresNIO

extension PostgresStore: SessionStore {
    public func createSession(_ s: Session) async throws {
        try await write("createSession") { db in try await Self.insert(s, db) }
    }

    public func createSessions(_ sessions: [Session]) async throws {
        try await write("createSessions") { db in
            for session in sessions { try await Self.insert(session, db) }
        }
    }

    private static func insert(_ s: Session, _ db: PostgresDB) async throws {
        try await db.execute("""
            INSERT INTO session (token_hash, person_id, csrf_token, created_at, expires_at, last_seen_at, address, user_agent)
            VALUES (\(s.tokenHash), \(s.person.rawValue), \(s.csrfToken), \(s.createdAt), \(s.expiresAt), \(s.lastSeenAt), \(s.address), \(s.userAgent))
            """)
    }

    public func session(tokenHash: String) async throws -> AuthenticatedSession? {
        try await read("session") { db in
            guard let row = try await db.row("""
                SELECT s.token_hash, s.person_id, s.csrf_token, s.created_at AS s_created_at, s.expires_at, s.last_seen_at,
                       s.address, s.user_agent, p.*
                FROM session s JOIN person p ON p.id = s.person_id WHERE s.token_hash = \(tokenHash)
                """) else { return nil }
            let session = Session(
                tokenHash: try row["token_hash"], person: PersonID(try row["person_id"]), csrfToken: try row["csrf_token"],
                createdAt: try row["s_created_at"], expiresAt: try row["expires_at"], lastSeenAt: try row["last_seen_at"],
                address: try row["address"], userAgent: try row["user_agent"]
            )
            return AuthenticatedSession(session: session, person: try Person(pg: row))
        }
    }

    public func touchSession(tokenHash: String, at time: Date) async throws {
        try await write("touchSession") { db in
            _ = try await db.execute("UPDATE session SET last_seen_at = \(time) WHERE token_hash = \(tokenHash)")
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await write("deleteSession") { db in
            _ = try await db.execute("DELETE FROM session WHERE token_hash = \(tokenHash)")
        }
    }

    public func deleteSessions(of person: PersonID) async throws -> Int {
        try await write("deleteSessionsOfPerson") { db in
            try await db.execute("DELETE FROM session WHERE person_id = \(person.rawValue)")
        }
    }

    public func deleteSessions(endedBefore time: Date, idleSince: Date) async throws -> Int {
        try await write("deleteEndedSessions") { db in
            try await db.execute("DELETE FROM session WHERE expires_at < \(time) OR last_seen_at < \(idleSince)")
        }
    }
}
