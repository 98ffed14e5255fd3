import Foundation
import KanavaCore
import KanavaTestSupport
import Synchronization
import Testing

/// Collects what the bus delivers.
final class RecordingSink: EventSink {
    let received = Mutex<[StreamEvent]>([])
    func receive(_ event: StreamEvent) { received.withLock { $0.append(event) } }

    func waitFor(count: Int) async throws -> [StreamEvent] {
        try await withTimeout(5, "waiting for \(count) events") { [self] in
            while true {
                let events = self.received.withLock { $0 }
                if events.count >= count { return events }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }
}

@Suite struct EventBusTests {
    @Test(arguments: Backend.all) func servicesPublishWhatTheyCommit(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let sink = RecordingSink()
            t.kanava.bus.addSink(sink)
            try await t.account("A1", "Yksi")
            let events = try await sink.waitFor(count: 1)
            #expect(events.map(\.kind) == [.accountCreated])
            #expect(events.first?.seq == 1)
        }
    }

    @Test(arguments: Backend.all) func outOfOrderPublishesAreDeliveredInOrderAndGapsAreReadFromTheLog(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await t.person("a@example.fi")
            try await t.person("b@example.fi")
            try await t.person("c@example.fi")
            let sink = RecordingSink()
            try await t.account("A1", "Yksi")
            _ = try await RecordingSink.drain(t)
            t.kanava.bus.addSink(sink)
            // Commit three events directly, then publish only the last, then the first twice.
            let id = try AccountID.parse("A1")
            var committed: [StreamEvent] = []
            for email in ["a@example.fi", "b@example.fi", "c@example.fi"] {
                let person = try #require(try await t.store.person(email: email))
                let membership = Membership(account: id, person: person.id, role: .supervisor, source: .manual, joinedAt: Date())
                committed += try await t.store.addMember(
                    membership, event: try EventDraft(channel: id, kind: .membershipAdded, payload: ["email": email], subject: person.id), at: Date()
                ).events
            }
            t.kanava.bus.publish([committed[2]])
            t.kanava.bus.publish([committed[0], committed[0]])
            let delivered = try await sink.waitFor(count: 3)
            #expect(delivered.map(\.seq) == [2, 3, 4])
            #expect(await isQuiet(sink, count: 3))
        }
    }
}

extension RecordingSink {
    /// Waits until the bus has delivered everything already published (by observing one more event).
    static func drain(_ t: TestInstallation) async throws -> [StreamEvent] {
        let sink = RecordingSink()
        t.kanava.bus.addSink(sink)
        defer { t.kanava.bus.removeSink(sink) }
        try await t.account("DRAIN\(UUID().uuidString.prefix(8))", "drain")
        return try await sink.waitFor(count: 1)
    }
}

func isQuiet(_ sink: RecordingSink, count: Int) async -> Bool {
    try? await Task.sleep(for: .milliseconds(100))
    return sink.received.withLock { $0.count } == count
}
