import Foundation
import PostgresNIO

extension PostgresStore: AccountStore {
    public func createAccount(_ account: Account, sections toc: TableOfContents, clock: ClockTemplate, members: [Membership],
                              events: (Account) throws -> [EventDraft], at time: Date) async throws -> Committed<Account> {
        let drafts = try events(account)
        return try await write("createAccount") { db in
            let inserted = try await db.execute("""
                INSERT INTO account (id, name, start_date, created_at) VALUES (\(account.id.rawValue), \(account.name), \(account.startDate?.description), \(time))
                ON CONFLICT (id) DO NOTHING
                """)
            guard inserted == 1 else { throw KanavaError(.conflict, "account \(account.id) already exists") }
            try await db.execute("INSERT INTO channel (account_id) VALUES (\(account.id.rawValue))")
            try await Self.insertTemplateSections(toc, for: account.id, db)
            _ = try await Self.insertClockTemplate(clock, for: account.id, startDate: account.startDate, at: time, db)
            for member in members { try await Self.insert(member, db) }
            return Committed(account, events: try await db.append(drafts, at: time))
        }
    }

    public func updateAccount(_ account: Account, event: EventDraft, at time: Date) async throws -> Committed<Account> {
        try await write("updateAccount") { db in
            guard try await db.execute("""
                UPDATE account SET name = \(account.name), start_date = \(account.startDate?.description) WHERE id = \(account.id.rawValue)
                """) == 1 else { throw KanavaError.notFound("account \(account.id)") }
            return Committed(account, events: try await db.append([event], at: time))
        }
    }

    public func account(_ id: AccountID) async throws -> Account? {
        try await read("account") { db in try await Self.fetchAccount(db, id) }
    }

    public func accountSummaries(viewer: PersonID?, membershipsOnly: Bool) async throws -> [AccountSummary] {
        try await read("accountSummaries") { db in try await Self.fetchSummaries(db, viewer: viewer, membershipsOnly: membershipsOnly, account: nil) }
    }

    public func accountSummary(_ id: AccountID, viewer: PersonID?) async throws -> AccountSummary? {
        try await read("accountSummary") { db in try await Self.fetchSummaries(db, viewer: viewer, membershipsOnly: false, account: id).first }
    }

    public func membership(of person: PersonID, in account: AccountID) async throws -> Membership? {
        try await read("membership") { db in
            try await db.row("SELECT * FROM membership WHERE account_id = \(account.rawValue) AND person_id = \(person.rawValue)")
                .map(Membership.init(pg:))
        }
    }

    public func members(of account: AccountID) async throws -> [Member] {
        try await read("members") { db in
            try await db.rows("""
                SELECT m.*, p.name, p.email FROM membership m JOIN person p ON p.id = m.person_id
                WHERE m.account_id = \(account.rawValue) ORDER BY p.name COLLATE "C"
                """).map { row in
                let membership = try Membership(pg: row)
                return Member(person: PersonRef(id: membership.person, name: try row["name"], email: try row["email"]), membership: membership)
            }
        }
    }

    public func addMember(_ membership: Membership, event: EventDraft, at time: Date) async throws -> Committed<Membership> {
        try await write("addMember") { db in
            guard try await Self.fetchAccount(db, membership.account) != nil else { throw KanavaError.notFound("account \(membership.account)") }
            guard try await Self.insert(membership, db) else {
                throw KanavaError(.conflict, "person \(membership.person) is already a member of \(membership.account)")
            }
            return Committed(membership, events: try await db.append([event], at: time))
        }
    }

    public func updateMember(_ membership: Membership, event: EventDraft, at time: Date) async throws -> Committed<Membership> {
        try await write("updateMember") { db in
            guard try await db.execute("""
                UPDATE membership SET role = \(membership.role.rawValue), source = \(membership.source.rawValue),
                    sites = \(try StoredList.encode(membership.sites)), cities = \(try StoredList.encode(membership.cities))
                WHERE account_id = \(membership.account.rawValue) AND person_id = \(membership.person.rawValue)
                """) == 1 else { throw KanavaError.notFound("membership") }
            return Committed(membership, events: try await db.append([event], at: time))
        }
    }

    public func removeMember(_ person: PersonID, from account: AccountID, event: EventDraft, at time: Date) async throws -> Committed<Membership> {
        try await write("removeMember") { db in
            guard let row = try await db.row("""
                DELETE FROM membership WHERE account_id = \(account.rawValue) AND person_id = \(person.rawValue) RETURNING *
                """) else { throw KanavaError.notFound("membership") }
            return Committed(try Membership(pg: row), events: try await db.append([event], at: time))
        }
    }

    // MARK: - Rows

    static func fetchAccount(_ db: PostgresDB, _ id: AccountID) async throws -> Account? {
        try await db.row("SELECT * FROM account WHERE id = \(id.rawValue)").map(Account.init(pg:))
    }

    /// Inserts a membership; false when the person already is a member.
    @discardableResult
    static func insert(_ m: Membership, _ db: PostgresDB) async throws -> Bool {
        try await db.execute("""
            INSERT INTO membership (account_id, person_id, role, source, sites, cities, joined_at)
            VALUES (\(m.account.rawValue), \(m.person.rawValue), \(m.role.rawValue), \(m.source.rawValue),
                    \(try StoredList.encode(m.sites)), \(try StoredList.encode(m.cities)), \(m.joinedAt))
            ON CONFLICT (account_id, person_id) DO NOTHING
            """) == 1
    }

    /// A new channel's sections from the template, inside the transaction that creates the account.
    static func insertTemplateSections(_ toc: TableOfContents, for account: AccountID, _ db: PostgresDB) async throws {
        for s in toc.sections {
            try await db.execute("""
                INSERT INTO section (account_id, key, number, title, title_en, origin, required, must_read, restricted_to, editable_by,
                                     in_use, in_template, revision)
                VALUES (\(account.rawValue), \(s.key), \(s.number), \(s.title), \(s.titleEn), \(Section.Origin.template.rawValue), \(s.required),
                        \(s.mustRead), \(StoredRoles.encode(s.restrictedTo)), \(StoredRoles.encode(s.editableBy)), TRUE, TRUE, 0)
                ON CONFLICT (account_id, key) DO UPDATE SET number = excluded.number, title = excluded.title, title_en = excluded.title_en,
                    origin = excluded.origin, required = excluded.required, must_read = excluded.must_read, restricted_to = excluded.restricted_to,
                    editable_by = excluded.editable_by, in_use = excluded.in_use, in_template = excluded.in_template
                """)
        }
    }

    /// Account list rows: the viewer's role, the director (the earliest-joined account director), member count, head.
    private static func fetchSummaries(_ db: PostgresDB, viewer: PersonID?, membershipsOnly: Bool, account: AccountID?) async throws -> [AccountSummary] {
        try await db.rows("""
            SELECT a.id, a.name, a.start_date, mine.role AS my_role, c.last_seq,
                   (SELECT COUNT(*) FROM membership m WHERE m.account_id = a.id) AS member_count,
                   d.id AS director_id, d.name AS director_name, d.email AS director_email
            FROM account a
            JOIN channel c ON c.account_id = a.id
            LEFT JOIN membership mine ON mine.account_id = a.id AND mine.person_id = \(viewer?.rawValue)
            LEFT JOIN person d ON d.id = (
                SELECT m.person_id FROM membership m
                WHERE m.account_id = a.id AND m.role = 'account_director'
                ORDER BY m.joined_at, m.person_id LIMIT 1)
            WHERE (NOT \(membershipsOnly) OR mine.person_id IS NOT NULL) AND (\(account?.rawValue)::text IS NULL OR a.id = \(account?.rawValue))
            """).map { row in
            let directorID: Int64? = try row["director_id"]
            let role: String? = try row["my_role"]
            let startDate: String? = try row["start_date"]
            return AccountSummary(
                id: AccountID(stored: try row["id"]),
                name: try row["name"],
                startDate: startDate.flatMap(LocalDate.init),
                role: role.flatMap(ChannelRole.init(rawValue:)),
                director: try directorID.map { PersonRef(id: PersonID($0), name: try row["director_name"], email: try row["director_email"]) },
                memberCount: try row["member_count"],
                head: try row["last_seq"]
            )
        }
    }
}

extension Account {
    init(pg row: PGRow) throws {
        let startDate: String? = try row["start_date"]
        self.init(id: AccountID(stored: try row["id"]), name: try row["name"], startDate: startDate.flatMap(LocalDate.init), createdAt: try row["created_at"])
    }
}

extension Membership {
    init(pg row: PGRow) throws {
        self.init(
            account: AccountID(stored: try row["account_id"]),
            person: PersonID(try row["person_id"]),
            role: ChannelRole(rawValue: try row["role"]) ?? .instructor,
            source: MembershipSource(rawValue: try row["source"]) ?? .manual,
            sites: StoredList.decode(try row["sites"]),
            cities: StoredList.decode(try row["cities"]),
            joinedAt: try row["joined_at"]
        )
    }
}
