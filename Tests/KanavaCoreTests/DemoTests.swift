import KanavaCore
import KanavaTestSupport
import Testing

@Suite struct DemoTests {
    @Test(arguments: Backend.all) func theDemoSeedsAnEmptyInstallationOnceWithWorkingSignIns(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let credentials = try await DemoSeeder(kanava: t.kanava).seedIfEmpty()
            #expect(credentials.map(\.role).sorted() == ["account_director", "admin", "board", "regional_director", "sales", "supervisor", "supervisor"])
            #expect(Set(credentials.map(\.password)).count == credentials.count)
            let supervisor = try #require(credentials.first { $0.email == "esimies@kanava.example" })
            let signedIn = try await t.kanava.auth.signIn(email: supervisor.email, password: supervisor.password, address: nil, userAgent: nil)
            let accounts = try await t.kanava.accounts.list(for: .person(signedIn.person))
            #expect(accounts.map(\.name) == ["Åbo Akademi fastigheter", "Äänekosken terveyskeskus", "Östra kiinteistö Ab"])
            #expect(accounts.last?.openMustReads == 2)
            #expect(try await t.store.accountSummaries(viewer: nil, membershipsOnly: false).count == 6)
            // Never into an installation that has people.
            #expect(try await DemoSeeder(kanava: t.kanava).seedIfEmpty().isEmpty)
        }
    }
}
