import Foundation
import GRDB

extension SQLiteStore: SessionStore {
    public func createSession(_ s: Session) async throws {
        try await write("createSession") { db in try Self.insert(s, db) }
    }

    public func createSessions(_ sessions: [Session]) async throws {
        try await write("createSessions") { db in
            for session in sessions { try Self.insert(session, db) }
        }
    }

    private static func insert(_ s: Session, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO session (token_hash, person_id, csrf_token, created_at, expires_at, last_seen_at, address, user_agent)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [s.tokenHash, s.person.rawValue, s.csrfToken, s.createdAt, s.expiresAt, s.lastSeenAt, s.address, s.userAgent])
    }

    public func session(tokenHash: String) async throws -> AuthenticatedSession? {
        try await read("session") { db in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT s.token_hash, s.person_id, s.csrf_token, s.created_at AS s_created_at, s.expires_at, s.last_seen_at,
                           s.address, s.user_agent, p.*
                    FROM session s JOIN person p ON p.id = s.person_id WHERE s.token_hash = ?
                    """,
                arguments: [tokenHash]
            ) else { return nil }
            let session = Session(
                tokenHash: row["token_hash"], person: PersonID(row["person_id"]), csrfToken: row["csrf_token"],
                createdAt: row["s_created_at"], expiresAt: row["expires_at"], lastSeenAt: row["last_seen_at"],
                address: row["address"], userAgent: row["user_agent"]
            )
            return AuthenticatedSession(session: session, person: Person(row: row))
        }
    }

    public func touchSession(tokenHash: String, at time: Date) async throws {
        try await write("touchSession") { db in
            try db.execute(sql: "UPDATE session SET last_seen_at = ? WHERE token_hash = ?", arguments: [time, tokenHash])
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await write("deleteSession") { db in
            try db.execute(sql: "DELETE FROM session WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    public func deleteSessions(of person: PersonID) async throws -> Int {
        try await write("deleteSessionsOfPerson") { db in
            try db.execute(sql: "DELETE FROM session WHERE person_id = ?", arguments: [person.rawValue])
            return db.changesCount
        }
    }

    public func deleteSessions(endedBefore time: Date, idleSince: Date) async throws -> Int {
        try await write("deleteEndedSessions") { db in
            try db.execute(sql: "DELETE FROM session WHERE expires_at < ? OR last_seen_at < ?", arguments: [time, idleSince])
            return db.changesCount
        }
    }
}
