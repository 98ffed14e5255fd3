import Foundation
import Synchronization

/// Accounts and memberships as lately read, so that the access check of each chat message is not a query.
///
/// A channel's entries are dropped when an event says its members or its account changed: the ``EventBus`` tells
/// the cache of each event as a service of this process publishes it (before that service answers) and of events
/// another process committed (a `kanava roster sync` from the command line) as soon as the bus reads them from the
/// log, within about a second, the same moment open sockets learn of them. A read that began before such an event
/// is not remembered, so a slow read cannot put back what the event took away.
public final class MembershipCache: EventCache {
    /// The account and the person's membership in it (nil: not a member).
    public struct Entry: Sendable {
        public var account: Account
        public var membership: Membership?
    }

    private struct State {
        var channels: [AccountID: [PersonID: Entry]] = [:]
        var count = 0
        /// Bumped by every invalidation: a read that saw another generation at its start is not stored.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    /// The most entries kept; past it the cache starts again empty.
    let capacity: Int

    public init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// The cached entry, or what `load` reads (nil: no such account), remembered unless an invalidation came between.
    func entry(_ account: AccountID, _ person: PersonID, load: () async throws -> Entry?) async throws -> Entry? {
        let (cached, generation) = state.withLock { ($0.channels[account]?[person], $0.generation) }
        if let cached { return cached }
        guard let loaded = try await load() else { return nil }
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.count >= capacity {
                state.channels.removeAll()
                state.count = 0
            }
            if state.channels[account, default: [:]].updateValue(loaded, forKey: person) == nil { state.count += 1 }
        }
        return loaded
    }

    public func invalidate(for event: StreamEvent) {
        guard Self.changesAccess.contains(event.kind) else { return }
        state.withLock { state in
            state.generation &+= 1
            state.count -= state.channels.removeValue(forKey: event.channel)?.count ?? 0
        }
    }

    private static let changesAccess: Set<EventKind> = [.accountCreated, .accountUpdated, .membershipAdded, .membershipRemoved, .membershipChanged]
}
