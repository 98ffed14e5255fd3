import Foundation
import KanavaCore
import Metrics
import NIOCore
import Synchronization

/// Routes committed events to the sockets that may see them.
///
/// It receives every event from the ``EventBus`` in order, serialises it once, and hands the same bytes
/// to each subscribed connection. Membership events also change who is subscribed: a removed member's
/// sockets lose the channel in the same step that tells them so, before any later event is routed.
final class Hub: EventSink {
    private struct State {
        var connections: [Int: ClientConnection] = [:]
        var byChannel: [AccountID: Set<Int>] = [:]
        var byPerson: [PersonID: Set<Int>] = [:]
        var nextID = 1
    }

    private let state = Mutex(State())
    private let openSockets = Gauge(label: "kanava_websocket_connections")
    private let presence: Presence

    init(presence: Presence) {
        self.presence = presence
    }

    var connectionCount: Int { state.withLock { $0.connections.count } }

    /// How many sockets `person` has open now.
    func connectionCount(of person: PersonID) -> Int {
        state.withLock { $0.byPerson[person]?.count ?? 0 }
    }

    func register(person: Person, sessionHash: String, maxQueuedBytes: Int, maxBufferedEvents: Int) -> ClientConnection {
        let connection = state.withLock { state in
            let connection = ClientConnection(id: state.nextID, person: person, sessionHash: sessionHash,
                                              maxQueuedBytes: maxQueuedBytes, maxBufferedEvents: maxBufferedEvents)
            state.nextID += 1
            state.connections[connection.id] = connection
            state.byPerson[person.id, default: []].insert(connection.id)
            return connection
        }
        presence.connected(person.id)
        openSockets.record(connectionCount)
        return connection
    }

    func unregister(_ connection: ClientConnection) {
        state.withLock { state in
            state.connections[connection.id] = nil
            state.byPerson[connection.person.id]?.remove(connection.id)
            if state.byPerson[connection.person.id]?.isEmpty == true { state.byPerson[connection.person.id] = nil }
            for channel in connection.subscribedChannels { Self.removeIndex(connection.id, channel, &state) }
        }
        presence.disconnected(connection.person.id)
        openSockets.record(connectionCount)
    }

    func index(_ connection: ClientConnection, channel: AccountID) {
        state.withLock { _ = $0.byChannel[channel, default: []].insert(connection.id) }
    }

    func unindex(_ connection: ClientConnection, channel: AccountID) {
        state.withLock { Self.removeIndex(connection.id, channel, &$0) }
    }

    /// Closes every socket of a session (sign-out).
    func disconnect(session: String) {
        let connections = state.withLock { $0.connections.values.filter { $0.sessionHash == session } }
        for connection in connections { connection.close(.sessionEnded) }
    }

    // MARK: - EventSink

    func receive(_ event: StreamEvent) {
        let frame = ServerFrame.event(event)
        let (subscribers, subjects) = state.withLock { state -> ([ClientConnection], [ClientConnection]) in
            let subjectIDs = event.subject.flatMap { state.byPerson[$0] } ?? []
            if event.kind == .membershipRemoved {
                for id in subjectIDs { Self.removeIndex(id, event.channel, &state) }
            }
            let subscribers = (state.byChannel[event.channel] ?? []).compactMap { state.connections[$0] }
            return (subscribers, subjectIDs.compactMap { state.connections[$0] })
        }
        for connection in subscribers { connection.deliver(event, frame: frame) }
        guard !subjects.isEmpty else { return }
        switch event.kind {
        case .membershipRemoved:
            // Their subscription ends here; the event itself tells them why.
            for connection in subjects {
                connection.endSubscription(event.channel)
                connection.send(frame)
            }
        case .membershipAdded:
            // Not subscribed yet (they could not be): tell them, so they can subscribe.
            for connection in subjects { connection.send(frame) }
        case .membershipChanged:
            if let data = try? Self.decoder.decode(Member.self, from: event.payload) {
                for connection in subjects { connection.updateRole(data.role, in: event.channel) }
            }
        default:
            break
        }
    }

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    private static func removeIndex(_ id: Int, _ channel: AccountID, _ state: inout State) {
        state.byChannel[channel]?.remove(id)
        if state.byChannel[channel]?.isEmpty == true { state.byChannel[channel] = nil }
    }
}
