import Foundation
import GRDB

extension SQLiteStore: RosterStore {
    public func rosterSnapshot() async throws -> RosterSnapshot {
        try await read("rosterSnapshot") { db in
            var accounts: [AccountID: String] = [:]
            let accountRows = try Row.fetchCursor(db, sql: "SELECT id, name FROM account")
            while let row = try accountRows.next() {
                accounts[AccountID(stored: row["id"])] = row["name"]
            }
            var people: [String: PersonRef] = [:]
            var keys: [Int64: String] = [:]
            let personRows = try Row.fetchCursor(db, sql: "SELECT id, email, email_key, name FROM person")
            while let row = try personRows.next() {
                let id: Int64 = row["id"]
                let key: String = row["email_key"]
                people[key] = PersonRef(id: PersonID(id), name: row["name"], email: row["email"])
                keys[id] = key
            }
            var memberships: [StoredMembership] = []
            let membershipRows = try Row.fetchCursor(db, sql: "SELECT * FROM membership")
            while let row = try membershipRows.next() {
                let m = Membership(row: row)
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
            let rows = try Row.fetchCursor(db, sql: "SELECT id, email, email_key, name FROM person")
            while let row = try rows.next() {
                people[row["email_key"]] = PersonRef(id: PersonID(row["id"]), name: row["name"], email: row["email"])
            }
            let insertPerson = try db.cachedStatement(sql: "INSERT INTO person (email, email_key, name, created_at) VALUES (?, ?, ?, ?)")
            for person in plan.newPeople {
                try insertPerson.execute(arguments: [person.email, EmailAddress.key(person.email), person.name, time])
                people[EmailAddress.key(person.email)] = PersonRef(id: PersonID(db.lastInsertedRowID), name: person.name, email: person.email)
            }
            let resolver = RosterPeople(byKey: people)

            // Roster accounts have no start date yet, so every new one gets the same clock events.
            let clockEvents = plan.newAccounts.first.map { clock.events(for: $0.id, startDate: nil, today: LocalDate.inHelsinki(time)) } ?? []
            for account in plan.newAccounts {
                try db.execute(sql: "INSERT INTO account (id, name, created_at) VALUES (?, ?, ?)", arguments: [account.id.rawValue, account.name, time])
                try db.execute(sql: "INSERT INTO channel (account_id) VALUES (?)", arguments: [account.id.rawValue])
                try Self.insertTemplateSections(toc, for: account.id, db)
                try Self.insertClockEvents(clockEvents, into: account.id, at: time, db)
            }
            for rename in plan.renames {
                try db.execute(sql: "UPDATE account SET name = ? WHERE id = ?", arguments: [rename.to, rename.account.rawValue])
            }
            for addition in plan.additions {
                try Self.insert(Membership(account: addition.account, person: try resolver.person(addition.email).id, role: addition.role,
                                           source: .roster, sites: addition.sites, cities: addition.cities, joinedAt: time), db)
            }
            let delete = try db.cachedStatement(sql: "DELETE FROM membership WHERE account_id = ? AND person_id = ? AND source = 'roster'")
            for removal in plan.removals {
                try delete.execute(arguments: [removal.account.rawValue, removal.person.rawValue])
            }
            let setRole = try db.cachedStatement(sql: "UPDATE membership SET role = ? WHERE account_id = ? AND person_id = ?")
            for change in plan.roleChanges {
                try setRole.execute(arguments: [change.role.rawValue, change.membership.account.rawValue, change.membership.person.rawValue])
            }
            let setPlaces = try db.cachedStatement(sql: "UPDATE membership SET sites = ?, cities = ? WHERE account_id = ? AND person_id = ?")
            for change in plan.placeChanges {
                try setPlaces.execute(arguments: [try StoredList.encode(change.sites), try StoredList.encode(change.cities),
                                                  change.membership.account.rawValue, change.membership.person.rawValue])
            }

            let stored = try Self.insertSync(record, db)
            let insertChange = try db.cachedStatement(sql: """
                INSERT INTO roster_change (sync_id, kind, account_id, email, role, previous_role, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for change in changes {
                try insertChange.execute(arguments: [stored.id, change.kind.rawValue, change.account.rawValue, change.email,
                                                     change.role?.rawValue, change.previousRole?.rawValue, change.detail])
            }
            return Committed(stored, events: try db.append(try events(resolver), at: time))
        }
    }

    public func recordRosterSync(_ record: RosterSyncRecord) async throws -> RosterSyncRecord {
        try await write("recordRosterSync") { db in try Self.insertSync(record, db) }
    }

    public func rosterSyncs(limit: Int) async throws -> [RosterSyncRecord] {
        try await read("rosterSyncs") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM roster_sync ORDER BY id DESC LIMIT ?", arguments: [limit]).map(RosterSyncRecord.init(row:))
        }
    }

    public func rosterSync(_ id: Int64) async throws -> (record: RosterSyncRecord, changes: [RosterChange])? {
        try await read("rosterSync") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM roster_sync WHERE id = ?", arguments: [id]) else { return nil }
            let changes = try Row.fetchAll(db, sql: "SELECT * FROM roster_change WHERE sync_id = ? ORDER BY rowid", arguments: [id]).map { row in
                let role: String? = row["role"], previous: String? = row["previous_role"]
                return RosterChange(
                    kind: RosterChange.Kind(rawValue: row["kind"]) ?? .added, account: AccountID(stored: row["account_id"]),
                    email: row["email"], role: role.flatMap(ChannelRole.init(rawValue:)),
                    previousRole: previous.flatMap(ChannelRole.init(rawValue:)), detail: row["detail"]
                )
            }
            return (RosterSyncRecord(row: row), changes)
        }
    }

    public func supervisorDepartures(in account: AccountID, year: Int, month: Int) async throws -> Int {
        let (start, end) = RosterMonth.bounds(year: year, month: month)
        return try await read("supervisorDepartures") { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM roster_change c JOIN roster_sync s ON s.id = c.sync_id
                WHERE c.account_id = ? AND s.at >= ? AND s.at < ?
                  AND ((c.kind = 'removed' AND c.role = 'supervisor') OR (c.kind = 'role_changed' AND c.previous_role = 'supervisor'))
                """, arguments: [account.rawValue, start, end]) ?? 0
        }
    }

    private static func insertSync(_ record: RosterSyncRecord, _ db: Database) throws -> RosterSyncRecord {
        let summary = try record.summary.stored()
        try db.execute(
            sql: "INSERT INTO roster_sync (at, source, file_hash, actor, forced, outcome, summary) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [record.at, record.source, record.fileHash, record.actor, record.forced, record.outcome.rawValue, summary]
        )
        var stored = record
        stored.id = db.lastInsertedRowID
        return stored
    }
}

extension RosterSyncRecord {
    init(row: Row) {
        let summary: String = row["summary"]
        self.init(
            id: row["id"], at: row["at"], source: row["source"], fileHash: row["file_hash"], actor: row["actor"],
            forced: row["forced"], outcome: Outcome(rawValue: row["outcome"]) ?? .refused,
            summary: Summary.stored(summary)
        )
    }
}
