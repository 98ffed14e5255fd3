import Foundation
import GRDB
@testable import KanavaCore
import KanavaTestSupport
import Testing

/// Every `table.column` of the database whose text contains `needle` (the e-mail compared without case), FTS and
/// shadow tables included.
func traces(of needle: String, caseInsensitive: Bool, in path: String) throws -> [String] {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    defer { try? queue.close() }
    return try queue.read { db in
        var found: [String] = []
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        for table in tables {
            for column in try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map({ $0["name"] as String }) {
                let value = "CAST(\(column.quotedDatabaseIdentifier) AS TEXT)"
                let condition = caseInsensitive ? "instr(lower(\(value)), lower(?)) > 0" : "instr(\(value), ?) > 0"
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.quotedDatabaseIdentifier) WHERE \(condition)", arguments: [needle]) ?? 0 > 0 {
                    found.append("\(table).\(column)")
                }
            }
        }
        return found
    }
}

@Suite("Person erasure")
struct ErasureTests {
    /// Maija's session, calendar feed, a mail to her and a roster history line, beside what ``PrivacyWorld`` wrote.
    static func more(_ t: TestInstallation, _ world: PrivacyWorld) async throws {
        _ = try await t.kanava.auth.signIn(email: PrivacyWorld.maijaEmail, password: TestInstallation.password, address: nil, userAgent: nil)
        _ = try await t.kanava.calendarFeeds.create(by: .person(world.maija))
        // Mentioned (in lower case) by the director: the stored mention names her, the text is the director's.
        _ = try await t.kanava.chat.send(PrivacyWorld.a1, MessageDraft(clientId: "m", body: "@maija meikäläinen katso tämä"), by: world.director)
        if let postgres = t.postgres {
            try await postgres.write("test") { db in
                try await db.execute("""
                    INSERT INTO mail_outbox (recipient, recipient_name, subject, text, purpose, created_at, next_attempt_at)
                    VALUES (\(PrivacyWorld.maijaEmail.uppercased()), \(PrivacyWorld.maijaName), 'Muistutus', 'Kuittaa tiedote.', 'notice_reminder',
                            \(Date()), \(Date()))
                    """)
                try await db.execute("""
                    WITH sync AS (
                        INSERT INTO roster_sync (at, source, file_hash, actor, forced, outcome, summary)
                        VALUES (\(Date()), 'roster.csv', 'x', 'system:roster', FALSE, 'applied', '{}') RETURNING id)
                    INSERT INTO roster_change (sync_id, kind, account_id, email, role) SELECT id, 'added', 'A1', \(PrivacyWorld.maijaEmail), 'supervisor' FROM sync
                    """)
            }
            return
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: Kanava.databasePath(t.kanava.config), configuration: configuration)
        defer { try? queue.close() }
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO mail_outbox (recipient, recipient_name, subject, text, purpose, created_at, next_attempt_at)
                VALUES (?, ?, 'Muistutus', 'Kuittaa tiedote.', 'notice_reminder', ?, ?);
                INSERT INTO roster_sync (at, source, file_hash, actor, forced, outcome, summary) VALUES (?, 'roster.csv', 'x', 'system:roster', 0, 'applied', '{}');
                INSERT INTO roster_change (sync_id, kind, account_id, email, role) VALUES (last_insert_rowid(), 'added', 'A1', ?, 'supervisor');
                """, arguments: [PrivacyWorld.maijaEmail.uppercased(), PrivacyWorld.maijaName, Date(), Date(), Date(), PrivacyWorld.maijaEmail])
        }
    }

    @Test(arguments: Backend.all) func noTraceOfTheEmailOrNameIsLeftAndTheRecordsStay(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let world = try await PrivacyWorld.make(t)
            try await Self.more(t, world)
            #expect(try await t.traces(of: PrivacyWorld.maijaEmail, caseInsensitive: true).count >= 5)
            #expect(try await t.traces(of: PrivacyWorld.maijaName, caseInsensitive: false).contains("message.mentions"))
            let before = try await t.tableDigests()
            let head = try await t.store.head(of: PrivacyWorld.a1)

            // A dry run tells what would change and changes nothing.
            let dry = try await t.kanava.erasure.erase(email: PrivacyWorld.maijaEmail, dryRun: true, by: .system("cli"))
            guard case .erased(let id, let counts) = dry else { Issue.record("dry run: \(dry)"); return }
            #expect(id == world.maija.id)
            #expect(counts.memberships == 1 && counts.sessions == 1 && counts.calendarFeeds == 1 && counts.mails == 1)
            #expect(counts.rosterEntries == 1 && counts.readMarkers == 1 && counts.mentions == 1 && counts.events > 3)
            #expect(try await t.tableDigests() == before)

            let outcome = try await t.kanava.erasure.erase(email: PrivacyWorld.maijaEmail, dryRun: false, by: .system("cli"))
            #expect(outcome == .erased(world.maija.id, counts))
            #expect(try await t.traces(of: PrivacyWorld.maijaEmail, caseInsensitive: true) == [])
            // The director's text still says '@maija meikäläinen' (texts are not rewritten); no stored name or e-mail is left.
            #expect(try await t.traces(of: PrivacyWorld.maijaName, caseInsensitive: false) == [])
            #expect(try await t.traces(of: "Meikäläinen", caseInsensitive: false) == [])

            let person = try #require(try await t.store.person(world.maija.id))
            #expect(person.name == "Poistettu henkilö" && person.email == "erased-\(world.maija.id)@erased.invalid")
            #expect(person.globalRole == nil && person.language == nil)
            #expect(try await t.store.credentials(email: person.email)?.passwordHash == nil)
            #expect(try await t.store.membership(of: world.maija.id, in: PrivacyWorld.a1) == nil)

            // Her messages stay, now by the erased person; so do her acknowledgement and anonymous feedback.
            let page = try await t.kanava.chat.history(PrivacyWorld.a1, .channel, before: nil, limit: 50, for: world.director)
            let hers = page.messages.filter { $0.author?.id == world.maija.id }
            #expect(!hers.isEmpty && hers.allSatisfy { $0.author?.name == "Poistettu henkilö" })
            let edits = try await t.kanava.chat.edits(PrivacyWorld.a1, world.edited, for: world.director)
            #expect(edits.edits.first?.replacedBy?.name == "Poistettu henkilö")
            let mention = try #require(page.messages.first { $0.body?.hasPrefix("@maija") == true })
            #expect(mention.mentions.map(\.name) == ["Poistettu henkilö"])
            let kept = try await t.texts("""
                SELECT CAST(COUNT(*) AS TEXT) FROM notice_ack WHERE person_id = \(world.maija.id.rawValue)
                UNION ALL SELECT CAST(COUNT(*) AS TEXT) FROM feedback WHERE author_id = \(world.maija.id.rawValue)
                UNION ALL SELECT CAST(COUNT(*) AS TEXT) FROM message WHERE author_id = \(world.maija.id.rawValue)
                """)
            #expect(kept == ["1", "1", "3"])

            // The channel heard that she left, as the erased person.
            let events = try await t.store.events(in: PrivacyWorld.a1, after: head, limit: 10)
            #expect(events.map(\.kind) == [.membershipRemoved] && events[0].subject == world.maija.id)

            let audit = try await t.kanava.audit.list(AuditQuery(action: .erasure), by: .system("test"))
            #expect(audit.count == 1 && audit[0].target == "person:\(world.maija.id)" && audit[0].actor == "system:cli")
            #expect(audit[0].detail["memberships"] == "1" && audit[0].detail["sessions"] == "1")

            // Again: the erased e-mail says so, the old one is no longer known.
            #expect(try await t.kanava.erasure.erase(email: person.email, dryRun: false, by: .system("cli")) == .alreadyErased(world.maija.id))
            await #expect(throws: KanavaError(.notFound, "no person has the e-mail \(PrivacyWorld.maijaEmail) (an erased person's former e-mail is not kept)")) {
                _ = try await t.kanava.erasure.erase(email: PrivacyWorld.maijaEmail, dryRun: false, by: .system("cli"))
            }
            #expect(try await t.kanava.audit.list(AuditQuery(action: .erasure), by: .system("test")).count == 1)
        }
    }

    @Test(arguments: Backend.all) func badInputAndNonAdminsChangeNothing(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let world = try await PrivacyWorld.make(t)
            await #expect(throws: KanavaError.invalid("email", "'not an address' is not an e-mail address")) {
                _ = try await t.kanava.erasure.erase(email: "not an address", dryRun: false, by: .system("cli"))
            }
            await #expect(throws: KanavaError.forbidden) {
                _ = try await t.kanava.erasure.erase(email: PrivacyWorld.maijaEmail, dryRun: false, by: world.director)
            }
            #expect(try await t.store.person(world.maija.id)?.email == PrivacyWorld.maijaEmail)
        }
    }
}
