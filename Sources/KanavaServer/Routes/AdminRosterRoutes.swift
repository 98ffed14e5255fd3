import Foundation
import Hummingbird
import KanavaCore

/// `/api/admin/roster/…`: sync history for admins, and syncing an uploaded roster file.
struct AdminRosterRoutes {
    let kanava: Kanava

    struct SyncList: ResponseEncodable {
        var syncs: [RosterSyncRecord]
    }

    struct SyncDetail: ResponseEncodable {
        var sync: RosterSyncRecord
        var changes: [RosterChange]
    }

    /// The outcome, with at most 1,000 changes listed (the history has them all).
    struct SyncResult: ResponseEncodable {
        var outcome: RosterService.Outcome
        func encode(to encoder: any Encoder) throws { try outcome.encode(to: encoder) }
    }

    func addRoutes(to admin: RouterGroup<KanavaRequestContext>) {
        admin.get("roster/syncs") { request, context -> SyncList in
            let limit = try request.queryInteger("limit", in: 1...500) ?? 50
            return SyncList(syncs: try await kanava.roster.history(limit: limit, by: context.principal()))
        }

        admin.get("roster/syncs/:id") { _, context -> SyncDetail in
            guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw KanavaError.invalid("id", "must be a sync number") }
            let (record, changes) = try await kanava.roster.detail(id, by: context.principal())
            return SyncDetail(sync: record, changes: changes)
        }

        // The body is the CSV file itself, as exported; `?dryRun=true` validates only, `?force=true` overrides the guard.
        admin.post("roster/sync") { request, context -> SyncResult in
            let principal = try context.principal()
            let limit = kanava.config.roster.maxBytes
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: limit)
            } catch {
                throw KanavaError(.payloadTooLarge, "the roster file is larger than \(limit) bytes (roster.max_bytes)")
            }
            let flags = request.uri.queryParameters
            var outcome = try await kanava.roster.sync(
                data: Data(buffer: body), source: "upload by \(principal.person?.email ?? principal.label)", by: principal,
                dryRun: flags["dryRun"] == "true", force: flags["force"] == "true"
            )
            outcome.changes = Array(outcome.changes.prefix(1000))
            return SyncResult(outcome: outcome)
        }
    }
}

/// Admin-only routes: anyone else gets `forbidden` before anything is read.
struct AdminGuardMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: KanavaRequestContext, next: (Request, KanavaRequestContext) async throws -> Response) async throws -> Response {
        guard try context.principal().isAdmin else { throw KanavaError.forbidden }
        return try await next(request, context)
    }
}
