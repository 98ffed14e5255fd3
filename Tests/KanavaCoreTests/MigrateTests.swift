import Foundation
import GRDB
import KanavaCore
import KanavaTestSupport
import Logging
import Testing

/// `kanava migrate`: an installation's SQLite database copied into PostgreSQL, verified, and then served from there.
@Suite(.enabled(if: Backend.all.contains(.postgres), "needs PostgreSQL")) struct MigrateTests {
    /// An SQLite installation with people, accounts from a roster, the demo, chat with edits and a thread, a notice
    /// with an acknowledgement and a section page.
    private func seededSQLite(_ t: TestInstallation) async throws {
        _ = try await DemoSeeder(kanava: t.kanava).seedIfEmpty()
        let director = try #require(try await t.store.person(email: "johtaja@kanava.example"))
        let account = try #require(try await t.kanava.accounts.list(for: .person(director)).first).id
        var last: MessageID?
        for n in 1...30 {
            let sent = try await t.kanava.chat.send(account, MessageDraft(clientId: "m\(n)", body: "Viesti \(n): pöytäkirja ja äänestys", threadRoot: n > 25 ? last : nil),
                                                    by: .person(director))
            if n == 25 { last = sent.message.id }
        }
        _ = try await t.kanava.chat.edit(account, try #require(last), body: "Korjattu pöytäkirja", by: .person(director))
        let notice = try await t.kanava.notices.post(account, NoticeDraft(clientId: "n1", priority: "urgent", title: "Vesivahinko", body: "Kellari suljettu.", expiresAt: nil), by: .person(director))
        _ = try await t.kanava.notices.acknowledge(account, notice.notice.id, by: .person(director))
        let page = try #require(try await t.kanava.sections.list(account, for: .person(director)).first)
        _ = try await t.kanava.sections.save(account, key: page.key, body: "# Yhteystiedot\n\nÄänekoski", baseRevision: page.revision, by: .person(director))
    }

    @Test func anInstallationMovesToPostgreSQLWithEveryTableCountedAndHashed() async throws {
        try await withInstallation(.sqlite) { source in
            try await seededSQLite(source)
            let target = try await TestPostgres.shared.createEmptyDatabase()
            defer { Task { await TestPostgres.shared.dropDatabase(target) } }

            let reports = try await SQLiteToPostgres(source: Kanava.databasePath(source.kanava.config), target: target,
                                                     logger: Logger(label: "migrate-test")).run()
            let queue = try DatabaseQueue(path: Kanava.databasePath(source.kanava.config))
            for table in ["person", "account", "membership", "channel_event", "message", "message_edit", "notice", "notice_ack", "section_revision"] {
                let count = try await queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
                #expect(count > 0, "the seed put nothing into \(table)")
                #expect(reports.first { $0.table == table }?.rows == count, "\(table)")
            }
            #expect(!reports.contains { $0.table.hasSuffix("_search") })

            // The copy serves: the same accounts, messages (searchable, so the search tables were filled), people.
            var config = source.kanava.config
            config.database.url = target.connectionString
            let moved = try await Kanava.open(config: config, clock: source.clock, logger: Logger(label: "migrated"))
            let director = try #require(try await moved.store.person(email: "johtaja@kanava.example"))
            #expect(try await moved.accounts.list(for: .person(director)).map(\.name)
                == source.kanava.accounts.list(for: .person(director)).map(\.name))
            let account = try #require(try await moved.accounts.list(for: .person(director)).first).id
            let history = try await moved.chat.history(account, .channel, before: nil, limit: 50, for: .person(director))
            #expect(history.messages.count == 25)
            #expect(try await moved.search.search("pöytäkir", in: account, limit: 50, for: .person(director)).messages.count >= 25)
            // New rows continue after the copied ids.
            let next = try await moved.chat.send(account, MessageDraft(clientId: "after", body: "Jatkuu"), by: .person(director))
            #expect(next.message.id.rawValue > 30)
            await moved.store.close()
        }
    }

    @Test func aTargetThatAlreadyHasDataIsRefusedAndLeftAsItWas() async throws {
        try await withInstallation(.sqlite) { source in
            try await seededSQLite(source)
            try await withInstallation(.postgres) { target in
                try await target.person("jo.siella@example.fi")
                let url = try PostgresURL(target.kanava.config.database.url)
                await #expect(throws: CopyError.self) {
                    _ = try await SQLiteToPostgres(source: Kanava.databasePath(source.kanava.config), target: url,
                                                   logger: Logger(label: "migrate-test")).run()
                }
                #expect(try await target.store.countPeople() == 1)
            }
        }
    }
}
