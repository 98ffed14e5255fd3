import Crypto
import Foundation
import GRDB
@testable import KanavaCore
import KanavaTestSupport
import Testing

/// Two accounts with the same kinds of data in every feature, written through the services. Maija Meikäläinen is a
/// supervisor in A1 only; B2's texts all say "B2" so that none of them can turn up in A1's export unnoticed.
struct PrivacyWorld {
    static let a1 = AccountID(rawValue: "A1")!
    static let b2 = AccountID(rawValue: "B2")!
    static let maijaEmail = "maija.meikalainen@example.fi"
    static let maijaName = "Maija Meikäläinen"

    var director: Principal
    var maija: Person
    var otherDirector: Principal
    /// A1's messages: the edited one, the deleted one and the private one.
    var edited: MessageID
    var deleted: MessageID
    var privateMessage: MessageID

    static func make(_ t: TestInstallation) async throws -> PrivacyWorld {
        try await t.account("A1", "Asiakas Oy")
        try await t.account("B2", "Toinen Oy")
        let director = Principal.person(try await t.person("johtaja@example.fi", "Johanna Johtaja"))
        let maija = try await t.person(maijaEmail, maijaName)
        let otherDirector = Principal.person(try await t.person("toinen@example.fi", "Toinen Johtaja"))
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", maijaEmail, .supervisor)
        try await t.member("B2", "toinen@example.fi", .accountDirector)

        let mine = try await fill(t, a1, tag: "A1", director: director, member: .person(maija), pdf: DocumentFixture.pdf)
        _ = try await fill(t, b2, tag: "B2", director: otherDirector, member: otherDirector, pdf: DocumentFixture.pdf2)
        return PrivacyWorld(director: director, maija: maija, otherDirector: otherDirector, edited: mine.edited, deleted: mine.deleted,
                            privateMessage: mine.privateMessage)
    }

    /// Writes one account's data; every text carries `tag`.
    static func fill(_ t: TestInstallation, _ account: AccountID, tag: String, director: Principal, member: Principal,
                     pdf: Data) async throws -> (edited: MessageID, deleted: MessageID, privateMessage: MessageID) {
        let k = t.kanava
        _ = try await k.sections.save(account, key: "overview", body: "\(tag) perustiedot", baseRevision: 0, by: director)
        _ = try await k.sections.save(account, key: "overview", body: "\(tag) perustiedot, tarkennettu", baseRevision: 1, by: director)
        _ = try await k.documents.addFile(account, section: "contracts", DocumentInput(kind: "contract", status: "in_force", validFrom: "2025-01-01",
                                                                                      validUntil: "2027-12-31"),
                                          file: FileInput(name: "\(tag) sopimus v1.pdf", contentType: "application/pdf", length: pdf.count),
                                          content: DocumentFixture.stream(pdf), by: director)
        let first = try await k.chat.send(account, MessageDraft(clientId: "1", body: "\(tag) ensimmäinen"), by: member).message
        _ = try await k.chat.send(account, MessageDraft(clientId: "2", body: "\(tag) vastaus", threadRoot: first.id), by: director)
        _ = try await k.chat.edit(account, first.id, body: "\(tag) ensimmäinen, korjattu", by: member)
        let gone = try await k.chat.send(account, MessageDraft(clientId: "3", body: "\(tag) poistettava"), by: member).message
        try await k.chat.delete(account, gone.id, by: member)
        let own = member.person?.id == director.person?.id
        let ask = try await k.chat.send(account, MessageDraft(clientId: "4", body: "\(tag) kysymys johtajalle", privateWith: own ? nil : member.person?.id),
                                        by: member).message
        try await k.chat.markRead(account, upTo: ask.id, by: member)
        let notice = try await k.notices.post(account, NoticeDraft(clientId: nil, priority: "urgent", title: "\(tag) avaimet", body: "Kuittaa.",
                                                                   expiresAt: nil), by: director).notice
        if !own { _ = try await k.notices.acknowledge(account, notice.id, by: member) }
        let visit = try await k.annualClock.create(account, ClockEventInput(title: "\(tag) laatukäynti", kind: "quality_visit", owner: "supervisor",
                                                                            start: "2026-01-15", leadDays: 7), by: director)
        _ = try await k.annualClock.mark(account, visit.id, date: "2026-01-15", status: "done", note: "\(tag) kunnossa", by: member)
        let month = currentMonth(t)
        let card = try await k.qualityCards.save(account, month: month, QualityCardInput(status: "green", summary: "\(tag) hyvä kuukausi"), by: director)
        _ = try await k.qualityCards.submit(account, month: month, version: try #require(card.card).version, by: director)
        _ = try await k.qualityCards.save(account, month: month, QualityCardInput(summary: "\(tag) korjaus"), by: director)
        let bucket = try await k.planner.createBucket(account, name: "\(tag) tehtävät", by: director)
        let task = try await k.planner.createTask(account, PlannerTaskInput(bucket: bucket.id, title: "\(tag) katselmus"), by: director)
        _ = try await k.planner.addComment(account, task.id, body: "\(tag) hoidan", by: member)
        let feedback = try await k.feedback.post(account, FeedbackInput(kind: "idea", body: "\(tag) nimetön idea", anonymous: true), by: member)
        _ = try await k.feedback.answer(account, feedback.id, FeedbackAnswerInput(body: "\(tag) kiitos", status: "in_progress"), by: director)
        _ = try await k.memos.create(account, MemoInput(title: "\(tag) palaveri", meetingDate: "2026-02-01", participants: ["\(tag) osallistuja"],
                                                        body: "\(tag) muistio"), by: director)
        return (first.id, gone.id, ask.id)
    }

    static func currentMonth(_ t: TestInstallation) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Helsinki")!
        let parts = calendar.dateComponents([.year, .month], from: t.clock.now())
        return String(format: "%04d-%02d", parts.year!, parts.month!)
    }
}

/// Reads an export's JSON files back.
struct ExportReader {
    let directory: URL

    func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    func list(_ name: String) throws -> [[String: Any]] { try #require(try json(name) as? [[String: Any]]) }

    func object(_ name: String) throws -> [String: Any] { try #require(try json(name) as? [String: Any]) }

    /// Every file of the archive, as text (for "nothing of B2 here").
    func allText() throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        return try names.map { String(decoding: try Data(contentsOf: directory.appendingPathComponent($0)), as: UTF8.self) }.joined()
    }
}

func scratchDirectory(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("kanava-\(name)-\(UUID().uuidString)")
}

@Suite("Account export")
struct ExportTests {
    @Test(arguments: Backend.all) func theArchiveHoldsTheWholeChannelAndNothingOfAnotherAccount(_ backend: Backend) async throws {
        let destination = scratchDirectory("export")
        defer { try? FileManager.default.removeItem(at: destination) }
        try await withInstallation(backend) { t in
            let world = try await PrivacyWorld.make(t)
            let manifest = try await t.kanava.exports.export(PrivacyWorld.a1, to: destination, by: .system("cli"))
            let archive = ExportReader(directory: destination)

            // The manifest describes every file, with counts matching the files.
            let stored = try archive.object("manifest.json")
            #expect(stored["format"] as? Int == 1)
            #expect((stored["kanavaMigrations"] as? [String])?.count == Migrations.migrator.migrations.count)
            let entries = try #require(stored["contents"] as? [[String: Any]])
            #expect(Set(entries.compactMap { $0["path"] as? String }) == ["account.json", "sections.json", "documents.json", "messages.json",
                "notices.json", "clock.json", "cards.json", "planner.json", "feedback.json", "memos.json"])
            #expect(entries.allSatisfy { ($0["description"] as? String)?.isEmpty == false })
            #expect(try #require(stored["notes"] as? [String]).contains { $0.contains("private 'ask the director' conversations") })
            let counts = Dictionary(uniqueKeysWithValues: manifest.contents.map { ($0.path, $0.counts) })

            let account = try archive.object("account.json")
            #expect(account["name"] as? String == "Asiakas Oy")
            let members = try #require(account["members"] as? [[String: Any]])
            #expect(members.count == 2 && counts["account.json"]?["members"] == 2)
            #expect(members.contains { ($0["person"] as? [String: Any])?["email"] as? String == PrivacyWorld.maijaEmail && $0["role"] as? String == "supervisor" })

            // A section's revisions in order, with author and body.
            let overview = try #require(try archive.list("sections.json").first { $0["key"] as? String == "overview" })
            let revisions = try #require(overview["revisions"] as? [[String: Any]])
            #expect(revisions.map { $0["number"] as? Int } == [1, 2])
            #expect(revisions.map { $0["body"] as? String } == ["A1 perustiedot", "A1 perustiedot, tarkennettu"])
            #expect((revisions[0]["author"] as? [String: Any])?["name"] as? String == "Johanna Johtaja")
            #expect(revisions[0]["at"] is String)

            // A document file's bytes and hash.
            let document = try #require(try archive.list("documents.json").first)
            #expect(document["contractStatus"] as? String == "in_force" && document["validUntil"] as? String == "2027-12-31")
            let versions = try #require(document["versions"] as? [[String: Any]])
            let file = try #require(versions.first?["file"] as? [String: Any])
            let path = try #require(file["path"] as? String)
            let sha256 = SHA256.hash(data: DocumentFixture.pdf).map { String(format: "%02x", $0) }.joined()
            #expect(path == "files/\(sha256)-A1_sopimus_v1.pdf")
            let bytes = try Data(contentsOf: destination.appendingPathComponent(path))
            #expect(bytes == DocumentFixture.pdf && file["sha256"] as? String == sha256)
            #expect(manifest.files.map(\.path) == [path])

            // Messages: thread reply, an edit's earlier text, the deleted one marked, the private one included.
            let messages = try archive.list("messages.json")
            #expect(messages.count == 4 && counts["messages.json"]?["messages"] == 4)
            let edited = try #require(messages.first { $0["id"] as? Int64 == world.edited.rawValue })
            #expect(edited["body"] as? String == "A1 ensimmäinen, korjattu")
            #expect((edited["edits"] as? [[String: Any]])?.map { $0["body"] as? String } == ["A1 ensimmäinen"])
            #expect(messages.contains { $0["threadRoot"] as? Int64 == world.edited.rawValue })
            let deleted = try #require(messages.first { $0["id"] as? Int64 == world.deleted.rawValue })
            #expect(deleted["deleted"] as? Bool == true && deleted["body"] as? String == "A1 poistettava")
            let ask = try #require(messages.first { $0["id"] as? Int64 == world.privateMessage.rawValue })
            #expect((ask["privateWith"] as? [String: Any])?["id"] as? Int64 == world.maija.id.rawValue)

            let notice = try #require(try archive.list("notices.json").first)
            let acks = try #require(notice["acknowledgements"] as? [[String: Any]])
            #expect(acks.count == 1 && (acks[0]["person"] as? [String: Any])?["email"] as? String == PrivacyWorld.maijaEmail)

            let event = try #require(try archive.list("clock.json").first { $0["title"] as? String == "A1 laatukäynti" })
            let marks = try #require(event["occurrences"] as? [[String: Any]])
            #expect(marks.count == 1 && marks[0]["status"] as? String == "done" && marks[0]["note"] as? String == "A1 kunnossa")

            let cards = try archive.list("cards.json")
            #expect(cards.map { $0["version"] as? Int } == [1, 2])
            #expect(cards[0]["figures"] is [String: Any] && cards[0]["submittedAt"] is String)
            #expect(cards[1]["summary"] as? String == "A1 korjaus" && cards[1]["submittedAt"] == nil)

            let buckets = try archive.list("planner.json")
            let tasks = try #require(buckets.first { $0["name"] as? String == "A1 tehtävät" }?["tasks"] as? [[String: Any]])
            #expect((tasks.first?["comments"] as? [[String: Any]])?.first?["body"] as? String == "A1 hoidan")

            let feedback = try #require(try archive.list("feedback.json").first)
            #expect(feedback["anonymous"] as? Bool == true)
            #expect((feedback["author"] as? [String: Any])?["email"] as? String == PrivacyWorld.maijaEmail)
            #expect((feedback["replies"] as? [[String: Any]])?.first?["status"] as? String == "in_progress")

            #expect(try archive.list("memos.json").map { $0["title"] as? String } == ["A1 palaveri"])

            // Nothing of B2.
            let text = try archive.allText()
            #expect(!text.contains("B2") && !text.contains("toinen@example.fi") && !text.contains("Toinen"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: destination.appendingPathComponent("files").path).count == 1)

            // Recorded in the audit log, by the command line.
            let audit = try await t.kanava.audit.list(AuditQuery(action: .export), by: .system("test"))
            #expect(audit.count == 1 && audit[0].actor == "system:cli" && audit[0].account == PrivacyWorld.a1)
        }
    }

    @Test(arguments: Backend.all) func aMissingAccountOrAnExistingDestinationMakesNothing(_ backend: Backend) async throws {
        let parent = scratchDirectory("export-parent")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        try await withInstallation(backend) { t in
            _ = try await PrivacyWorld.make(t)
            let destination = parent.appendingPathComponent("out")
            await #expect(throws: ExportError.self) {
                try await t.kanava.exports.export(AccountID(rawValue: "NOPE")!, to: destination, by: .system("cli"))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
            try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
            await #expect(throws: ExportError.self) { try await t.kanava.exports.export(PrivacyWorld.a1, to: destination, by: .system("cli")) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["out"])
            // A damaged document file stops the export, and nothing is left behind.
            try FileManager.default.removeItem(at: destination)
            let blobs = FileManager.default.enumerator(atPath: t.directory.appendingPathComponent("files").path)?.allObjects as? [String] ?? []
            for blob in blobs where blob.split(separator: "/").count == 3 && !blob.hasPrefix("tmp") {
                try Data("damaged".utf8).write(to: t.directory.appendingPathComponent("files").appendingPathComponent(blob))
            }
            await #expect(throws: ExportError.self) { try await t.kanava.exports.export(PrivacyWorld.a1, to: destination, by: .system("cli")) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
            // A file's name in the archive cannot leave files/ nor hide itself.
            #expect(AccountExport.filePath(sha256: "ab", name: "../x/y z.pdf") == "files/ab-_x_y_z.pdf")
            #expect(AccountExport.filePath(sha256: "ab", name: "...") == "files/ab-file")
            // Members cannot export.
            await #expect(throws: KanavaError.forbidden) {
                try await t.kanava.exports.export(PrivacyWorld.a1, to: destination, by: .person(try #require(await t.store.person(email: "johtaja@example.fi"))))
            }
        }
    }
}
