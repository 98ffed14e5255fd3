import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Receives every committed event, in `seq` order per channel. Implementations must not block: they hand
/// the event on (the WebSocket hub enqueues frames) and return.
public protocol EventSink: AnyObject, Sendable {
    func receive(_ event: StreamEvent)
}

/// Remembers something that events change (who is a member of which channel), and forgets it when told.
public protocol EventCache: AnyObject, Sendable {
    /// Called for each committed event: when a service of this process publishes it, before `publish` returns, and
    /// when the bus reads an event another process committed from the log.
    func invalidate(for event: StreamEvent)
}

/// The in-process event bus: services publish committed events; sinks receive them in order.
///
/// Services publish after their transaction commits, so two writers to one channel may publish out of
/// order (seq 6 before seq 5). The bus restores the order: it remembers the last `seq` delivered per
/// channel, drops what it has already delivered, and on a gap reads the missing events from the event
/// log (where they are already committed, because a channel's events commit in `seq` order). The same
/// mechanism lets a PostgreSQL node relay events from other nodes by publishing only what it is told.
public final class EventBus: Service, Sendable {
    private let log: any EventLogStore
    private let logger: Logger
    private let sinks = Mutex<[any EventSink]>([])
    private let caches = Mutex<[any EventCache]>([])
    private let stream: AsyncStream<Input>
    private let input: AsyncStream<Input>.Continuation
    /// The last seq of each channel when the bus was made: events up to there are history, not news.
    private let initialHeads: [AccountID: Int64]

    /// Makes a bus whose ordering starts from the channels' current heads.
    public static func make(log: any EventLogStore, logger: Logger) async throws -> EventBus {
        EventBus(log: log, heads: try await log.heads(), logger: logger)
    }

    private init(log: any EventLogStore, heads: [AccountID: Int64], logger: Logger) {
        self.log = log
        self.logger = logger
        self.initialHeads = heads
        (stream, input) = AsyncStream.makeStream(of: Input.self)
    }

    private enum Input {
        /// Committed events, from a service of this process.
        case events([StreamEvent])
        /// A channel has reached this seq (committed by anyone).
        case head(AccountID, Int64)
    }

    public func addSink(_ sink: any EventSink) {
        sinks.withLock { $0.append(sink) }
    }

    public func removeSink(_ sink: any EventSink) {
        sinks.withLock { $0.removeAll { $0 === sink } }
    }

    public func addCache(_ cache: any EventCache) {
        caches.withLock { $0.append(cache) }
    }

    /// Hands committed events to the bus. Never blocks and never fails: the events are already durable.
    /// Caches hear of them at once, so a service answers only after what it changed is forgotten.
    public func publish(_ events: [StreamEvent]) {
        guard !events.isEmpty else { return }
        invalidateCaches(events)
        input.yield(.events(events))
    }

    /// Tells the bus a channel's log has reached `seq`; what it has not delivered is read from the log.
    public func publishHead(_ channel: AccountID, _ seq: Int64) {
        input.yield(.head(channel, seq))
    }

    /// Delivers published events until cancelled or the service group shuts down.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.deliverInOrder() }
        input.finish()
    }

    private func deliverInOrder() async {
        var delivered = initialHeads
        for await input in stream {
            switch input {
            case .events(let batch):
                for event in batch {
                    let last = delivered[event.channel] ?? 0
                    guard event.seq > last else { continue }
                    if event.seq > last + 1 {
                        for missing in await fetchGap(in: event.channel, after: last, before: event.seq) { deliver(missing) }
                    }
                    deliver(event)
                    delivered[event.channel] = event.seq
                }
            case .head(let channel, let head):
                let last = delivered[channel] ?? 0
                guard head > last else { continue }
                for missing in await fetchGap(in: channel, after: last, before: head + 1) { deliver(missing) }
                delivered[channel] = head
            }
        }
    }

    private func deliver(_ event: StreamEvent) {
        for sink in sinks.withLock({ $0 }) { sink.receive(event) }
    }

    private func invalidateCaches(_ events: [StreamEvent]) {
        let caches = caches.withLock { $0 }
        for event in events {
            for cache in caches { cache.invalidate(for: event) }
        }
    }

    /// Events from the log: ones another process committed (or one of ours published late), so caches hear of them.
    private func fetchGap(in channel: AccountID, after: Int64, before: Int64) async -> [StreamEvent] {
        do {
            let events = try await log.events(in: channel, after: after, limit: Int(before - after - 1))
            invalidateCaches(events)
            return events
        } catch {
            // Live delivery skips them; clients still get them when they resume from their last seq.
            logger.error("event bus could not read a gap from the log", metadata: ["channel": "\(channel)", "after": "\(after)", "error": "\(error)"])
            return []
        }
    }
}
