import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Tells the other nodes on PostgreSQL of this node's commits: one `NOTIFY` for every commit since the last one went
/// out, sent after the commits, never inside them.
///
/// A `NOTIFY` inside the writing transaction makes PostgreSQL commit one notifying transaction at a time across the
/// whole cluster, each holding a global lock through its disk flush: that capped event writes at about 900 a second
/// however many nodes there were. Sent afterwards by one sender per node, notifications batch by themselves: while
/// one is on its way, the heads of every commit meanwhile gather for the next.
///
/// A node that dies between a commit and its notification costs the other nodes time, not events: they also read
/// every channel's head every few seconds (``PostgresStore/followHeads(_:)``), and the events come from the log.
actor HeadNotifier {
    /// The LISTEN/NOTIFY channel on which every node hears of other nodes' commits.
    static let channel = "kanava_events"
    /// PostgreSQL refuses payloads of 8000 bytes or more.
    static let maxPayload = 7_000

    private let client: PostgresClient
    private let logger: Logger
    private var pending: [AccountID: Int64] = [:]
    private var sending = false

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Records what a transaction committed and makes sure a notification will go out.
    func committed(_ heads: [AccountID: Int64]) {
        guard !heads.isEmpty else { return }
        pending.merge(heads, uniquingKeysWith: max)
        guard !sending else { return }
        sending = true
        Task { await sendPending() }
    }

    private func sendPending() async {
        while !pending.isEmpty {
            let batch = pending
            pending = [:]
            for payload in Self.payloads(batch) {
                do {
                    try await client.query("SELECT pg_notify(\(Self.channel), \(payload))", logger: logger)
                } catch {
                    logger.warning("could not tell the other nodes of a commit; they catch up by reading the heads",
                                   metadata: ["error": "\(String(reflecting: error))"])
                }
            }
        }
        sending = false
    }

    /// `account:seq` pairs separated by spaces, in payloads under ``maxPayload`` bytes.
    static func payloads(_ heads: [AccountID: Int64]) -> [String] {
        var payloads: [String] = []
        var current = ""
        for (channel, seq) in heads.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let entry = "\(channel.rawValue):\(seq)"
            if !current.isEmpty && current.utf8.count + 1 + entry.utf8.count > maxPayload {
                payloads.append(current)
                current = ""
            }
            current += current.isEmpty ? entry : " " + entry
        }
        if !current.isEmpty { payloads.append(current) }
        return payloads
    }

    /// The heads in a payload; nil if any part is malformed.
    static func parse(_ payload: String) -> [(AccountID, Int64)]? {
        var heads: [(AccountID, Int64)] = []
        for entry in payload.split(separator: " ") {
            guard let colon = entry.lastIndex(of: ":"), let seq = Int64(entry[entry.index(after: colon)...]),
                  let channel = AccountID(rawValue: String(entry[..<colon]))
            else { return nil }
            heads.append((channel, seq))
        }
        return heads.isEmpty ? nil : heads
    }
}

/// The channels' heads a transaction moved, handed to the ``HeadNotifier`` once it has committed.
final class CommittedHeads: Sendable {
    private let heads = Mutex<[AccountID: Int64]>([:])

    func record(_ channel: AccountID, _ seq: Int64) {
        heads.withLock { $0[channel] = max($0[channel] ?? 0, seq) }
    }

    var all: [AccountID: Int64] { heads.withLock { $0 } }
}
