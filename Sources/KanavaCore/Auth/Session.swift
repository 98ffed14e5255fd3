import Foundation

/// A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a copy of the
/// database does not let anyone sign in.
public struct Session: Sendable, Hashable {
    public var tokenHash: String
    public var person: PersonID
    /// Sent back by the browser in `X-CSRF-Token` with every state-changing request.
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date
    public var lastSeenAt: Date
    public var address: String?
    public var userAgent: String?

    public init(tokenHash: String, person: PersonID, csrfToken: String, createdAt: Date, expiresAt: Date, lastSeenAt: Date, address: String?, userAgent: String?) {
        self.tokenHash = tokenHash
        self.person = person
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastSeenAt = lastSeenAt
        self.address = address
        self.userAgent = userAgent
    }
}

/// A valid session and the person it belongs to.
public struct AuthenticatedSession: Sendable {
    public var session: Session
    public var person: Person

    public init(session: Session, person: Person) {
        self.session = session
        self.person = person
    }
}

public protocol SessionStore: Sendable {
    func createSession(_ session: Session) async throws
    /// Stores many sessions in one transaction (the benchmark signs in thousands of people at once).
    func createSessions(_ sessions: [Session]) async throws
    func session(tokenHash: String) async throws -> AuthenticatedSession?
    func touchSession(tokenHash: String, at time: Date) async throws
    func deleteSession(tokenHash: String) async throws
    /// Ends all of a person's sessions (password change); returns how many there were.
    @discardableResult func deleteSessions(of person: PersonID) async throws -> Int
    /// Removes sessions that ended before `time`; returns how many.
    @discardableResult func deleteSessions(endedBefore time: Date, idleSince: Date) async throws -> Int
}
