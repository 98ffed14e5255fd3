import Foundation
@testable import KanavaCore
import KanavaTestSupport
import Synchronization
import Testing

/// How nodes on PostgreSQL hear of each other's commits (``HeadNotifier``, ``PostgresStore/followHeads(_:)``).
@Suite struct HeadNotifierTests {
    @Test func manyHeadsSplitIntoPayloadsPostgreSQLAcceptsAndReadBackWhole() throws {
        let heads = Dictionary(uniqueKeysWithValues: (1...3000).map { (AccountID(rawValue: "A\($0)")!, Int64($0) * 1_000_003) })
        let payloads = HeadNotifier.payloads(heads)
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.utf8.count < 8000 })
        let read = try payloads.flatMap { try #require(HeadNotifier.parse($0)) }
        #expect(Dictionary(uniqueKeysWithValues: read) == heads)
    }

    @Test func malformedPayloadsAreRefusedWhole() {
        for payload in ["", "A1", "A1:x", "A1:5 B2", ":5", "A1:5  B2:6x", "ääkkönen:1"] {
            #expect(HeadNotifier.parse(payload) == nil, "\(payload)")
        }
        #expect(HeadNotifier.parse("A1:5 B2:6")?.map(\.1) == [5, 6])
    }

    /// A node that died between its commit and its notification: the others still see the new head, from the poll.
    @Test func aHeadThatWasNeverAnnouncedArrivesWithThePoll() async throws {
        try await withInstallation(.postgres) { t in
            try await t.account("A1", "Hiljainen Oy")
            let store = try #require(t.postgres)
            let seen = Mutex<Int64>(0)
            let following = Task {
                try await store.followHeads { channel, head in
                    if channel.rawValue == "A1" { seen.withLock { $0 = max($0, head) } }
                }
            }
            defer { following.cancel() }
            let before = try await store.head(of: AccountID(rawValue: "A1")!)
            // Straight to the table: no store call, so no notification.
            try await t.execute("UPDATE channel SET last_seq = last_seq + 1 WHERE account_id = 'A1'")
            let deadline = ContinuousClock.now + PostgresStore.headsPollInterval + .seconds(5)
            while seen.withLock({ $0 }) <= before {
                guard ContinuousClock.now < deadline else { throw TestFailure("the unannounced head did not arrive") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
