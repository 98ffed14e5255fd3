import Foundation
import GRDB
import KanavaCore
import KanavaTestSupport
import Testing

@Suite("Audit log")
struct AuditTests {
    static let csv = """
        account_id;account_name;site;city;person_email;person_name;role
        A1;Wärtsi kirjasto;Wärtsi 1;Tampere;johtaja@example.fi;Johtaja;account_director
        A1;Wärtsi kirjasto;Wärtsi 1;Tampere;esimies@example.fi;Esimies;supervisor
        """

    @Test(arguments: Backend.all) func signInsPermissionsRosterNoticesContentAndIntegrationsAreRecordedWithWhoWhatAndWhere(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let admin = Principal.person(try await t.person("admin@example.fi", "Admin", global: .admin))
            let a1 = try AccountID.parse("A1")
            try await AuditContext.$address.withValue("203.0.113.7") {
                _ = try await t.kanava.roster.sync(data: Data(Self.csv.utf8), source: "yö.csv", by: admin)
                try await t.kanava.people.setPassword(email: "johtaja@example.fi", password: TestInstallation.password, by: admin)
                _ = try await t.kanava.auth.signIn(email: "johtaja@example.fi", password: TestInstallation.password, address: "203.0.113.7", userAgent: nil)
                await #expect(throws: KanavaError.self) {
                    try await t.kanava.auth.signIn(email: "johtaja@example.fi", password: "wrong password", address: "203.0.113.7", userAgent: nil)
                }
                let director = Principal.person(try await t.store.person(email: "johtaja@example.fi")!)
                _ = try await t.kanava.people.setGlobalRole(email: "esimies@example.fi", role: .board, by: admin)
                _ = try await t.kanava.notices.post(a1, NoticeDraft(clientId: nil, priority: "urgent", title: "Avaimet", body: "Kuittaa.", expiresAt: nil),
                                                    by: director)
                _ = try await t.kanava.sections.save(a1, key: "overview", body: "Perustiedot", baseRevision: 0, by: director)
                _ = try await t.kanava.webhooks.create(a1, name: "Valvonta", by: director)
                _ = try await t.kanava.bots.create(name: "Raportit", channels: ["A1"], by: admin)
            }
            // Newest first; the oldest is the test's own setup (the admin added).
            let all = try await t.kanava.audit.list(AuditQuery(), by: admin)
            #expect(all.last?.action == .personAdded)
            let entries = Array(all.dropLast())
            #expect(entries.map(\.action) == [.botCreated, .webhookCreated, .sectionSaved, .noticePosted, .globalRoleChanged, .signInFailed,
                                              .signIn, .passwordSet, .rosterSync])
            #expect(entries.allSatisfy { $0.address == "203.0.113.7" })
            let byAction = Dictionary(entries.map { ($0.action, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(byAction[.rosterSync]?.detail["added"] == "2")
            #expect(byAction[.rosterSync]?.actor == admin.label)
            #expect(byAction[.signInFailed]?.actor == "anonymous")
            #expect(byAction[.signInFailed]?.detail["email"] == "johtaja@example.fi")
            #expect(byAction[.noticePosted]?.account == a1)
            #expect(byAction[.sectionSaved]?.target == "section:overview")
            #expect(byAction[.globalRoleChanged]?.detail["globalRole"] == "board")

            // Filters and paging.
            let notices = try await t.kanava.audit.list(AuditQuery(account: a1, action: .noticePosted), by: admin)
            #expect(notices.count == 1)
            let page = try await t.kanava.audit.list(AuditQuery(before: entries[2].id, limit: 2), by: admin)
            #expect(page.map(\.id) == [entries[3].id, entries[4].id])
        }
    }

    @Test(arguments: Backend.all) func onlyAdminsReadTheLogAndNothingInTheApplicationCanChangeIt(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let admin = Principal.person(try await t.person("admin@example.fi", "Admin", global: .admin))
            let board = Principal.person(try await t.person("hallitus@example.fi", "Hallitus", global: .board))
            _ = try await t.kanava.people.setGlobalRole(email: "hallitus@example.fi", role: .board, by: admin)
            await #expect(throws: KanavaError.forbidden) { try await t.kanava.audit.list(AuditQuery(), by: board) }
            await #expect(throws: KanavaError.self) { try await t.kanava.audit.list(AuditQuery(limit: 501), by: admin) }

            // The database refuses: SQLite's triggers abort, PostgreSQL's raise an integrity violation (a conflict).
            for statement in ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"] {
                await #expect(performing: { try await t.execute(statement) }, throws: { error in
                    t.backend == .sqlite ? error is DatabaseError : (error as? KanavaError)?.code == .conflict
                })
            }
            if t.backend == .postgres {
                await #expect(throws: KanavaError(.conflict, "the change conflicts with existing data")) { try await t.execute("TRUNCATE audit_log") }
            }
            #expect(try await t.kanava.audit.list(AuditQuery(), by: admin).map(\.action) == [.globalRoleChanged, .personAdded, .personAdded])
        }
    }
}
