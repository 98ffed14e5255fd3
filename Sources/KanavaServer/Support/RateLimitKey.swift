import KanavaCore

extension KanavaRequestContext {
    /// The key of the signed-in person in a per-person ``RateLimiter`` (their id, as the WebSocket uses), or `unauthenticated`.
    func signedInKey() throws -> String {
        guard let identity else { throw KanavaError(.unauthenticated, "sign in first") }
        return identity.person.id.description
    }
}
