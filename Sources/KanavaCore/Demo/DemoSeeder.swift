import Foundation

/// Seeds an empty installation with a few accounts and people so a newcomer can sign in and look around.
/// Passwords are random and returned once; nothing is seeded into an installation that already has people.
public struct DemoSeeder: Sendable {
    public struct Credential: Sendable {
        public var email: String
        public var name: String
        public var role: String
        public var password: String
    }

    let kanava: Kanava

    public init(kanava: Kanava) {
        self.kanava = kanava
    }

    /// Seeds when the installation has nobody yet; returns the sign-ins created (empty when it did nothing).
    public func seedIfEmpty() async throws -> [Credential] {
        guard try await kanava.store.countPeople() == 0 else { return [] }
        let system = Principal.system("demo")
        var credentials: [Credential] = []

        func person(_ email: String, _ name: String, _ role: String, global: GlobalRole? = nil) async throws -> String {
            let password = Self.password()
            _ = try await kanava.people.add(email: email, name: name, globalRole: global, password: password, by: system)
            credentials.append(Credential(email: email, name: name, role: role, password: password))
            return email
        }

        _ = try await person("admin@kanava.example", "Pääkäyttäjä Anna Admin", "admin", global: .admin)
        _ = try await person("hallitus@kanava.example", "Hilkka Hallitus", "board", global: .board)
        let director = try await person("johtaja@kanava.example", "Jaana Järvinen", "account_director")
        let regional = try await person("aluejohtaja@kanava.example", "Eino Mäkinen", "regional_director")
        let supervisor = try await person("esimies@kanava.example", "Ville Öhman", "supervisor")
        let supervisor2 = try await person("tyonjohtaja@kanava.example", "Riikka Laine", "supervisor")
        let sales = try await person("myynti@kanava.example", "Sanna Åberg", "sales")

        // Zeta is a new account starting in two weeks: its planner gets the takeover template.
        let today = LocalDate.inHelsinki(kanava.clock.now())
        let newStart = (today.adding(days: 14) ?? today).description
        let accounts: [(String, String, String)] = [
            ("A10000", "Östra kiinteistö Ab", "2021-03-01"),
            ("A10001", "Äänekosken terveyskeskus", "2019-09-15"),
            ("A10002", "Åbo Akademi fastigheter", "2022-01-10"),
            ("A10003", "Wärtsi kirjasto kuntayhtymä", "2020-05-04"),
            ("A10004", "Zeta Logistiikka Oy", newStart),
            ("A10005", "Aalto Kiinteistöpalvelut Oy", "2018-02-28"),
        ]
        for (id, name, start) in accounts {
            let account = try await kanava.accounts.create(id: id, name: name, startDate: start, by: system)
            _ = try await kanava.accounts.addMember(account.id, email: director, role: "account_director", by: system)
            _ = try await kanava.accounts.addMember(account.id, email: regional, role: "regional_director", by: system)
            _ = try await kanava.accounts.addMember(account.id, email: sales, role: "sales", by: system)
        }
        for id in ["A10000", "A10001", "A10002"] {
            _ = try await kanava.accounts.addMember(try AccountID.parse(id), email: supervisor, role: "supervisor", sites: ["\(id) Tampere 1"], by: system)
        }
        let overview = """
            ## Asiakkuus lyhyesti

            - **Kohteita:** 3 (Tampere, Oulu, Vaasa)
            - **Sopimus voimassa:** 1.3.2021 alkaen, toistaiseksi
            - **Asiakkaan yhteyshenkilö:** kiinteistöpäällikkö, puh. vaihde

            Kysy asiakkuusjohtajalta kanavan *Kysy johtajalta* -toiminnolla.
            """
        let onboarding = """
            ## Uuden esimiehen perehdytys

            1. Lue palvelukuvaukset (osio 3) ja voimassa oleva sopimus (osio 2).
            2. Käy kohteet läpi aluejohtajan kanssa ensimmäisen viikon aikana.
            3. Kuittaa tämä sivu luetuksi.
            """
        let first = try AccountID.parse("A10000")
        _ = try await kanava.sections.save(first, key: "overview", body: overview, baseRevision: 0, by: system)
        _ = try await kanava.sections.save(first, key: "onboarding", body: onboarding, baseRevision: 0, by: system)
        for id in ["A10003", "A10004"] {
            _ = try await kanava.accounts.addMember(try AccountID.parse(id), email: supervisor2, role: "supervisor", sites: ["\(id) Oulu 2"], by: system)
        }
        try await seedChat(first, director: director, supervisor: supervisor)
        try await seedPlannerCardsAndFeedback(director: director, supervisor: supervisor, today: today)
        return credentials
    }

    /// The takeover plan of the new account, last months' quality cards of two accounts (so the board overview and
    /// its trend have something to show), and an anonymous idea with the director's answer.
    private func seedPlannerCardsAndFeedback(director: String, supervisor: String, today: LocalDate) async throws {
        guard let director = try await kanava.store.person(email: director).map(Principal.person),
              let supervisor = try await kanava.store.person(email: supervisor).map(Principal.person) else { return }
        _ = try await kanava.planner.applyTemplate(try AccountID.parse("A10004"), template: "takeover", baseDate: nil, includeOptional: false,
                                                  by: director)
        func month(_ back: Int) -> String {
            let index = today.year * 12 + (today.month - 1) - back
            return String(format: "%04d-%02d", index / 12, index % 12 + 1)
        }
        let cards: [(String, Int, String, Double, String)] = [
            ("A10000", 2, "green", 4.4, "Siivouksen laatu vakaa, kaikki laatukäynnit tehty."),
            ("A10000", 1, "green", 4.5, "Asiakastyytyväisyys nousi; uusi kohde Vaasassa aloitti."),
            ("A10001", 1, "yellow", 3.6, "Kaksi esimiesvaihdosta; perehdytys kesken."),
        ]
        for (id, back, status, satisfaction, summary) in cards {
            let account = try AccountID.parse(id)
            let draft = try await kanava.qualityCards.save(account, month: month(back), QualityCardInput(
                status: .some(status), summary: summary, asks: status == "yellow" ? "Tuki rekrytointiin." : "",
                customerSatisfaction: .some(satisfaction), auditScore: .some(88), openComplaints: .some(status == "yellow" ? 2 : 0)
            ), by: director)
            _ = try await kanava.qualityCards.submit(account, month: month(back), version: draft.card?.version ?? 1, by: director)
        }
        let first = try AccountID.parse("A10000")
        let idea = try await kanava.feedback.post(first, FeedbackInput(
            kind: "idea", body: "Yhteinen avainkaappi Tampereen kohteeseen säästäisi aikaa aamuisin.", anonymous: true), by: supervisor)
        _ = try await kanava.feedback.answer(first, idea.id, FeedbackAnswerInput(
            body: "Hyvä ajatus, selvitän asiakkaan kanssa.", status: "in_progress"), by: director)
    }

    /// A short conversation, a thread and an urgent notice waiting for the supervisor's acknowledgement.
    private func seedChat(_ account: AccountID, director: String, supervisor: String) async throws {
        guard let director = try await kanava.store.person(email: director), let supervisor = try await kanava.store.person(email: supervisor) else { return }
        let welcome = try await kanava.chat.send(account, MessageDraft(clientId: nil, body: "Tervetuloa kanavalle! Kysykää täällä, niin vastaus jää kaikille näkyviin."), by: .person(director))
        _ = try await kanava.chat.send(account, MessageDraft(clientId: nil, body: "Kiitos! Missä Tampereen kohteen avaimet säilytetään?"), by: .person(supervisor))
        _ = try await kanava.chat.send(account, MessageDraft(clientId: nil, body: "Vahtimestarilla, kuittausta vastaan.", threadRoot: welcome.message.id), by: .person(director))
        _ = try await kanava.notices.post(account, NoticeDraft(
            clientId: nil, priority: "urgent", title: "Vesikatko Tampereen kohteessa",
            body: "Vesi on poikki torstaina klo 8–12. Siirrä **märkätilojen siivous** iltapäivään ja kuittaa tämä tiedote.",
            expiresAt: nil), by: .person(director))
    }

    /// 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
    public static func password() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
