import Foundation
import Hummingbird
import KanavaCore

/// `GET /api/admin/audit`: the audit log for admins, newest first, filtered and paged by entry id.
struct AdminAuditRoutes {
    let kanava: Kanava

    struct Page: ResponseEncodable {
        var entries: [AuditEntry]
        /// Pass as `before` for the next (older) page; nil when this was the last.
        var next: Int64?
    }

    func addRoutes(to admin: RouterGroup<KanavaRequestContext>) {
        admin.get("audit") { request, context -> Page in
            let query = request.uri.queryParameters
            func number(_ name: String) throws -> Int64? {
                try request.queryInteger(name, in: 1...Int64.max, problem: "must be a positive whole number")
            }
            let action = try query["action"].map { raw -> AuditAction in
                guard let action = AuditAction(rawValue: String(raw)) else {
                    throw KanavaError.invalid("action", "'\(raw.prefix(40))' is not an audited action; use one of \(AuditAction.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return action
            }
            let limit = try number("limit").map(Int.init) ?? 100
            let entries = try await kanava.audit.list(AuditQuery(
                before: try number("before"), actor: try number("actor").map(PersonID.init(rawValue:)),
                account: try query["account"].map { try AccountID.parse(String($0), field: "account") }, action: action, limit: limit
            ), by: context.principal())
            return Page(entries: entries, next: entries.count == limit ? entries.last?.id : nil)
        }
    }
}

/// Makes the client's address known to the audit log for everything done while serving the request.
struct AuditContextMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: KanavaRequestContext, next: (Request, KanavaRequestContext) async throws -> Response) async throws -> Response {
        try await AuditContext.$address.withValue(context.remoteAddress) {
            try await next(request, context)
        }
    }
}
