import Foundation
import KanavaCore
import KanavaTestSupport
import Logging
import Testing

/// Access checks come from a cache (``MembershipCache``): every change of a channel's members or account must reach it
/// before the change is answered, and a change committed by another process as soon as the bus reads it.
@Suite struct MembershipCacheTests {
    static let account = try! AccountID.parse("A1")

    private func setUp(_ t: TestInstallation) async throws -> Person {
        try await t.account("A1", "Yksi Oy")
        let person = try await t.person("esimies@example.fi", "Eeva Esimies")
        try await t.member("A1", "esimies@example.fi", .supervisor)
        // The first check reads the database and fills the cache.
        #expect(try await t.kanava.access.channel(Self.account, for: .person(person)).role == .supervisor)
        return person
    }

    @Test(arguments: Backend.all) func aRemovedMemberIsDeniedAtOnce(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let person = try await setUp(t)
            try await t.kanava.accounts.removeMember(Self.account, person: person.id, by: TestInstallation.system)
            await #expect(throws: KanavaError.self) {
                try await t.kanava.chat.send(Self.account, MessageDraft(clientId: "c1", body: "Vielä täällä?"), by: .person(person))
            }
        }
    }

    @Test(arguments: Backend.all) func aNewMemberAndARoleChangeAreSeenAtOnce(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let person = try await setUp(t)
            try await t.kanava.accounts.changeRole(Self.account, person: person.id, role: "account_director", by: TestInstallation.system)
            #expect(try await t.kanava.access.channel(Self.account, for: .person(person)).role == .accountDirector)

            try await t.account("A2", "Kaksi Oy")
            let other = try AccountID.parse("A2")
            await #expect(throws: KanavaError.self) { try await t.kanava.access.channel(other, for: .person(person)) }
            try await t.member("A2", "esimies@example.fi", .sales)
            #expect(try await t.kanava.access.channel(other, for: .person(person)).role == .sales)
        }
    }

    @Test(arguments: Backend.all) func aRosterSyncThatDropsAMemberEndsTheirAccess(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let header = "account_id;account_name;site;city;person_email;person_name;role\r\n"
            let both = header + "A1;Yksi Oy;;;esimies@example.fi;Eeva Esimies;supervisor\r\nA1;Yksi Oy;;;toinen@example.fi;Toni Toinen;supervisor\r\n"
            #expect(try await t.kanava.roster.sync(data: Data(both.utf8), source: "test", by: TestInstallation.system).status == .applied)
            let person = try #require(try await t.store.person(email: "esimies@example.fi"))
            #expect(try await t.kanava.access.channel(Self.account, for: .person(person)).role == .supervisor)

            let without = header + "A1;Yksi Oy;;;toinen@example.fi;Toni Toinen;supervisor\r\n"
            let outcome = try await t.kanava.roster.sync(data: Data(without.utf8), source: "test", by: TestInstallation.system, force: true)
            #expect(outcome.status == .applied)
            await #expect(throws: KanavaError.self) { try await t.kanava.access.channel(Self.account, for: .person(person)) }
        }
    }

    /// A `kanava` command in another process removes the member: this process learns of it from the event log (the
    /// server's ``EventLogFollower`` tells the bus of the new head; here the test does).
    @Test(arguments: Backend.all) func aRemovalByAnotherProcessEndsAccessOnceTheBusReadsIt(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let person = try await setUp(t)
            var logger = Logger(label: "other-process")
            logger.logLevel = .error
            let other = try await Kanava.open(config: t.kanava.config, clock: t.clock, logger: logger)
            try await other.accounts.removeMember(Self.account, person: person.id, by: TestInstallation.system)
            #expect(try await t.kanava.access.channel(Self.account, for: .person(person)).role == .supervisor, "not yet heard of")

            t.kanava.bus.publishHead(Self.account, try await t.store.head(of: Self.account))
            try await withTimeout(5, "the bus reading the removal") {
                while (try? await t.kanava.access.channel(Self.account, for: .person(person))) != nil {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
        }
    }
}
