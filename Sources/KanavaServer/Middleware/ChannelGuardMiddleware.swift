import Hummingbird
import KanavaCore

/// Guards every route under `/api/accounts/:account`: anyone who may not see the channel gets `not_found`
/// (or `unauthenticated`) before the request body is even read, so no answer differs between a channel
/// that exists and one that does not. The services check again for what each operation needs.
struct ChannelGuardMiddleware: RouterMiddleware {
    let access: AccessPolicy

    func handle(_ request: Request, context: KanavaRequestContext, next: (Request, KanavaRequestContext) async throws -> Response) async throws -> Response {
        let principal = try context.principal()
        let id = try context.accountID()
        _ = try await access.channel(id, for: principal)
        return try await next(request, context)
    }
}
