import Metrics

/// Every store call, on either store, is timed as `kanava_db_duration_seconds{op}`.
enum StoreTiming {
    static func timed<T>(_ operation: String, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer {
            Timer(label: "kanava_db_duration_seconds", dimensions: [("op", operation)])
                .recordInterval(start.duration(to: .now))
        }
        return try await body()
    }
}

extension Timer {
    func recordInterval(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
