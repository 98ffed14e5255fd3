import Foundation

/// A token bucket per key: each key may spend `capacity` requests at once, and gets them back at
/// `capacity / window` per second, so `capacity` requests per `window` is sustained and a burst of
/// `capacity` is allowed after a quiet `window`.
///
/// Kept in memory, like ``SignInThrottle``: a restart forgets it, and a node behind a load balancer
/// counts its own share.
public actor RateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    /// Words for the error message: "too many <what>".
    private let what: String
    private let capacity: Double
    private let refillPerSecond: Double
    private let clock: any WallClock
    private var buckets: [String: Bucket] = [:]
    /// Above this many keys, the buckets that have filled up again are dropped (they are the same as absent ones).
    private static let pruneAbove = 10_000

    public init(what: String, capacity: Int, window: TimeInterval, clock: any WallClock) {
        precondition(capacity > 0 && window > 0, "a rate limit needs a positive capacity and window")
        self.what = what
        self.capacity = Double(capacity)
        refillPerSecond = Double(capacity) / window
        self.clock = clock
    }

    /// Spends one request of `key`, or throws `rate_limited` with the whole seconds until one is available again.
    public func take(_ key: String) throws(KanavaError) {
        let now = clock.now()
        var bucket = refilled(buckets[key], now)
        guard bucket.tokens >= 1 else {
            let seconds = max(1, Int(((1 - bucket.tokens) / refillPerSecond).rounded(.up)))
            throw KanavaError(.rateLimited, "too many \(what); try again in \(seconds) seconds", retryAfter: seconds)
        }
        bucket.tokens -= 1
        buckets[key] = bucket
        if buckets.count > Self.pruneAbove { prune(now) }
    }

    private func refilled(_ bucket: Bucket?, _ now: Date) -> Bucket {
        guard let bucket else { return Bucket(tokens: capacity, updated: now) }
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        return Bucket(tokens: min(capacity, bucket.tokens + elapsed * refillPerSecond), updated: now)
    }

    private func prune(_ now: Date) {
        buckets = buckets.filter { refilled($0.value, now).tokens < capacity }
    }
}

/// The installation's request rate limits (`limits.*` in the configuration). Sign-ins have their own
/// ``SignInThrottle``; the number of open WebSockets per person is checked by the server's hub.
public struct RateLimits: Sendable {
    /// Chat messages a person sends, over HTTP and the WebSocket together; keyed by person.
    public let messages: RateLimiter
    /// Documents and document versions a person uploads; keyed by person.
    public let uploads: RateLimiter
    /// Posts to one incoming webhook; keyed by webhook.
    public let webhookPosts: RateLimiter
    /// Posts to any incoming webhook from one network address (checked before the secret is looked up).
    public let webhookAddresses: RateLimiter
    /// Messages one bot posts; keyed by bot.
    public let botPosts: RateLimiter

    public init(_ limits: KanavaConfig.Limits, clock: any WallClock) {
        messages = RateLimiter(what: "messages", capacity: limits.messagesPerPerson, window: limits.messagesWindowSeconds, clock: clock)
        uploads = RateLimiter(what: "uploads", capacity: limits.uploadsPerPerson, window: limits.uploadsWindowSeconds, clock: clock)
        webhookPosts = RateLimiter(what: "posts to this webhook", capacity: limits.webhookPostsPerToken, window: limits.webhookWindowSeconds, clock: clock)
        webhookAddresses = RateLimiter(what: "webhook posts from this address", capacity: limits.webhookPostsPerAddress,
                                       window: limits.webhookWindowSeconds, clock: clock)
        botPosts = RateLimiter(what: "bot posts", capacity: limits.botPostsPerToken, window: limits.botWindowSeconds, clock: clock)
    }
}
