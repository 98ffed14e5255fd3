import Synchronization

/// Who has a live connection to this server right now: the notice follow-up reminds connected members in the
/// browser and the others by e-mail. The WebSocket hub reports connections as they open and close.
public final class Presence: Sendable {
    private let sockets = Mutex<[PersonID: Int]>([:])

    public init() {}

    public func connected(_ person: PersonID) {
        sockets.withLock { $0[person, default: 0] += 1 }
    }

    public func disconnected(_ person: PersonID) {
        sockets.withLock { sockets in
            let left = (sockets[person] ?? 1) - 1
            sockets[person] = left > 0 ? left : nil
        }
    }

    public func isConnected(_ person: PersonID) -> Bool {
        sockets.withLock { $0[person] != nil }
    }
}
