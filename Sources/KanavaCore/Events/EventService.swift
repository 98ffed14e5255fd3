import Foundation

/// Reading a channel's event stream, with the same visibility rules as live delivery.
public struct EventService: Sendable {
    let store: any KanavaStore
    let access: AccessPolicy

    /// Events after `after` that the principal may see, and the channel's head (the HTTP event log).
    public func page(_ channel: AccountID, after: Int64, limit: Int, for principal: Principal) async throws -> (events: [StreamEvent], head: Int64) {
        let access = try await access.channel(channel, for: principal)
        let head = try await store.head(of: channel)
        let events = try await store.events(in: channel, after: after, limit: limit)
        return (events.filter { access.canSee($0) }, head)
    }

    /// What a (re)subscribing client missed.
    public struct Backlog: Sendable {
        /// The missed events the subscriber may see, oldest first.
        public var events: [StreamEvent]
        /// The seq the subscriber is now up to; live delivery continues after it.
        public var last: Int64
        /// True when the client must reload the channel's state instead: it missed more than the limit, or it
        /// claimed a seq the channel has not reached (a database restored from backup).
        public var reset: Bool
    }

    /// The backlog after `after` (nil: "from now") for a caller that has already checked access.
    public func backlog(_ channel: AccountID, after: Int64?, limit: Int, access: ChannelAccess) async throws -> Backlog {
        let head = try await store.head(of: channel)
        guard let after, after <= head else { return Backlog(events: [], last: head, reset: after != nil) }
        let missed = try await store.events(in: channel, after: after, limit: limit + 1)
        guard missed.count <= limit else { return Backlog(events: [], last: head, reset: true) }
        return Backlog(events: missed.filter { access.canSee($0) }, last: missed.last?.seq ?? after, reset: false)
    }
}
