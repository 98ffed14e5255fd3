import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// `kanava export` and `kanava erase-person`: the erased person's open socket, and both commands through the real binary.
@Suite("Export and erasure")
struct PrivacyTests {
    private static func setUp(_ t: TestInstallation) async throws {
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("esimies@example.fi", "Ville Öhman")
        try await t.account("A1", "Östra kiinteistö Ab")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "esimies@example.fi", .supervisor)
        let ville = try #require(try await t.store.person(email: "esimies@example.fi"))
        _ = try await t.kanava.chat.send(try AccountID.parse("A1"), MessageDraft(clientId: "1", body: "Hei kaikki"), by: .person(ville))
    }

    @Test func anErasedPersonsOpenSocketIsCutFromTheChannel() async throws {
        try await withServer { server in
            try await Self.setUp(server.installation)
            let browser = try await server.signedIn("esimies@example.fi")
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: browser.cookie)
            _ = try await client.reply(to: try client.subscribe([("A1", nil)]))
            let ville = try #require(try await server.kanava.store.person(email: "esimies@example.fi"))

            _ = try await server.kanava.erasure.erase(email: "esimies@example.fi", dryRun: false, by: .system("cli"))
            let removal = try await client.next(where: { $0["type"] as? String == "event" }, timeout: 2)
            #expect(removal.match["kind"] as? String == "membership.removed")
            #expect(removal.match.value("data", "person", "id") as? Int == Int(ville.id.rawValue))
            #expect(removal.match.value("data", "person", "name") as? String == "Poistettu henkilö")

            // Nothing more of the channel reaches the socket, and the session is over.
            _ = try await server.kanava.accounts.update(try AccountID.parse("A1"), name: "Uusi nimi", startDate: nil, by: TestInstallation.system)
            #expect(await client.isQuiet(for: 0.3))
            #expect(try await browser.request(.get, "/api/accounts", body: nil).status == .unauthorized)
            await client.close()
        }
    }

    @Test func theCommandsRoundTripThroughTheBinary() async throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-cli-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        try await withInstallation { t in
            try await Self.setUp(t)
            let destination = parent.appendingPathComponent("A1")
            #expect(try await KanavaProcess(["export", "A1", destination.path], dataDir: t.directory).wait() == 0)
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: destination.appendingPathComponent("manifest.json"))) as? [String: Any]
            #expect((manifest?["account"] as? [String: Any])?["id"] as? String == "A1")
            let messages = try JSONSerialization.jsonObject(with: Data(contentsOf: destination.appendingPathComponent("messages.json"))) as? [Any]
            #expect(messages?.count == 1)

            // A missing account, or a destination that exists: exit 1, the reason printed, nothing made.
            let missing = try KanavaProcess(["export", "NOPE", parent.appendingPathComponent("nope").path], dataDir: t.directory)
            _ = try await missing.output.wait(for: "the reason", timeout: .seconds(60)) { $0.contains("there is no account NOPE") ? true : nil }
            #expect(await missing.wait() == 1)
            #expect(try await KanavaProcess(["export", "A1", destination.path], dataDir: t.directory).wait() == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["A1"])

            // Erasure: a dry run changes nothing; then erased; the old e-mail is unknown; the erased one says so.
            #expect(try await KanavaProcess(["erase-person", "esimies@example.fi", "--dry-run"], dataDir: t.directory).wait() == 0)
            let ville = try #require(try await t.store.person(email: "esimies@example.fi"))
            #expect(try await KanavaProcess(["erase-person", "esimies@example.fi"], dataDir: t.directory).wait() == 0)
            #expect(try await t.store.person(ville.id)?.name == "Poistettu henkilö")
            let unknown = try KanavaProcess(["erase-person", "esimies@example.fi"], dataDir: t.directory)
            _ = try await unknown.output.wait(for: "the reason", timeout: .seconds(60)) { $0.contains("no person has the e-mail") ? true : nil }
            #expect(await unknown.wait() == 1)
            let again = try KanavaProcess(["erase-person", "erased-\(ville.id)@erased.invalid"], dataDir: t.directory)
            _ = try await again.output.wait(for: "the answer", timeout: .seconds(60)) { $0.contains("already erased") ? true : nil }
            #expect(await again.wait() == 0)
            let audit = try await t.kanava.audit.list(AuditQuery(), by: .system("test"))
            #expect(audit.filter { $0.action == .erasure || $0.action == .export }.map(\.actor) == ["system:cli", "system:cli"])
        }
    }
}
