import Foundation
import Logging

/// Sign-in, sessions and sign-out.
public struct AuthService: Sendable {
    let store: any KanavaStore
    let hasher: PasswordHasher
    let throttle: SignInThrottle
    let clock: any WallClock
    let lifetime: TimeInterval
    let idleTimeout: TimeInterval
    let logger: Logger
    /// Verified against when an e-mail is unknown, so timing does not tell which e-mails exist.
    let decoyHash: String
    let audit: AuditLog

    /// The result of a sign-in: `token` goes into the cookie and is never stored.
    public struct SignedIn: Sendable {
        public var token: String
        public var session: Session
        public var person: Person
    }

    public func signIn(email: String, password: String, address: String?, userAgent: String?) async throws -> SignedIn {
        guard !email.isEmpty, email.utf8.count <= EmailAddress.maxLength else { throw KanavaError.invalid("email", "must be an e-mail address") }
        guard !password.isEmpty, password.utf8.count <= 1024 else { throw KanavaError.invalid("password", "must not be empty") }
        try await throttle.check(email: email, address: address)

        let found = try await store.credentials(email: email)
        let ok = await hasher.verify(password, hash: found?.passwordHash ?? decoyHash)
        guard ok, let person = found?.person, found?.passwordHash != nil else {
            await throttle.recordFailure(email: email, address: address)
            logger.notice("sign-in failed", metadata: ["email": "\(email.prefix(100))", "address": "\(address ?? "-")"])
            await audit.record(.signInFailed, by: nil, target: found.map { "person:\($0.person.id)" }, detail: ["email": String(email.prefix(100))])
            throw KanavaError(.invalidCredentials, "wrong e-mail or password")
        }
        await throttle.recordSuccess(email: email)

        let now = clock.now()
        let token = SecretToken.random()
        let session = Session(
            tokenHash: SecretToken.hash(token), person: person.id, csrfToken: SecretToken.random(),
            createdAt: now, expiresAt: now + lifetime, lastSeenAt: now,
            address: address, userAgent: userAgent.map { String($0.prefix(300)) }
        )
        try await store.createSession(session)
        logger.info("signed in", metadata: ["person": "\(person.id)"])
        await audit.record(.signIn, by: .person(person))
        return SignedIn(token: token, session: session, person: person)
    }

    /// The session a cookie token stands for, or nil when unknown, expired or idle too long.
    public func authenticate(token: String) async throws -> AuthenticatedSession? {
        guard SecretToken.isWellFormed(token) else { return nil }
        return try await session(tokenHash: SecretToken.hash(token))
    }

    /// Whether a session (of an open WebSocket) is still valid; records the activity.
    public func refresh(tokenHash: String) async throws -> Bool {
        try await session(tokenHash: tokenHash) != nil
    }

    private func session(tokenHash: String) async throws -> AuthenticatedSession? {
        guard let found = try await store.session(tokenHash: tokenHash) else { return nil }
        let now = clock.now()
        if now >= found.session.expiresAt || now >= found.session.lastSeenAt + idleTimeout {
            try await store.deleteSession(tokenHash: tokenHash)
            return nil
        }
        // Record activity at most once a minute: idle expiry needs no finer grain, and reads stay reads.
        if now.timeIntervalSince(found.session.lastSeenAt) > 60 {
            try await store.touchSession(tokenHash: tokenHash, at: now)
        }
        return found
    }

    public func signOut(token: String) async throws {
        guard SecretToken.isWellFormed(token) else { return }
        try await store.deleteSession(tokenHash: SecretToken.hash(token))
    }

    /// Deletes sessions that have ended; run periodically.
    public func purgeEndedSessions() async throws -> Int {
        let now = clock.now()
        return try await store.deleteSessions(endedBefore: now, idleSince: now - idleTimeout)
    }
}
