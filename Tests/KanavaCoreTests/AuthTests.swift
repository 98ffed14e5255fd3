import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

@Suite struct AuthTests {
    @Test(arguments: Backend.all) func signInCreatesASessionThatAuthenticatesUntilSignOut(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let person = try await t.person("Esimies@Example.fi")
            let signedIn = try await t.kanava.auth.signIn(email: "esimies@example.fi", password: TestInstallation.password, address: "127.0.0.1", userAgent: "test")
            #expect(signedIn.person.id == person.id)
            #expect(signedIn.token.count == 43)
            #expect(signedIn.session.tokenHash != signedIn.token)
            #expect(try await t.kanava.auth.authenticate(token: signedIn.token)?.person.id == person.id)
            try await t.kanava.auth.signOut(token: signedIn.token)
            #expect(try await t.kanava.auth.authenticate(token: signedIn.token) == nil)
        }
    }

    @Test(arguments: Backend.all) func wrongPasswordUnknownPersonAndNoPasswordAllGiveTheSameAnswer(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await t.person("a@example.fi")
            _ = try await t.kanava.people.add(email: "nopassword@example.fi", name: "No Password", by: TestInstallation.system)
            for (email, password) in [("a@example.fi", "wrong password!"), ("nobody@example.fi", TestInstallation.password), ("nopassword@example.fi", "")] {
                await #expect(throws: KanavaError.self) {
                    try await t.kanava.auth.signIn(email: email, password: password, address: nil, userAgent: nil)
                }
            }
            await #expect(throws: KanavaError(.invalidCredentials, "wrong e-mail or password")) {
                try await t.kanava.auth.signIn(email: "nobody@example.fi", password: "whatever12345", address: nil, userAgent: nil)
            }
        }
    }

    @Test(arguments: Backend.all) func sessionsExpireAfterTheirLifetimeAndWhenIdle(_ backend: Backend) async throws {
        try await withInstallation(backend, configure: { $0.session.lifetimeHours = 10; $0.session.idleTimeoutHours = 2 }) { t in
            try await t.person("a@example.fi")
            let auth = t.kanava.auth
            let first = try await auth.signIn(email: "a@example.fi", password: TestInstallation.password, address: nil, userAgent: nil)
            // Active every 1.5 hours: idle never reached, but the lifetime of 10 hours is.
            for _ in 0..<6 {
                t.clock.advance(by: 1.5 * 3600)
                #expect(try await auth.authenticate(token: first.token) != nil)
            }
            t.clock.advance(by: 1.5 * 3600)
            #expect(try await auth.authenticate(token: first.token) == nil)

            let second = try await auth.signIn(email: "a@example.fi", password: TestInstallation.password, address: nil, userAgent: nil)
            t.clock.advance(by: 2 * 3600 + 1)
            #expect(try await auth.authenticate(token: second.token) == nil)
        }
    }

    @Test(arguments: Backend.all) func failedSignInsAreBoundedPerEmailAndPerAddress(_ backend: Backend) async throws {
        try await withInstallation(backend, configure: { $0.auth.maxFailuresPerEmail = 3; $0.auth.maxFailuresPerAddress = 5; $0.auth.failureWindowMinutes = 10 }) { t in
            try await t.person("a@example.fi")
            let auth = t.kanava.auth
            for _ in 0..<3 {
                await #expect(throws: KanavaError.self) { try await auth.signIn(email: "a@example.fi", password: "wrong-wrong", address: "10.0.0.1", userAgent: nil) }
            }
            // Now even the right password is refused until the window passes.
            let limited = try await #require(throws: KanavaError.self) {
                try await auth.signIn(email: "A@example.fi", password: TestInstallation.password, address: "10.0.0.9", userAgent: nil)
            }
            #expect(limited.code == .rateLimited)
            #expect((limited.retryAfter ?? 0) > 0 && (limited.retryAfter ?? 0) <= 600)
            t.clock.advance(by: 601)
            _ = try await auth.signIn(email: "a@example.fi", password: TestInstallation.password, address: "10.0.0.9", userAgent: nil)

            // One address spraying many e-mails is stopped too.
            for index in 0..<5 {
                await #expect(throws: KanavaError.self) { try await auth.signIn(email: "x\(index)@example.fi", password: "wrong-wrong", address: "10.0.0.2", userAgent: nil) }
            }
            let sprayed = try await #require(throws: KanavaError.self) {
                try await auth.signIn(email: "a@example.fi", password: TestInstallation.password, address: "10.0.0.2", userAgent: nil)
            }
            #expect(sprayed.code == .rateLimited)
        }
    }

    @Test(arguments: Backend.all) func settingAPasswordEndsSessionsAndWeakPasswordsAreRefused(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            try await t.person("a@example.fi")
            let signedIn = try await t.kanava.auth.signIn(email: "a@example.fi", password: TestInstallation.password, address: nil, userAgent: nil)
            await #expect(throws: KanavaError.invalid("password", "must be at least 10 characters")) {
                try await t.kanava.people.setPassword(email: "a@example.fi", password: "short", by: TestInstallation.system)
            }
            try await t.kanava.people.setPassword(email: "a@example.fi", password: "a much longer password", by: TestInstallation.system)
            #expect(try await t.kanava.auth.authenticate(token: signedIn.token) == nil)
            _ = try await t.kanava.auth.signIn(email: "a@example.fi", password: "a much longer password", address: nil, userAgent: nil)
        }
    }

    @Test(arguments: Backend.all) func malformedTokensNeverReachTheDatabase(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            for token in ["", "x", String(repeating: "a", count: 5000), "../../etc/passwd", String(repeating: "é", count: 43)] {
                let session = try await t.kanava.auth.authenticate(token: token)
                #expect(session == nil)
            }
        }
    }
}

@Suite struct AccessAndAccountTests {
    @Test(arguments: Backend.all) func onlyMembersAndAdminsSeeAChannelAndOthersGetNotFound(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let member = try await t.person("member@example.fi")
            let outsider = try await t.person("outsider@example.fi")
            let admin = try await t.person("admin@example.fi", global: .admin)
            let board = try await t.person("board@example.fi", global: .board)
            try await t.account("A1", "Yksi")
            try await t.member("A1", "member@example.fi", .supervisor)
            let id = try AccountID.parse("A1")

            #expect(try await t.kanava.access.channel(id, for: .person(member)).role == .supervisor)
            #expect(try await t.kanava.access.channel(id, for: .person(admin)).isAdmin)
            for person in [outsider, board] {
                await #expect(throws: KanavaError.notFound("channel A1")) { try await t.kanava.access.channel(id, for: .person(person)) }
            }
            await #expect(throws: KanavaError.notFound("channel NOPE")) { try await t.kanava.access.channel(try AccountID.parse("NOPE"), for: .person(admin)) }
            // A supervisor cannot manage the channel.
            await #expect(throws: KanavaError.forbidden) { try await t.kanava.accounts.addMember(id, email: "outsider@example.fi", role: "sales", by: .person(member)) }
        }
    }

    @Test func restrictedItemsAreVisibleOnlyToTheirRolesAndAdmins() throws {
        let account = Account(id: try AccountID.parse("A1"), name: "x", startDate: nil, createdAt: Date())
        let billing: Set<ChannelRole> = [.accountDirector, .regionalDirector, .sales]
        #expect(ChannelAccess(account: account, person: nil, role: .sales, isAdmin: false).canSee(restrictedTo: billing))
        #expect(!ChannelAccess(account: account, person: nil, role: .supervisor, isAdmin: false).canSee(restrictedTo: billing))
        #expect(ChannelAccess(account: account, person: nil, role: nil, isAdmin: true).canSee(restrictedTo: billing))
        #expect(ChannelAccess(account: account, person: nil, role: .supervisor, isAdmin: false).canSee(restrictedTo: nil))
    }

    @Test(arguments: Backend.all) func accountListIsInFinnishOrderAndShowsRoleDirectorAndCounts(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let person = try await t.person("esimies@example.fi")
            try await t.person("johtaja@example.fi", "Jaana Järvinen")
            for (id, name) in [("A1", "Östra kiinteistö Ab"), ("A2", "Zeta Oy"), ("A3", "Äänekosken terveyskeskus"), ("A4", "Åbo Akademi"), ("A5", "Aalto Oy"), ("A6", "Not mine")] {
                try await t.account(id, name)
                if id != "A6" { try await t.member(id, "esimies@example.fi", .supervisor) }
            }
            try await t.member("A2", "johtaja@example.fi", .accountDirector)
            let list = try await t.kanava.accounts.list(for: .person(person))
            #expect(list.map(\.name) == ["Aalto Oy", "Zeta Oy", "Åbo Akademi", "Äänekosken terveyskeskus", "Östra kiinteistö Ab"])
            let zeta = try #require(list.first { $0.id.rawValue == "A2" })
            #expect(zeta.role == .supervisor)
            #expect(zeta.director?.name == "Jaana Järvinen")
            #expect(zeta.memberCount == 2)
            #expect(zeta.head == 3)
        }
    }

    @Test(arguments: Backend.all) func badInputIsRefusedWithTheFieldNamed(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let accounts = t.kanava.accounts
            await #expect(throws: KanavaError.invalid("account id", "must be 1–64 letters, digits, '-', '_' or '.'")) {
                try await accounts.create(id: "../etc", name: "x", startDate: nil, by: TestInstallation.system)
            }
            await #expect(throws: KanavaError.invalid("name", "must not be empty")) {
                try await accounts.create(id: "A1", name: "   ", startDate: nil, by: TestInstallation.system)
            }
            await #expect(throws: KanavaError.invalid("name", "must be at most 200 characters")) {
                try await accounts.create(id: "A1", name: String(repeating: "ä", count: 201), startDate: nil, by: TestInstallation.system)
            }
            await #expect(throws: KanavaError.invalid("startDate", "must be a real date written YYYY-MM-DD")) {
                try await accounts.create(id: "A1", name: "x", startDate: "2025-02-29", by: TestInstallation.system)
            }
            await #expect(throws: KanavaError.self) {
                try await t.kanava.people.add(email: "not an email", name: "x", by: TestInstallation.system)
            }
            let accountCount = try await t.store.accountSummaries(viewer: nil, membershipsOnly: false).count
            let peopleCount = try await t.store.countPeople()
            #expect(accountCount == 0)
            #expect(peopleCount == 0)
        }
    }
}
