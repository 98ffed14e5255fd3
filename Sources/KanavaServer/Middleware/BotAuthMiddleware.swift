import Hummingbird
import HTTPTypes
import KanavaCore

/// Authenticates `/api/bot/…` by `Authorization: Bearer kbt_…` and nothing else: no session cookie is read (a
/// request that also carries one is judged by its token alone) and no CSRF token is needed, since browsers never
/// attach a bearer token by themselves. A missing, wrong or revoked token is `unauthenticated` (401) with
/// `WWW-Authenticate: Bearer`.
struct BotAuthMiddleware: RouterMiddleware {
    let bots: BotService

    func handle(_ request: Request, context: KanavaRequestContext, next: (Request, KanavaRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        do {
            guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
                throw KanavaError(.unauthenticated, "send the bot's token as Authorization: Bearer kbt_…")
            }
            context.bot = try await bots.authenticate(token: header.dropFirst(7).trimmingCharacters(in: .whitespaces))
        } catch let error as KanavaError where error.code == .unauthenticated {
            return ErrorMiddleware<KanavaRequestContext>.response(for: error, headers: [.wwwAuthenticate: #"Bearer realm="kanava""#])
        }
        return try await next(request, context)
    }
}
