import Foundation
import KanavaCore
import NIOCore
import Synchronization

/// One open WebSocket: what it is subscribed to, and a bounded queue of frames waiting to be written.
///
/// Events arrive from the hub on the event bus's task and must never wait for a slow network, so frames
/// are queued here and a writer task drains the queue into the socket. A socket whose queue grows past
/// its byte limit is a slow consumer: it is closed, and nobody else waits for it.
final class ClientConnection: Sendable {
    enum CloseReason: Equatable, Sendable {
        case slowConsumer
        case sessionEnded
        case clientClosed
    }

    let id: Int
    let person: Person
    let sessionHash: String

    private let state: Mutex<State>
    private let outbox: AsyncStream<ByteBuffer>.Continuation
    private let frames: AsyncStream<ByteBuffer>
    private let maxQueuedBytes: Int
    private let maxBufferedEvents: Int

    private struct State {
        var subscriptions: [AccountID: Subscription] = [:]
        var queuedBytes = 0
        var closed: CloseReason?
    }

    private struct Subscription {
        /// Known once the access check (made after the subscription is indexed) has passed.
        var access: ChannelAccess?
        var phase: Phase
    }

    /// A new subscription buffers live events while its backlog is read, so nothing falls between the two.
    private enum Phase {
        case catchingUp([(StreamEvent, ByteBuffer)])
        case live(last: Int64)
    }

    init(id: Int, person: Person, sessionHash: String, maxQueuedBytes: Int, maxBufferedEvents: Int) {
        self.id = id
        self.person = person
        self.sessionHash = sessionHash
        self.maxQueuedBytes = maxQueuedBytes
        self.maxBufferedEvents = maxBufferedEvents
        state = Mutex(State())
        (frames, outbox) = AsyncStream.makeStream(of: ByteBuffer.self)
    }

    var closeReason: CloseReason? { state.withLock { $0.closed } }

    var subscribedChannels: Set<AccountID> { state.withLock { Set($0.subscriptions.keys) } }

    // MARK: - Subscriptions

    /// Starts buffering a channel's live events. Call before checking access, so that a removal committed
    /// during the check still reaches (and ends) this subscription.
    func beginSubscription(_ channel: AccountID) {
        state.withLock { $0.subscriptions[channel] = Subscription(access: nil, phase: .catchingUp([])) }
    }

    /// Sends the backlog, then what arrived live meanwhile (skipping what the backlog already had), and goes
    /// live. False when the subscription ended in between (the person was removed).
    func completeSubscription(_ channel: AccountID, access: ChannelAccess, backlog: EventService.Backlog) -> Bool {
        state.withLock { state in
            guard var subscription = state.subscriptions[channel], case .catchingUp(let buffered) = subscription.phase else { return false }
            var last = backlog.last
            for event in backlog.events { enqueue(ServerFrame.event(event), &state) }
            for (event, frame) in buffered where event.seq > last {
                if access.canSee(event) { enqueue(frame, &state) }
                last = event.seq
            }
            subscription.access = access
            subscription.phase = .live(last: last)
            state.subscriptions[channel] = subscription
            return true
        }
    }

    func endSubscription(_ channel: AccountID) {
        state.withLock { _ = $0.subscriptions.removeValue(forKey: channel) }
    }

    /// A change of the person's role in a channel (what restricted events they may see).
    func updateRole(_ role: ChannelRole, in channel: AccountID) {
        state.withLock { $0.subscriptions[channel]?.access?.role = role }
    }

    // MARK: - Delivery

    /// An event of a channel this socket is subscribed to; `frame` is the shared serialised form.
    func deliver(_ event: StreamEvent, frame: ByteBuffer) {
        state.withLock { state in
            guard state.closed == nil, var subscription = state.subscriptions[event.channel] else { return }
            switch subscription.phase {
            case .catchingUp(var buffered):
                guard buffered.count < maxBufferedEvents else { return close(.slowConsumer, &state) }
                buffered.append((event, frame))
                subscription.phase = .catchingUp(buffered)
            case .live(let last):
                guard event.seq > last else { return }
                if subscription.access?.canSee(event) == true { enqueue(frame, &state) }
                subscription.phase = .live(last: event.seq)
            }
            state.subscriptions[event.channel] = subscription
        }
    }

    /// Queues a frame outside any subscription (replies, hello, events about the person themself).
    func send(_ frame: ByteBuffer) {
        state.withLock { enqueue(frame, &$0) }
    }

    func close(_ reason: CloseReason) {
        state.withLock { close(reason, &$0) }
    }

    private func enqueue(_ frame: ByteBuffer, _ state: inout State) {
        guard state.closed == nil else { return }
        guard state.queuedBytes + frame.readableBytes <= maxQueuedBytes else { return close(.slowConsumer, &state) }
        state.queuedBytes += frame.readableBytes
        outbox.yield(frame)
    }

    private func close(_ reason: CloseReason, _ state: inout State) {
        guard state.closed == nil else { return }
        // Subscriptions stay listed until the hub unregisters the connection, so it can unindex them; nothing
        // more is queued once closed.
        state.closed = reason
        outbox.finish()
    }

    // MARK: - Writing

    /// Writes queued frames until the connection closes. Returns the reason it closed.
    func drain(into write: (ByteBuffer) async throws -> Void) async throws -> CloseReason {
        for await frame in frames {
            if let reason = closeReason, reason != .clientClosed { return reason }
            try await write(frame)
            state.withLock { $0.queuedBytes -= frame.readableBytes }
        }
        return closeReason ?? .clientClosed
    }
}
