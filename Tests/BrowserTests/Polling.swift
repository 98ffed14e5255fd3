import KanavaTestSupport

/// Polls `read` until `isDone` accepts what it returned, and returns that value.
///
/// An error from `read` counts as "not yet" (the element is not there yet, or was just replaced). After
/// `timeout` it fails, naming `what` and the last value or error seen.
@discardableResult
func waitFor<Value>(
    _ what: String,
    timeout: Duration = .seconds(10),
    read: () async throws -> Value,
    until isDone: (Value) -> Bool
) async throws -> Value {
    let deadline = ContinuousClock.now + timeout
    var lastSeen = "nothing"
    while true {
        do {
            let value = try await read()
            if isDone(value) { return value }
            lastSeen = "\(value)"
        } catch {
            lastSeen = "\(error)"
        }
        guard ContinuousClock.now < deadline else {
            throw TestFailure("timed out after \(timeout) waiting for \(what); last saw: \(lastSeen)")
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Polls `condition` until it is true; see ``waitFor(_:timeout:read:until:)``.
func waitFor(_ what: String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    try await waitFor(what, timeout: timeout, read: condition, until: { $0 })
}
