import Foundation
import Hummingbird
import KanavaCore

/// Where people reach this server, for the secret URLs it hands out (webhooks, calendar feeds): `server.public_url`
/// when set, else the scheme this server speaks and the request's own `Host`.
struct PublicAddress: Sendable {
    /// `server.public_url` without a trailing slash; empty when not configured.
    let publicURL: String
    let tls: Bool

    init(config: KanavaConfig.Server) {
        publicURL = config.publicUrl.hasSuffix("/") ? String(config.publicUrl.dropLast()) : config.publicUrl
        tls = config.tls.enabled
    }

    /// `https://kanava.example.fi` (no trailing slash).
    func baseURL(for request: Request) -> String {
        guard publicURL.isEmpty else { return publicURL }
        return (tls ? "https://" : "http://") + (request.head.authority ?? "localhost")
    }

    /// The host name alone (`kanava.example.fi`), for identifiers such as iCalendar UIDs.
    func host(for request: Request) -> String {
        URL(string: baseURL(for: request))?.host ?? "kanava"
    }
}
