import Foundation
import Logging

/// Records who did what, when and from where, and lets admins read it.
///
/// Services record an action once it has committed. Recording never undoes or fails the action it describes: an
/// entry that cannot be written is logged as an error instead (the change itself is in the database and, for
/// channel changes, in the channel's event log).
public struct AuditLog: Sendable {
    let store: any AuditStore
    let clock: any WallClock
    let logger: Logger

    public init(store: any AuditStore, clock: any WallClock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    public func record(_ action: AuditAction, by principal: Principal?, account: AccountID? = nil, target: String? = nil,
                       detail: [String: String] = [:]) async {
        let entry = AuditEntry(
            id: 0, at: clock.now(), actor: principal?.label ?? "anonymous", actorId: principal?.person?.id, action: action,
            account: account, target: target, detail: detail, address: AuditContext.address
        )
        do {
            _ = try await store.appendAudit(entry)
        } catch {
            logger.error("could not write an audit entry", metadata: [
                "action": "\(action.rawValue)", "actor": "\(entry.actor)", "target": "\(target ?? "-")", "error": "\(error)",
            ])
        }
    }

    /// The newest entries matching `query` (at most 500), for admins only.
    public func list(_ query: AuditQuery, by principal: Principal) async throws -> [AuditEntry] {
        guard principal.isAdmin else { throw KanavaError.forbidden }
        guard (1...500).contains(query.limit) else { throw KanavaError.invalid("limit", "must be 1–500") }
        return try await store.auditEntries(query)
    }
}
