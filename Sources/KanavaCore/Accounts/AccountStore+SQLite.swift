import Foundation
import GRDB

extension SQLiteStore: AccountStore {
    public func createAccount(_ account: Account, sections toc: TableOfContents, clock: ClockTemplate, members: [Membership],
                              events: (Account) throws -> [EventDraft], at time: Date) async throws -> Committed<Account> {
        let drafts = try events(account)
        return try await write("createAccount") { db in
            guard try Self.fetchAccount(db, account.id) == nil else {
                throw KanavaError(.conflict, "account \(account.id) already exists")
            }
            try db.execute(
                sql: "INSERT INTO account (id, name, start_date, created_at) VALUES (?, ?, ?, ?)",
                arguments: [account.id.rawValue, account.name, account.startDate?.description, account.createdAt]
            )
            try db.execute(sql: "INSERT INTO channel (account_id) VALUES (?)", arguments: [account.id.rawValue])
            try Self.insertTemplateSections(toc, for: account.id, db)
            _ = try Self.insertClockTemplate(clock, for: account.id, startDate: account.startDate, at: time, db)
            for member in members { try Self.insert(member, db) }
            return Committed(account, events: try db.append(drafts, at: time))
        }
    }

    public func updateAccount(_ account: Account, event: EventDraft, at time: Date) async throws -> Committed<Account> {
        try await write("updateAccount") { db in
            try db.execute(
                sql: "UPDATE account SET name = ?, start_date = ? WHERE id = ?",
                arguments: [account.name, account.startDate?.description, account.id.rawValue]
            )
            guard db.changesCount == 1 else { throw KanavaError.notFound("account \(account.id)") }
            return Committed(account, events: try db.append([event], at: time))
        }
    }

    public func account(_ id: AccountID) async throws -> Account? {
        try await read("account") { db in try Self.fetchAccount(db, id) }
    }

    public func accountSummaries(viewer: PersonID?, membershipsOnly: Bool) async throws -> [AccountSummary] {
        try await read("accountSummaries") { db in try Self.fetchSummaries(db, viewer: viewer, membershipsOnly: membershipsOnly, account: nil) }
    }

    public func accountSummary(_ id: AccountID, viewer: PersonID?) async throws -> AccountSummary? {
        try await read("accountSummary") { db in try Self.fetchSummaries(db, viewer: viewer, membershipsOnly: false, account: id).first }
    }

    public func membership(of person: PersonID, in account: AccountID) async throws -> Membership? {
        try await read("membership") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM membership WHERE account_id = ? AND person_id = ?",
                             arguments: [account.rawValue, person.rawValue]).map(Membership.init(row:))
        }
    }

    public func members(of account: AccountID) async throws -> [Member] {
        try await read("members") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT m.*, p.name, p.email FROM membership m JOIN person p ON p.id = m.person_id
                    WHERE m.account_id = ? ORDER BY p.name
                    """,
                arguments: [account.rawValue]
            ).map { row in
                let membership = Membership(row: row)
                return Member(person: PersonRef(id: membership.person, name: row["name"], email: row["email"]), membership: membership)
            }
        }
    }

    public func addMember(_ membership: Membership, event: EventDraft, at time: Date) async throws -> Committed<Membership> {
        try await write("addMember") { db in
            guard try Self.fetchAccount(db, membership.account) != nil else { throw KanavaError.notFound("account \(membership.account)") }
            if try Row.fetchOne(db, sql: "SELECT 1 FROM membership WHERE account_id = ? AND person_id = ?",
                                arguments: [membership.account.rawValue, membership.person.rawValue]) != nil {
                throw KanavaError(.conflict, "person \(membership.person) is already a member of \(membership.account)")
            }
            try Self.insert(membership, db)
            return Committed(membership, events: try db.append([event], at: time))
        }
    }

    public func updateMember(_ membership: Membership, event: EventDraft, at time: Date) async throws -> Committed<Membership> {
        try await write("updateMember") { db in
            try db.execute(
                sql: "UPDATE membership SET role = ?, source = ?, sites = ?, cities = ? WHERE account_id = ? AND person_id = ?",
                arguments: [membership.role.rawValue, membership.source.rawValue, try StoredList.encode(membership.sites),
                            try StoredList.encode(membership.cities), membership.account.rawValue, membership.person.rawValue]
            )
            guard db.changesCount == 1 else { throw KanavaError.notFound("membership") }
            return Committed(membership, events: try db.append([event], at: time))
        }
    }

    public func removeMember(_ person: PersonID, from account: AccountID, event: EventDraft, at time: Date) async throws -> Committed<Membership> {
        try await write("removeMember") { db in
            guard let row = try Row.fetchOne(db, sql: "DELETE FROM membership WHERE account_id = ? AND person_id = ? RETURNING *",
                                             arguments: [account.rawValue, person.rawValue])
            else { throw KanavaError.notFound("membership") }
            return Committed(Membership(row: row), events: try db.append([event], at: time))
        }
    }

    // MARK: - Rows

    static func fetchAccount(_ db: Database, _ id: AccountID) throws -> Account? {
        try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [id.rawValue]).map(Account.init(row:))
    }

    static func insert(_ m: Membership, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO membership (account_id, person_id, role, source, sites, cities, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [m.account.rawValue, m.person.rawValue, m.role.rawValue, m.source.rawValue,
                                 try StoredList.encode(m.sites), try StoredList.encode(m.cities), m.joinedAt])
    }

    /// Account list rows: the viewer's role, the director (the earliest-joined account director), member count, head.
    private static func fetchSummaries(_ db: Database, viewer: PersonID?, membershipsOnly: Bool, account: AccountID?) throws -> [AccountSummary] {
        var conditions: [String] = []
        var arguments: StatementArguments = [viewer?.rawValue]
        if membershipsOnly { conditions.append("mine.person_id IS NOT NULL") }
        if let account {
            conditions.append("a.id = ?")
            arguments += [account.rawValue]
        }
        let sql = """
            SELECT a.id, a.name, a.start_date, mine.role AS my_role, c.last_seq,
                   (SELECT COUNT(*) FROM membership m WHERE m.account_id = a.id) AS member_count,
                   d.id AS director_id, d.name AS director_name, d.email AS director_email
            FROM account a
            JOIN channel c ON c.account_id = a.id
            LEFT JOIN membership mine ON mine.account_id = a.id AND mine.person_id = ?
            LEFT JOIN person d ON d.id = (
                SELECT m.person_id FROM membership m
                WHERE m.account_id = a.id AND m.role = 'account_director'
                ORDER BY m.joined_at, m.person_id LIMIT 1)
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            """
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let directorID: Int64? = row["director_id"]
            let role: String? = row["my_role"]
            let startDate: String? = row["start_date"]
            return AccountSummary(
                id: AccountID(stored: row["id"]),
                name: row["name"],
                startDate: startDate.flatMap(LocalDate.init),
                role: role.flatMap(ChannelRole.init(rawValue:)),
                director: directorID.map { PersonRef(id: PersonID($0), name: row["director_name"], email: row["director_email"]) },
                memberCount: row["member_count"],
                head: row["last_seq"]
            )
        }
    }
}

extension Account {
    init(row: Row) {
        let startDate: String? = row["start_date"]
        self.init(id: AccountID(stored: row["id"]), name: row["name"], startDate: startDate.flatMap(LocalDate.init), createdAt: row["created_at"])
    }
}

extension Membership {
    init(row: Row) {
        self.init(
            account: AccountID(stored: row["account_id"]),
            person: PersonID(row["person_id"]),
            role: ChannelRole(rawValue: row["role"]) ?? .instructor,
            source: MembershipSource(rawValue: row["source"]) ?? .manual,
            sites: StoredList.decode(row["sites"]),
            cities: StoredList.decode(row["cities"]),
            joinedAt: row["joined_at"]
        )
    }
}
