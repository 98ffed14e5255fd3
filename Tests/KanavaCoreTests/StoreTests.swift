import Foundation
import GRDB
import KanavaCore
import KanavaTestSupport
import Testing

@Suite struct StoreTests {
    @Test func databaseIsWALWithForeignKeysAndMigrated() async throws {
        try await withInstallation { t in
            let queue = try DatabaseQueue(path: Kanava.databasePath(t.kanava.config))
            let (mode, tables) = try await queue.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")))
            }
            #expect(mode == "wal")
            #expect(tables.isSuperset(of: ["person", "session", "account", "channel", "membership", "channel_event"]))
            let store = try #require(t.store as? SQLiteStore)
            #expect(try store.appliedMigrations() == ["v1-people-accounts-events", "v2-roster", "v3-sections", "v4-documents-memos", "v5-chat-notices-search", "v6-annual-clock",
                                                         "v7-bots-webhooks-feeds", "v8-planner", "v9-feedback", "v10-quality-card", "v11-activity-indexes",
                                                         "v12-audit-log", "v13-leases"])
            // Foreign keys are enforced on the store's own connections.
            await #expect(throws: KanavaError.self) {
                try await store.addMember(
                    Membership(account: try AccountID.parse("NOPE"), person: PersonID(999), role: .supervisor, source: .manual, joinedAt: Date()),
                    event: try EventDraft(channel: try AccountID.parse("NOPE"), kind: .membershipAdded, payload: ["x": 1]), at: Date())
            }
        }
    }

    @Test func reopeningAnExistingFileKeepsDataAndDoesNotRemigrate() async throws {
        try await withInstallation { t in
            try await t.person("a@example.fi")
            let reopened = try SQLiteStore(path: Kanava.databasePath(t.kanava.config))
            #expect(try await reopened.countPeople() == 1)
            #expect(try reopened.appliedMigrations().count == 13)
        }
    }

    @Test(arguments: Backend.all) func emailIsTheIdentityIgnoringCase(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let person = try await t.person("Ville.Makinen@Yritys.example", "Ville Mäkinen")
            #expect(try await t.store.person(email: "ville.makinen@yritys.example")?.id == person.id)
            await #expect(throws: KanavaError(.conflict, "a person with e-mail VILLE.MAKINEN@yritys.example already exists")) {
                try await t.person("VILLE.MAKINEN@yritys.example")
            }
            #expect(try await t.store.countPeople() == 1)
        }
    }

    @Test(arguments: Backend.all) func everyWriteAppendsItsEventsWithConsecutiveSequenceNumbers(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await t.person("johtaja@example.fi")
            try await t.person("esimies@example.fi")
            try await t.account("A1", "Östra kiinteistö Ab")
            try await t.member("A1", "johtaja@example.fi", .accountDirector)
            try await t.member("A1", "esimies@example.fi", .supervisor)
            let id = try AccountID.parse("A1")
            let supervisor = try #require(try await t.store.person(email: "esimies@example.fi"))
            try await t.kanava.accounts.removeMember(id, person: supervisor.id, by: TestInstallation.system)

            let events = try await t.store.events(in: id, after: 0, limit: 100)
            #expect(events.map(\.seq) == [1, 2, 3, 4])
            #expect(events.map(\.kind) == [.accountCreated, .membershipAdded, .membershipAdded, .membershipRemoved])
            #expect(events[3].subject == supervisor.id)
            #expect(try await t.store.head(of: id) == 4)
            #expect(try await t.store.events(in: id, after: 2, limit: 1).map(\.seq) == [3])
        }
    }

    @Test(arguments: Backend.all) func aRefusedWriteChangesNothingAndAppendsNoEvent(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await t.person("a@example.fi")
            try await t.account("A1", "Yksi")
            try await t.member("A1", "a@example.fi", .supervisor)
            await #expect(throws: KanavaError.self) { try await t.member("A1", "a@example.fi", .manager) }
            await #expect(throws: KanavaError.self) { try await t.account("A1", "Toinen") }
            #expect(try await t.store.head(of: try AccountID.parse("A1")) == 2)
            #expect(try await t.store.account(try AccountID.parse("A1"))?.name == "Yksi")
        }
    }
}
