import Foundation
import Hummingbird
import KanavaCore

/// Sign-in, sign-out and "who am I".
struct AuthRoutes {
    let kanava: Kanava
    let hub: Hub
    let secureCookies: Bool

    struct SignIn: JSONBody {
        var email: String
        var password: String
        enum CodingKeys: String, CodingKey, CaseIterable { case email, password }
    }

    struct SessionInfo: ResponseEncodable {
        var person: Person
        var csrfToken: String
    }

    func addRoutes(to api: RouterGroup<KanavaRequestContext>) {
        api.post("auth/sign-in") { request, context -> Response in
            let body = try await request.decodeJSON(SignIn.self, limit: 16 * 1024)
            let signedIn = try await kanava.auth.signIn(
                email: body.email, password: body.password,
                address: context.remoteAddress, userAgent: request.headers[.userAgent]
            )
            var response = try SessionInfo(person: signedIn.person, csrfToken: signedIn.session.csrfToken).response(from: request, context: context)
            response.setCookie(sessionCookie(signedIn.token, maxAge: Int(signedIn.session.expiresAt.timeIntervalSince(signedIn.session.createdAt))))
            return response
        }

        api.get("session") { _, context -> SessionInfo in
            guard let identity = context.identity else { throw KanavaError(.unauthenticated, "sign in first") }
            return SessionInfo(person: identity.person, csrfToken: identity.session.csrfToken)
        }

        api.post("auth/sign-out") { request, context -> Response in
            if let identity = context.identity, let token = request.cookies[SessionMiddleware.cookieName]?.value {
                try await kanava.auth.signOut(token: token)
                hub.disconnect(session: identity.session.tokenHash)
            }
            var response = Response(status: .noContent)
            response.setCookie(sessionCookie("", maxAge: 0))
            return response
        }
    }

    private func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: SessionMiddleware.cookieName, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }
}
