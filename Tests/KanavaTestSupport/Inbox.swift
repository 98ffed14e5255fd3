import Synchronization

/// A queue of received frames that one task awaits. Unlike `AsyncStream`, a cancelled wait (a timeout)
/// leaves the queue open, so a test can wait with a timeout and keep reading afterwards.
final class Inbox: Sendable {
    private struct State {
        var items: [String] = []
        var head = 0
        var waiter: CheckedContinuation<String?, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    func push(_ item: String) {
        let waiter = state.withLock { state -> CheckedContinuation<String?, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.items.append(item)
            return nil
        }
        waiter?.resume(returning: item)
    }

    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next item; nil when finished or when the waiting task is cancelled.
    func next() async -> String? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: String?? = state.withLock { state in
                    if state.head < state.items.count {
                        defer { state.head += 1 }
                        return .some(state.items[state.head])
                    }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
