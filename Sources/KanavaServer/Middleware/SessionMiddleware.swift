import Foundation
import Hummingbird
import HTTPTypes
import KanavaCore

/// Resolves the session cookie into `context.identity`. A missing, malformed, unknown or expired cookie
/// leaves the request anonymous; routes that need a person then answer `unauthenticated`.
struct SessionMiddleware: RouterMiddleware {
    static let cookieName = "kanava_session"
    let auth: AuthService

    func handle(_ request: Request, context: KanavaRequestContext, next: (Request, KanavaRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.cookies[Self.cookieName]?.value {
            context.identity = try await auth.authenticate(token: token)
        }
        return try await next(request, context)
    }
}

/// Rejects state-changing requests made with the session cookie unless they carry the session's CSRF token
/// in `X-CSRF-Token` and, when the browser says where they came from, that origin is this server.
struct CSRFMiddleware: RouterMiddleware {
    let origins: OriginPolicy

    func handle(_ request: Request, context: KanavaRequestContext, next: (Request, KanavaRequestContext) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        guard origins.allows(request) else { throw KanavaError(.csrfFailed, "the request came from another site") }
        if let identity = context.identity {
            let sent = request.headers[.csrfToken] ?? ""
            guard Self.constantTimeEquals(sent, identity.session.csrfToken) else {
                throw KanavaError(.csrfFailed, "missing or wrong X-CSRF-Token header; reload the page")
            }
        }
        return try await next(request, context)
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Which `Origin` a browser request may come from: the configured public URL, or else this request's own host.
struct OriginPolicy: Sendable {
    /// `scheme://host[:port]` of `server.public_url`; nil: same host as the request.
    let publicOrigin: String?

    init(publicURL: String) {
        if publicURL.isEmpty {
            publicOrigin = nil
        } else if let url = URL(string: publicURL), let scheme = url.scheme, let host = url.host {
            publicOrigin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        } else {
            publicOrigin = nil
        }
    }

    /// The check stops other web sites' pages from using a visitor's cookie. Browsers send an `http(s)`
    /// Origin on every cross-site request that could change state and on every WebSocket handshake, so:
    /// no Origin, or one of another scheme (`ws://…` from non-browser WebSocket clients), is not a browser
    /// and is allowed; `null` (sandboxed or file pages) and other sites are refused.
    func allows(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let url = URL(string: origin), let scheme = url.scheme?.lowercased() else { return false }
        guard scheme == "http" || scheme == "https" else { return true }
        if let publicOrigin { return origin.lowercased() == publicOrigin.lowercased() }
        guard let host = request.head.authority, let originHost = url.host else { return false }
        let originAuthority = originHost + (url.port.map { ":\($0)" } ?? "")
        return originAuthority.lowercased() == host.lowercased()
    }
}
