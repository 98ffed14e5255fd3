import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// Full-text search on a real SQLite file: Finnish folding, ranking, and never a channel, restricted section or
/// private conversation the searcher may not see.
@Suite struct SearchTests {
    private let a1 = try! AccountID.parse("A1")
    private let a2 = try! AccountID.parse("A2")

    /// A1: director, supervisor, sales; A2: another director. Some text in sections and chat.
    private func seed(_ t: TestInstallation) async throws -> (director: Principal, supervisor: Principal, sales: Principal, outsider: Principal) {
        let director = try await t.person("johtaja@example.fi", "Jaana Järvinen")
        let supervisor = try await t.person("ville@example.fi", "Ville Mäkinen")
        let sales = try await t.person("myynti@example.fi", "Sanna Myynti")
        let outsider = try await t.person("toinen@example.fi", "Toisen Tili")
        try await t.account("A1", "Östra kiinteistö Ab")
        try await t.account("A2", "Wärtsi kirjasto")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "ville@example.fi", .supervisor)
        try await t.member("A1", "myynti@example.fi", .sales)
        try await t.member("A2", "toinen@example.fi", .accountDirector)
        let kanava = t.kanava
        _ = try await kanava.sections.save(a1, key: "overview", body: "Yhteyshenkilö on Eino Mäkinen, äitiyslomalla keväällä.", baseRevision: 0, by: .person(director))
        _ = try await kanava.sections.save(a1, key: "billing", body: "Laskutus: kuukausihinta 12 400 €, aitio-lipputulot erikseen.", baseRevision: 0, by: .person(director))
        _ = try await kanava.chat.send(a1, MessageDraft(clientId: nil, body: "Kysy Mäkiseltä avaimista, hän tietää."), by: .person(supervisor))
        _ = try await kanava.chat.send(a1, MessageDraft(clientId: nil, body: "Aitio varattu johtoryhmälle."), by: .person(director))
        _ = try await kanava.chat.send(a1, MessageDraft(clientId: nil, body: "Yksityinen kysymys avaimista", privateWith: supervisor.id), by: .person(supervisor))
        _ = try await kanava.chat.send(a2, MessageDraft(clientId: nil, body: "A2:n avaimet ja Mäkinen"), by: .person(outsider))
        return (.person(director), .person(supervisor), .person(sales), .person(outsider))
    }

    private func bodies(_ results: SearchResults) -> [String] {
        results.messages.map { $0.snippet.map(\.text).joined() }
    }

    @Test(arguments: Backend.all) func finnishLettersFoldForWordsTypedWithoutThemAndOnlyThen(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let people = try await seed(t)
            let search = t.kanava.search
            // `makinen` finds Mäkinen (and, as a prefix, Mäkiseltä is not `makinen…` so it stays out).
            let folded = try await search.search("makinen", in: nil, limit: 20, for: people.supervisor)
            #expect(folded.sections.map(\.key) == ["overview"])
            #expect(bodies(folded).isEmpty)
            let prefix = try await search.search("makise", in: nil, limit: 20, for: people.supervisor)
            #expect(bodies(prefix) == ["Kysy Mäkiseltä avaimista, hän tietää."])
            // Written with ä: the same hits.
            #expect(try await search.search("Mäkinen", in: nil, limit: 20, for: people.supervisor).sections.map(\.key) == ["overview"])
            // `äitiys` must be written so in the text: it does not find `aitio`.
            let exact = try await search.search("äiti", in: nil, limit: 20, for: people.director)
            #expect(exact.sections.map(\.key) == ["overview"])
            #expect(bodies(exact).isEmpty)
            // `aitio` finds the word aitio; it finds äitiys… too only as a folded prefix: "aiti" ≠ "aitio".
            let aitio = try await search.search("aitio", in: nil, limit: 20, for: people.director)
            #expect(bodies(aitio) == ["Aitio varattu johtoryhmälle."])
            #expect(aitio.sections.map(\.key) == ["billing"])
            // Highlighted as text parts.
            #expect(folded.sections.first?.snippet.contains { $0.text == "Mäkinen" && $0.hit } == true)
        }
    }

    @Test(arguments: Backend.all) func restrictedSectionsOtherChannelsAndPrivateConversationsNeverLeak(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let people = try await seed(t)
            let search = t.kanava.search
            // Billing is for the director, regional directors and sales.
            #expect(try await search.search("kuukausihinta", in: nil, limit: 20, for: people.supervisor).sections.isEmpty)
            #expect(try await search.search("kuukausihinta", in: nil, limit: 20, for: people.sales).sections.map(\.key) == ["billing"])
            // A2's text is only A2's members'.
            let keys = try await search.search("avaim", in: nil, limit: 20, for: people.supervisor)
            #expect(keys.messages.count == 2)
            #expect(keys.messages.allSatisfy { $0.account == a1 })
            #expect(try await search.search("avaim", in: nil, limit: 20, for: people.outsider).messages.map(\.account) == [a2])
            await #expect(throws: KanavaError.notFound("channel A1")) {
                try await search.search("avaim", in: a1, limit: 20, for: people.outsider)
            }
            // The private question: its member and the director, not sales.
            #expect(bodies(try await search.search("yksityinen", in: nil, limit: 20, for: people.supervisor)) == ["Yksityinen kysymys avaimista"])
            #expect(bodies(try await search.search("yksityinen", in: nil, limit: 20, for: people.director)) == ["Yksityinen kysymys avaimista"])
            #expect(try await search.search("yksityinen", in: nil, limit: 20, for: people.sales).messages.isEmpty)
            // Deleted messages are gone from search.
            let admin = Principal.person(try await t.person("admin@example.fi", "Pää Käyttäjä", global: .admin))
            let hit = try #require(try await search.search("johtoryhmälle", in: nil, limit: 20, for: admin).messages.first)
            try await t.kanava.chat.delete(hit.account, hit.id, by: admin)
            #expect(try await search.search("johtoryhmälle", in: nil, limit: 20, for: admin).messages.isEmpty)
        }
    }

    @Test(arguments: Backend.all) func querySyntaxIsSearchedAsTextNeverParsed(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let people = try await seed(t)
            let search = t.kanava.search
            for query in [#""avaimista"#, #"avaimista*"#, #"NEAR(avaimista Mäkiseltä)"#, #"avaimista AND OR NOT"#, "avaimista\"\"\"", "(avaimista", "avaimista:*^"] {
                let results = try await search.search(query, in: nil, limit: 20, for: people.supervisor)
                #expect(results.words.contains("avaimista"), "\(query)")
            }
            #expect(bodies(try await search.search(#"NEAR(avaimista"#, in: nil, limit: 20, for: people.supervisor)).isEmpty)
            for query in ["", "   ", "\"\"", "*", "()", (1...9).map { "sana\($0)" }.joined(separator: " ")] {
                await #expect(throws: KanavaError.self, "\(query)") { try await search.search(query, in: nil, limit: 20, for: people.supervisor) }
            }
            await #expect(throws: KanavaError.self) { try await search.search(String(repeating: "x", count: 501), in: nil, limit: 20, for: people.supervisor) }
            await #expect(throws: KanavaError.self) { try await search.search("avain", in: nil, limit: 0, for: people.supervisor) }
        }
    }
}
