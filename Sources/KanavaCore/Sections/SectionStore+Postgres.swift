import Foundation
import PostgresNIO

/// Every write locks the channel first (``PostgresDB/lockChannel(_:)``): a channel's section changes run one at a
/// time, as on SQLite, so a revision's base check, a new custom section's number and the template's changes see
/// what the previous write left.
extension PostgresStore: SectionStore {
    public func applyTemplate(_ toc: TableOfContents, to accounts: [AccountID]?, at time: Date) async throws -> Committed<[TemplateChange]> {
        try await write("applyTemplate") { db in
            var ids = accounts ?? []
            if accounts == nil {
                ids = try await db.rows(#"SELECT id FROM account ORDER BY id COLLATE "C""#).map { AccountID(stored: try $0["id"]) }
            }
            try await db.lockChannels(ids)
            var changes: [TemplateChange] = []
            var drafts: [EventDraft] = []
            for account in ids {
                let plan = TemplatePlan(toc, account: account, stored: try await Self.fetchSections(db, account))
                for section in plan.upserts { try await Self.upsert(section, account, db) }
                for key in plan.retired {
                    try await db.execute("UPDATE section SET in_template = FALSE WHERE account_id = \(account.rawValue) AND key = \(key)")
                }
                for (key, number) in plan.renumbered {
                    try await db.execute("UPDATE section SET number = \(number) WHERE account_id = \(account.rawValue) AND key = \(key)")
                }
                if plan.changesAnything {
                    changes.append(plan.change)
                    drafts.append(try EventDraft(channel: account, kind: .sectionsChanged, payload: [String: String]()))
                }
            }
            return Committed(changes, events: try await db.append(drafts, at: time))
        }
    }

    public func sections(of account: AccountID) async throws -> [Section] {
        try await read("sections") { db in try await Self.fetchSections(db, account) }
    }

    public func storedSection(_ key: String, in account: AccountID) async throws -> Section? {
        try await read("section") { db in try await Self.fetchSection(db, key, account) }
    }

    public func revision(_ revision: Int, of key: String, in account: AccountID) async throws -> SectionRevision? {
        try await read("sectionRevision") { db in
            try await db.row("""
                \(unescaped: Self.revisionSQL) WHERE r.account_id = \(account.rawValue) AND r.key = \(key) AND r.revision = \(revision)
                """).map(SectionRevision.init(pg:))
        }
    }

    public func revisions(of key: String, in account: AccountID) async throws -> [SectionRevision] {
        try await read("sectionRevisions") { db in
            try await db.rows("""
                \(unescaped: Self.revisionSQL) WHERE r.account_id = \(account.rawValue) AND r.key = \(key) ORDER BY r.revision DESC
                """).map(SectionRevision.init(pg:))
        }
    }

    public func saveRevision(_ body: String, of key: String, in account: AccountID, base: Int, author: PersonID?, at time: Date,
                             event: @escaping @Sendable (Section) throws -> EventDraft) async throws -> Committed<Section> {
        try await write("saveRevision") { db in
            try await db.lockChannel(account)
            guard var section = try await Self.fetchSection(db, key, account) else { throw KanavaError.notFound("section \(key)") }
            guard section.revision == base else {
                throw KanavaError(.conflict, "the section was changed to revision \(section.revision) after you opened revision \(base); "
                                  + "reload and apply your changes again")
            }
            section.revision += 1
            try await db.execute("UPDATE section SET revision = \(section.revision) WHERE account_id = \(account.rawValue) AND key = \(key)")
            try await db.execute("""
                INSERT INTO section_revision (account_id, key, revision, body, author_id, created_at)
                VALUES (\(account.rawValue), \(key), \(section.revision), \(body), \(author?.rawValue), \(time))
                """)
            // The author has read what they wrote: a must-read is not a to-do for them.
            if section.mustRead, let author {
                try await Self.confirm(key, in: account, person: author, revision: section.revision, at: time, db)
            }
            return Committed(section, events: try await db.append([try event(section)], at: time))
        }
    }

    public func addCustomSection(title: String, to account: AccountID, at time: Date,
                                 event: @escaping @Sendable (Section) throws -> EventDraft) async throws -> Committed<Section> {
        try await write("addCustomSection") { db in
            try await db.lockChannel(account)
            let existing = try await Self.fetchSections(db, account)
            let number = (existing.map(\.number).max() ?? 0) + 1
            let serial = existing.filter { $0.origin == .custom }.count + 1
            var key = "custom-\(serial)"
            var attempt = serial
            while existing.contains(where: { $0.key == key }) { attempt += 1; key = "custom-\(attempt)" }
            let section = Section(key: key, number: number, title: title, titleEn: nil, origin: .custom, required: false, mustRead: false,
                                  restrictedTo: nil, editableBy: [.accountDirector], inUse: true, inTemplate: false, revision: 0)
            try await Self.upsert(section, account, db)
            return Committed(section, events: try await db.append([try event(section)], at: time))
        }
    }

    public func setInUse(_ inUse: Bool, key: String, in account: AccountID, at time: Date, event: EventDraft) async throws -> Committed<Section> {
        try await write("setInUse") { db in
            try await db.lockChannel(account)
            guard var section = try await Self.fetchSection(db, key, account) else { throw KanavaError.notFound("section \(key)") }
            section.inUse = inUse
            try await db.execute("UPDATE section SET in_use = \(inUse) WHERE account_id = \(account.rawValue) AND key = \(key)")
            return Committed(section, events: try await db.append([event], at: time))
        }
    }

    public func confirmRead(_ key: String, in account: AccountID, person: PersonID, revision: Int, at time: Date,
                            event: EventDraft) async throws -> Committed<Int> {
        try await write("confirmRead") { db in
            try await db.lockChannel(account)
            guard let section = try await Self.fetchSection(db, key, account) else { throw KanavaError.notFound("section \(key)") }
            guard section.revision == revision else {
                throw KanavaError(.conflict, "revision \(revision) is not the current one (\(section.revision)); read the current text first")
            }
            try await Self.confirm(key, in: account, person: person, revision: revision, at: time, db)
            return Committed(revision, events: try await db.append([event], at: time))
        }
    }

    public func confirmations(of key: String, in account: AccountID) async throws -> [PersonID: (revision: Int, at: Date)] {
        try await read("confirmations") { db in
            var result: [PersonID: (revision: Int, at: Date)] = [:]
            for row in try await db.rows("""
                SELECT person_id, revision, confirmed_at FROM must_read_confirmation WHERE account_id = \(account.rawValue) AND key = \(key)
                """) {
                result[PersonID(try row["person_id"])] = (try row["revision"], try row["confirmed_at"])
            }
            return result
        }
    }

    public func openMustReads(for person: PersonID) async throws -> [AccountID: Int] {
        try await read("openMustReads") { db in
            var result: [AccountID: Int] = [:]
            let rows = try await db.rows("""
                SELECT s.account_id, s.restricted_to, m.role FROM section s
                JOIN membership m ON m.account_id = s.account_id AND m.person_id = \(person.rawValue)
                LEFT JOIN must_read_confirmation c ON c.account_id = s.account_id AND c.key = s.key AND c.person_id = m.person_id
                WHERE s.must_read AND s.in_use AND s.revision > 0 AND (c.revision IS NULL OR c.revision < s.revision)
                """)
            for row in rows {
                let restricted = StoredRoles.decode(try row["restricted_to"])
                let role = ChannelRole(rawValue: try row["role"])
                guard restricted.map({ roles in role.map(roles.contains) ?? false }) ?? true else { continue }
                result[AccountID(stored: try row["account_id"]), default: 0] += 1
            }
            return result
        }
    }

    // MARK: - Rows

    private static let revisionSQL = """
        SELECT r.revision, r.body, r.created_at, p.id AS author_id, p.name AS author_name, p.email AS author_email
        FROM section_revision r LEFT JOIN person p ON p.id = r.author_id
        """

    static func fetchSections(_ db: PostgresDB, _ account: AccountID) async throws -> [Section] {
        try await db.rows("SELECT * FROM section WHERE account_id = \(account.rawValue) ORDER BY number").map(Section.init(pg:))
    }

    static func fetchSection(_ db: PostgresDB, _ key: String, _ account: AccountID) async throws -> Section? {
        try await db.row("SELECT * FROM section WHERE account_id = \(account.rawValue) AND key = \(key)").map(Section.init(pg:))
    }

    private static func upsert(_ s: Section, _ account: AccountID, _ db: PostgresDB) async throws {
        try await db.execute("""
            INSERT INTO section (account_id, key, number, title, title_en, origin, required, must_read, restricted_to, editable_by,
                                 in_use, in_template, revision)
            VALUES (\(account.rawValue), \(s.key), \(s.number), \(s.title), \(s.titleEn), \(s.origin.rawValue), \(s.required), \(s.mustRead),
                    \(StoredRoles.encode(s.restrictedTo)), \(StoredRoles.encode(s.editableBy)), \(s.inUse), \(s.inTemplate), \(s.revision))
            ON CONFLICT (account_id, key) DO UPDATE SET number = excluded.number, title = excluded.title, title_en = excluded.title_en,
                origin = excluded.origin, required = excluded.required, must_read = excluded.must_read, restricted_to = excluded.restricted_to,
                editable_by = excluded.editable_by, in_use = excluded.in_use, in_template = excluded.in_template
            """)
    }

    private static func confirm(_ key: String, in account: AccountID, person: PersonID, revision: Int, at time: Date, _ db: PostgresDB) async throws {
        try await db.execute("""
            INSERT INTO must_read_confirmation (account_id, key, person_id, revision, confirmed_at)
            VALUES (\(account.rawValue), \(key), \(person.rawValue), \(revision), \(time))
            ON CONFLICT (account_id, key, person_id) DO UPDATE SET revision = excluded.revision, confirmed_at = excluded.confirmed_at
            """)
    }
}

extension Section {
    init(pg row: PGRow) throws {
        self.init(
            key: try row["key"], number: try row["number"], title: try row["title"], titleEn: try row["title_en"],
            origin: Origin(rawValue: try row["origin"]) ?? .custom, required: try row["required"], mustRead: try row["must_read"],
            restrictedTo: StoredRoles.decode(try row["restricted_to"]), editableBy: StoredRoles.decode(try row["editable_by"]) ?? [],
            inUse: try row["in_use"], inTemplate: try row["in_template"], revision: try row["revision"]
        )
    }
}

extension SectionRevision {
    init(pg row: PGRow) throws {
        let authorID: Int64? = try row["author_id"]
        let authorName: String? = try row["author_name"]
        let authorEmail: String? = try row["author_email"]
        self.init(
            revision: try row["revision"], body: try row["body"],
            author: authorID.map { PersonRef(id: PersonID($0), name: authorName ?? "", email: authorEmail ?? "") },
            at: try row["created_at"]
        )
    }
}
