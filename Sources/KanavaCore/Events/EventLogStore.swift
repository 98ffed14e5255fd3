import Foundation

/// Read access to the channels' event streams (the writes happen inside each feature's store methods,
/// in the same transaction as the change).
public protocol EventLogStore: Sendable {
    /// Events of `channel` with `seq > after`, oldest first, at most `limit`.
    func events(in channel: AccountID, after: Int64, limit: Int) async throws -> [StreamEvent]
    /// The last `seq` of every channel.
    func heads() async throws -> [AccountID: Int64]
    /// The last `seq` of one channel (0 before its first event).
    func head(of channel: AccountID) async throws -> Int64
    /// Calls `head` with every channel's head at once, then again whenever any process commits events, until
    /// cancelled. Throws when it loses track (a lost connection); calling it again catches up.
    func followHeads(_ head: @escaping @Sendable (AccountID, Int64) -> Void) async throws
}

extension EventLogStore {
    /// Reads every channel's head every `interval`, until cancelled, and calls `head` with each that moved since the
    /// last read (all of them the first time).
    func pollHeads(every interval: Duration, _ head: @Sendable (AccountID, Int64) -> Void) async throws {
        var seen: [AccountID: Int64] = [:]
        while true {
            for (channel, last) in try await heads() where seen[channel] != last {
                head(channel, last)
                seen[channel] = last
            }
            try await Task.sleep(for: interval)
        }
    }
}
