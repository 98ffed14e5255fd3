import Foundation
import KanavaCore

/// A signed-in person of the benchmark: who they are, where they are a member, and their session.
public struct BenchPerson: Sendable {
    public var person: Person
    public var account: AccountID
    /// `kanava_session=<token>`, as a browser sends it.
    public var cookie: String
    /// The session's CSRF token, for `X-CSRF-Token` on state-changing HTTP requests.
    public var csrfToken: String
}

/// One account of the benchmark: its director and its other members (supervisors), all signed in.
public struct BenchAccount: Sendable {
    public var id: AccountID
    public var director: BenchPerson
    public var members: [BenchPerson]
}

/// The accounts and people a scenario needs, made in bulk before the server starts: a generated roster applied
/// through the roster service (people, accounts, channels and memberships in one transaction) and a session for
/// everyone written in one more.
public struct BenchCast: Sendable {
    public var accounts: [BenchAccount]

    /// Makes `accounts` accounts with `membersPerAccount` supervisors and a director each in the installation of
    /// `config` (its SQLite file or its PostgreSQL database), and signs everyone in.
    public static func make(config: KanavaConfig, accounts: Int, membersPerAccount: Int) async throws -> BenchCast {
        var config = config
        let roster = Self.roster(accounts: accounts, membersPerAccount: membersPerAccount)
        config.roster.maxBytes = max(config.roster.maxBytes, roster.count * 2)
        return try await Kanava.using(config) { kanava in
            try await make(kanava, roster: roster, accounts: accounts, membersPerAccount: membersPerAccount)
        }
    }

    /// Applies `roster` in `kanava` and writes everyone's session.
    private static func make(_ kanava: Kanava, roster: Data, accounts: Int, membersPerAccount: Int) async throws -> BenchCast {
        let outcome = try await kanava.roster.sync(data: roster, source: "bench", by: .system("bench"))
        guard outcome.status == .applied else { throw BenchError("the bench roster was not applied: \(outcome.status) \(outcome.errors.prefix(3))") }

        let people = Dictionary(try await kanava.store.people().map { ($0.email, $0) }) { first, _ in first }
        let now = Date()
        var sessions: [Session] = []
        func signIn(_ email: String, _ account: AccountID) throws -> BenchPerson {
            guard let person = people[email] else { throw BenchError("the roster did not make \(email)") }
            let token = SecretToken.random()
            let session = Session(tokenHash: SecretToken.hash(token), person: person.id, csrfToken: SecretToken.random(),
                                  createdAt: now, expiresAt: now + 86_400, lastSeenAt: now, address: "127.0.0.1", userAgent: "kanava-bench")
            sessions.append(session)
            return BenchPerson(person: person, account: account, cookie: "kanava_session=\(token)", csrfToken: session.csrfToken)
        }
        let made = try (0..<accounts).map { index in
            let id = try AccountID.parse(Self.accountID(index))
            return BenchAccount(
                id: id, director: try signIn(Self.directorEmail(index), id),
                members: try (0..<membersPerAccount).map { try signIn(Self.memberEmail(index, $0), id) }
            )
        }
        try await kanava.store.createSessions(sessions)
        return BenchCast(accounts: made)
    }

    /// Every member (not the directors), account by account.
    public var members: [BenchPerson] { accounts.flatMap(\.members) }

    static func accountID(_ index: Int) -> String { "B\(10_000 + index)" }
    static func directorEmail(_ account: Int) -> String { "johtaja.\(account)@bench.example" }
    static func memberEmail(_ account: Int, _ member: Int) -> String { "jasen.\(account).\(member)@bench.example" }

    static func roster(accounts: Int, membersPerAccount: Int) -> Data {
        var lines = [RosterGenerator.header]
        lines.reserveCapacity(accounts * (membersPerAccount + 1) + 1)
        for account in 0..<accounts {
            let prefix = "\(accountID(account));Kohde \(account) Oy;"
            lines.append(prefix + ";;\(directorEmail(account));Johtaja \(account);account_director")
            for member in 0..<membersPerAccount {
                lines.append(prefix + "Kohde \(account)-\(member);Helsinki;\(memberEmail(account, member));Jäsen \(account)-\(member);supervisor")
            }
        }
        return RosterGenerator.data(lines)
    }
}
