import Foundation

/// The one error type that services throw. The HTTP and WebSocket layers map `code` to a status and
/// send `{"error": {"code", "message"}}`; the message names what is wrong in words a user can act on.
public struct KanavaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        case badRequest = "bad_request"
        case invalidInput = "invalid_input"
        case unauthenticated
        case invalidCredentials = "invalid_credentials"
        case csrfFailed = "csrf_failed"
        case forbidden
        case notFound = "not_found"
        case conflict
        /// A quality card version that was already submitted (409, like `conflict`).
        case alreadySubmitted = "already_submitted"
        case payloadTooLarge = "payload_too_large"
        case rateLimited = "rate_limited"
        case unavailable
        case `internal`
    }

    public var code: Code
    public var message: String
    /// Seconds until a rate-limited caller may try again.
    public var retryAfter: Int?

    public init(_ code: Code, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func invalid(_ field: String, _ problem: String) -> KanavaError {
        KanavaError(.invalidInput, "\(field): \(problem)")
    }

    /// Deny-by-default answer for anything of a channel the caller may not see: the same as "does not exist".
    public static func notFound(_ what: String) -> KanavaError {
        KanavaError(.notFound, "\(what) not found")
    }

    public static let forbidden = KanavaError(.forbidden, "you are not allowed to do this")
}
