import Foundation

/// Bounds failed sign-ins per e-mail and per network address within a sliding window.
///
/// Kept in memory: a restart forgets it, which only ever helps a user locked out by mistake. A node
/// behind a load balancer counts its own share; the limits are per node.
public actor SignInThrottle {
    private let maxPerEmail: Int
    private let maxPerAddress: Int
    private let window: TimeInterval
    private let clock: any WallClock
    private var failuresByEmail: [String: [Date]] = [:]
    private var failuresByAddress: [String: [Date]] = [:]

    public init(maxPerEmail: Int, maxPerAddress: Int, window: TimeInterval, clock: any WallClock) {
        self.maxPerEmail = maxPerEmail
        self.maxPerAddress = maxPerAddress
        self.window = window
        self.clock = clock
    }

    /// Throws `rate_limited` with the seconds to wait when either bound is reached.
    public func check(email: String, address: String?) throws {
        let now = clock.now()
        var wait: TimeInterval = 0
        if let failures = recent(&failuresByEmail, EmailAddress.key(email), now), failures.count >= maxPerEmail {
            wait = max(wait, (failures[failures.count - maxPerEmail] + window).timeIntervalSince(now))
        }
        if let address, let failures = recent(&failuresByAddress, address, now), failures.count >= maxPerAddress {
            wait = max(wait, (failures[failures.count - maxPerAddress] + window).timeIntervalSince(now))
        }
        if wait > 0 {
            let seconds = Int(wait.rounded(.up))
            throw KanavaError(.rateLimited, "too many failed sign-ins; try again in \(seconds) seconds", retryAfter: seconds)
        }
    }

    public func recordFailure(email: String, address: String?) {
        let now = clock.now()
        failuresByEmail[EmailAddress.key(email), default: []].append(now)
        if let address { failuresByAddress[address, default: []].append(now) }
        if failuresByEmail.count + failuresByAddress.count > 100_000 { prune(now) }
    }

    public func recordSuccess(email: String) {
        failuresByEmail[EmailAddress.key(email)] = nil
    }

    private func recent(_ table: inout [String: [Date]], _ key: String, _ now: Date) -> [Date]? {
        guard var failures = table[key] else { return nil }
        failures.removeAll { $0 <= now - window }
        table[key] = failures.isEmpty ? nil : failures
        return failures
    }

    /// Keeps memory bounded under a spray of distinct e-mails or addresses.
    private func prune(_ now: Date) {
        failuresByEmail = failuresByEmail.compactMapValues { dates in
            let kept = dates.filter { $0 > now - window }
            return kept.isEmpty ? nil : kept
        }
        failuresByAddress = failuresByAddress.compactMapValues { dates in
            let kept = dates.filter { $0 > now - window }
            return kept.isEmpty ? nil : kept
        }
    }
}
