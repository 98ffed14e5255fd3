import Foundation
import PostgresNIO

extension PostgresStore: RosterStore {
    public func rosterSnapshot() async throws -> RosterSnapshot {
        try await read("rosterSnapshot") { db in
            var accounts: [AccountID: String] = [:]
            for row in try await db.rows("SELECT id, name FROM account") {
                accounts[AccountID(stored: try row["id"])] = try row["name"]
            }
            var people: [String: PersonRef] = [:]
            var keys: [Int64: String] = [:]
            for row in try await db.rows("SELECT id, email, email_key, name FROM person") {
                let id: Int64 = try row["id"]
                let key: String = try row["email_key"]
                people[key] = PersonRef(id: PersonID(id), name: try row["name"], email: try row["email"])
                keys[id] = key
            }
            var memberships: [StoredMembership] = []
            for row in try await db.rows("SELECT * FROM membership") {
                let m = try Membership(pg: row)
                memberships.append(StoredMembership(account: m.account, person: m.person, emailKey: keys[m.person.rawValue] ?? "",
                                                    role: m.role, source: m.source, sites: m.sites, cities: m.cities))
            }
            return RosterSnapshot(accounts: accounts, people: people, memberships: memberships)
        }
    }

    public func applyRoster(
        _ plan: RosterPlan, sections toc: TableOfContents, clock: ClockTemplate, record: RosterSyncRecord, changes: [RosterChange], at time: Date,
        events: @escaping @Sendable (RosterPeople) throws -> [EventDraft]
    ) async throws -> Committed<RosterSyncRecord> {
        try await write("applyRoster") { db in
            var people: [String: PersonRef] = [:]
            for row in try await db.rows("SELECT id, email, email_key, name FROM person") {
                people[try row["email_key"]] = PersonRef(id: PersonID(try row["id"]), name: try row["name"], email: try row["email"])
            }
            for person in plan.newPeople {
                let key = EmailAddress.key(person.email)
                guard let id = try await db.value("""
                    INSERT INTO person (email, email_key, name, created_at) VALUES (\(person.email), \(key), \(person.name), \(time)) RETURNING id
                    """, as: Int64.self)
                else { throw KanavaError(.internal, "person \(person.email) was not stored") }
                people[key] = PersonRef(id: PersonID(id), name: person.name, email: person.email)
            }
            let resolver = RosterPeople(byKey: people)

            // Roster accounts have no start date yet, so every new one gets the same clock events.
            let clockEvents = plan.newAccounts.first.map { clock.events(for: $0.id, startDate: nil, today: LocalDate.inHelsinki(time)) } ?? []
            for account in plan.newAccounts {
                try await db.execute("INSERT INTO account (id, name, created_at) VALUES (\(account.id.rawValue), \(account.name), \(time))")
                try await db.execute("INSERT INTO channel (account_id) VALUES (\(account.id.rawValue))")
                try await Self.insertTemplateSections(toc, for: account.id, db)
                try await Self.insertClockEvents(clockEvents, into: account.id, at: time, db)
            }
            for rename in plan.renames {
                try await db.execute("UPDATE account SET name = \(rename.to) WHERE id = \(rename.account.rawValue)")
            }
            for addition in plan.additions {
                // A membership made since the plan was read refuses the sync, as SQLite's constraint does.
                guard try await Self.insert(Membership(account: addition.account, person: try resolver.person(addition.email).id, role: addition.role,
                                                       source: .roster, sites: addition.sites, cities: addition.cities, joinedAt: time), db)
                else { throw KanavaError(.conflict, "the change conflicts with existing data") }
            }
            for removal in plan.removals {
                try await db.execute("""
                    DELETE FROM membership
                    WHERE account_id = \(removal.account.rawValue) AND person_id = \(removal.person.rawValue) AND source = 'roster'
                    """)
            }
            for change in plan.roleChanges {
                try await db.execute("""
                    UPDATE membership SET role = \(change.role.rawValue)
                    WHERE account_id = \(change.membership.account.rawValue) AND person_id = \(change.membership.person.rawValue)
                    """)
            }
            for change in plan.placeChanges {
                try await db.execute("""
                    UPDATE membership SET sites = \(try StoredList.encode(change.sites)), cities = \(try StoredList.encode(change.cities))
                    WHERE account_id = \(change.membership.account.rawValue) AND person_id = \(change.membership.person.rawValue)
                    """)
            }

            let stored = try await Self.insertSync(record, db)
            for change in changes {
                try await db.execute("""
                    INSERT INTO roster_change (sync_id, kind, account_id, email, role, previous_role, detail)
                    VALUES (\(stored.id), \(change.kind.rawValue), \(change.account.rawValue), \(change.email), \(change.role?.rawValue),
                            \(change.previousRole?.rawValue), \(change.detail))
                    """)
            }
            return Committed(stored, events: try await db.append(try events(resolver), at: time))
        }
    }

    public func recordRosterSync(_ record: RosterSyncRecord) async throws -> RosterSyncRecord {
        try await write("recordRosterSync") { db in try await Self.insertSync(record, db) }
    }

    public func rosterSyncs(limit: Int) async throws -> [RosterSyncRecord] {
        try await read("rosterSyncs") { db in
            try await db.rows("SELECT * FROM roster_sync ORDER BY id DESC LIMIT \(limit)").map(RosterSyncRecord.init(pg:))
        }
    }

    public func rosterSync(_ id: Int64) async throws -> (record: RosterSyncRecord, changes: [RosterChange])? {
        try await read("rosterSync") { db in
            guard let row = try await db.row("SELECT * FROM roster_sync WHERE id = \(id)") else { return nil }
            let changes = try await db.rows("SELECT * FROM roster_change WHERE sync_id = \(id) ORDER BY rowid").map { row in
                let role: String? = try row["role"], previous: String? = try row["previous_role"]
                return RosterChange(
                    kind: RosterChange.Kind(rawValue: try row["kind"]) ?? .added, account: AccountID(stored: try row["account_id"]),
                    email: try row["email"], role: role.flatMap(ChannelRole.init(rawValue:)),
                    previousRole: previous.flatMap(ChannelRole.init(rawValue:)), detail: try row["detail"]
                )
            }
            return (try RosterSyncRecord(pg: row), changes)
        }
    }

    public func supervisorDepartures(in account: AccountID, year: Int, month: Int) async throws -> Int {
        let (start, end) = RosterMonth.bounds(year: year, month: month)
        return try await read("supervisorDepartures") { db in
            try await db.value("""
                SELECT COUNT(*) FROM roster_change c JOIN roster_sync s ON s.id = c.sync_id
                WHERE c.account_id = \(account.rawValue) AND s.at >= \(start) AND s.at < \(end)
                  AND ((c.kind = 'removed' AND c.role = 'supervisor') OR (c.kind = 'role_changed' AND c.previous_role = 'supervisor'))
                """, as: Int.self) ?? 0
        }
    }

    private static func insertSync(_ record: RosterSyncRecord, _ db: PostgresDB) async throws -> RosterSyncRecord {
        guard let id = try await db.value("""
            INSERT INTO roster_sync (at, source, file_hash, actor, forced, outcome, summary)
            VALUES (\(record.at), \(record.source), \(record.fileHash), \(record.actor), \(record.forced), \(record.outcome.rawValue),
                    \(try record.summary.stored()))
            RETURNING id
            """, as: Int64.self)
        else { throw KanavaError(.internal, "the roster sync was not stored") }
        var stored = record
        stored.id = id
        return stored
    }
}

extension RosterSyncRecord {
    init(pg row: PGRow) throws {
        self.init(
            id: try row["id"], at: try row["at"], source: try row["source"], fileHash: try row["file_hash"], actor: try row["actor"],
            forced: try row["forced"], outcome: Outcome(rawValue: try row["outcome"]) ?? .refused, summary: Summary.stored(try row["summary"])
        )
    }
}
