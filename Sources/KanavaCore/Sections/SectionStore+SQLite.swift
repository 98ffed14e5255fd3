import Foundation
import GRDB

extension SQLiteStore: SectionStore {
    public func section(_ key: String, in account: AccountID) async throws -> SectionInfo? {
        try await storedSection(key, in: account)?.info
    }

    public func applyTemplate(_ toc: TableOfContents, to accounts: [AccountID]?, at time: Date) async throws -> Committed<[TemplateChange]> {
        try await write("applyTemplate") { db in
            let ids = try accounts ?? String.fetchAll(db, sql: "SELECT id FROM account ORDER BY id").map(AccountID.init(stored:))
            var changes: [TemplateChange] = []
            var drafts: [EventDraft] = []
            for account in ids {
                let plan = TemplatePlan(toc, account: account, stored: try Self.fetchSections(db, account))
                for section in plan.upserts { try Self.upsert(section, account, db) }
                for key in plan.retired {
                    try db.execute(sql: "UPDATE section SET in_template = 0 WHERE account_id = ? AND key = ?", arguments: [account.rawValue, key])
                }
                for (key, number) in plan.renumbered {
                    try db.execute(sql: "UPDATE section SET number = ? WHERE account_id = ? AND key = ?", arguments: [number, account.rawValue, key])
                }
                if plan.changesAnything {
                    changes.append(plan.change)
                    drafts.append(try EventDraft(channel: account, kind: .sectionsChanged, payload: [String: String]()))
                }
            }
            return Committed(changes, events: try db.append(drafts, at: time))
        }
    }

    public func sections(of account: AccountID) async throws -> [Section] {
        try await read("sections") { db in try Self.fetchSections(db, account) }
    }

    public func storedSection(_ key: String, in account: AccountID) async throws -> Section? {
        try await read("section") { db in try Self.fetchSection(db, key, account) }
    }

    public func revision(_ revision: Int, of key: String, in account: AccountID) async throws -> SectionRevision? {
        try await read("sectionRevision") { db in
            try Row.fetchOne(db, sql: Self.revisionSQL + " WHERE r.account_id = ? AND r.key = ? AND r.revision = ?",
                             arguments: [account.rawValue, key, revision]).map(SectionRevision.init(row:))
        }
    }

    public func revisions(of key: String, in account: AccountID) async throws -> [SectionRevision] {
        try await read("sectionRevisions") { db in
            try Row.fetchAll(db, sql: Self.revisionSQL + " WHERE r.account_id = ? AND r.key = ? ORDER BY r.revision DESC",
                             arguments: [account.rawValue, key]).map(SectionRevision.init(row:))
        }
    }

    public func saveRevision(_ body: String, of key: String, in account: AccountID, base: Int, author: PersonID?, at time: Date,
                             event: @escaping @Sendable (Section) throws -> EventDraft) async throws -> Committed<Section> {
        try await write("saveRevision") { db in
            guard var section = try Self.fetchSection(db, key, account) else { throw KanavaError.notFound("section \(key)") }
            guard section.revision == base else {
                throw KanavaError(.conflict, "the section was changed to revision \(section.revision) after you opened revision \(base); reload and apply your changes again")
            }
            section.revision += 1
            try db.execute(sql: "UPDATE section SET revision = ? WHERE account_id = ? AND key = ?", arguments: [section.revision, account.rawValue, key])
            try db.execute(
                sql: "INSERT INTO section_revision (account_id, key, revision, body, author_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [account.rawValue, key, section.revision, body, author?.rawValue, time]
            )
            // The author has read what they wrote: a must-read is not a to-do for them.
            if section.mustRead, let author {
                try db.execute(sql: """
                    INSERT INTO must_read_confirmation (account_id, key, person_id, revision, confirmed_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (account_id, key, person_id) DO UPDATE SET revision = excluded.revision, confirmed_at = excluded.confirmed_at
                    """, arguments: [account.rawValue, key, author.rawValue, section.revision, time])
            }
            return Committed(section, events: try db.append([try event(section)], at: time))
        }
    }

    public func addCustomSection(title: String, to account: AccountID, at time: Date, event: @escaping @Sendable (Section) throws -> EventDraft) async throws -> Committed<Section> {
        try await write("addCustomSection") { db in
            let existing = try Self.fetchSections(db, account)
            let number = (existing.map(\.number).max() ?? 0) + 1
            let serial = existing.filter { $0.origin == .custom }.count + 1
            var key = "custom-\(serial)"
            var attempt = serial
            while existing.contains(where: { $0.key == key }) { attempt += 1; key = "custom-\(attempt)" }
            let section = Section(key: key, number: number, title: title, titleEn: nil, origin: .custom, required: false, mustRead: false,
                                  restrictedTo: nil, editableBy: [.accountDirector], inUse: true, inTemplate: false, revision: 0)
            try Self.upsert(section, account, db)
            return Committed(section, events: try db.append([try event(section)], at: time))
        }
    }

    public func setInUse(_ inUse: Bool, key: String, in account: AccountID, at time: Date, event: EventDraft) async throws -> Committed<Section> {
        try await write("setInUse") { db in
            guard var section = try Self.fetchSection(db, key, account) else { throw KanavaError.notFound("section \(key)") }
            section.inUse = inUse
            try db.execute(sql: "UPDATE section SET in_use = ? WHERE account_id = ? AND key = ?", arguments: [inUse, account.rawValue, key])
            return Committed(section, events: try db.append([event], at: time))
        }
    }

    public func confirmRead(_ key: String, in account: AccountID, person: PersonID, revision: Int, at time: Date, event: EventDraft) async throws -> Committed<Int> {
        try await write("confirmRead") { db in
            guard let section = try Self.fetchSection(db, key, account) else { throw KanavaError.notFound("section \(key)") }
            guard section.revision == revision else {
                throw KanavaError(.conflict, "revision \(revision) is not the current one (\(section.revision)); read the current text first")
            }
            try db.execute(sql: """
                INSERT INTO must_read_confirmation (account_id, key, person_id, revision, confirmed_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account_id, key, person_id) DO UPDATE SET revision = excluded.revision, confirmed_at = excluded.confirmed_at
                """, arguments: [account.rawValue, key, person.rawValue, revision, time])
            return Committed(revision, events: try db.append([event], at: time))
        }
    }

    public func confirmations(of key: String, in account: AccountID) async throws -> [PersonID: (revision: Int, at: Date)] {
        try await read("confirmations") { db in
            var result: [PersonID: (revision: Int, at: Date)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT person_id, revision, confirmed_at FROM must_read_confirmation WHERE account_id = ? AND key = ?",
                                        arguments: [account.rawValue, key]) {
                result[PersonID(row["person_id"])] = (row["revision"], row["confirmed_at"])
            }
            return result
        }
    }

    public func openMustReads(for person: PersonID) async throws -> [AccountID: Int] {
        try await read("openMustReads") { db in
            var result: [AccountID: Int] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.account_id, s.restricted_to, m.role FROM section s
                JOIN membership m ON m.account_id = s.account_id AND m.person_id = ?
                LEFT JOIN must_read_confirmation c ON c.account_id = s.account_id AND c.key = s.key AND c.person_id = m.person_id
                WHERE s.must_read AND s.in_use AND s.revision > 0 AND (c.revision IS NULL OR c.revision < s.revision)
                """, arguments: [person.rawValue])
            for row in rows {
                let restricted = StoredRoles.decode(row["restricted_to"])
                guard restricted.map({ roles in ChannelRole(rawValue: row["role"]).map(roles.contains) ?? false }) ?? true else { continue }
                result[AccountID(stored: row["account_id"]), default: 0] += 1
            }
            return result
        }
    }

    /// A new channel's sections from the template, inside the transaction that creates the account.
    static func insertTemplateSections(_ toc: TableOfContents, for account: AccountID, _ db: Database) throws {
        for section in toc.sections {
            try upsert(Section(key: section.key, number: section.number, title: section.title, titleEn: section.titleEn, origin: .template,
                               required: section.required, mustRead: section.mustRead, restrictedTo: section.restrictedTo,
                               editableBy: section.editableBy, inUse: true, inTemplate: true, revision: 0), account, db)
        }
    }

    // MARK: - Rows

    private static let revisionSQL = """
        SELECT r.revision, r.body, r.created_at, p.id AS author_id, p.name AS author_name, p.email AS author_email
        FROM section_revision r LEFT JOIN person p ON p.id = r.author_id
        """

    static func fetchSections(_ db: Database, _ account: AccountID) throws -> [Section] {
        try Row.fetchAll(db, sql: "SELECT * FROM section WHERE account_id = ? ORDER BY number", arguments: [account.rawValue]).map(Section.init(row:))
    }

    static func fetchSection(_ db: Database, _ key: String, _ account: AccountID) throws -> Section? {
        try Row.fetchOne(db, sql: "SELECT * FROM section WHERE account_id = ? AND key = ?", arguments: [account.rawValue, key]).map(Section.init(row:))
    }

    private static func upsert(_ s: Section, _ account: AccountID, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO section (account_id, key, number, title, title_en, origin, required, must_read, restricted_to, editable_by, in_use, in_template, revision)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id, key) DO UPDATE SET number = excluded.number, title = excluded.title, title_en = excluded.title_en,
                origin = excluded.origin, required = excluded.required, must_read = excluded.must_read, restricted_to = excluded.restricted_to,
                editable_by = excluded.editable_by, in_use = excluded.in_use, in_template = excluded.in_template
            """, arguments: [account.rawValue, s.key, s.number, s.title, s.titleEn, s.origin.rawValue, s.required, s.mustRead,
                             StoredRoles.encode(s.restrictedTo), StoredRoles.encode(s.editableBy), s.inUse, s.inTemplate, s.revision])
    }
}

extension Section {
    init(row: Row) {
        self.init(
            key: row["key"], number: row["number"], title: row["title"], titleEn: row["title_en"],
            origin: Origin(rawValue: row["origin"]) ?? .custom, required: row["required"], mustRead: row["must_read"],
            restrictedTo: StoredRoles.decode(row["restricted_to"]), editableBy: StoredRoles.decode(row["editable_by"]) ?? [],
            inUse: row["in_use"], inTemplate: row["in_template"], revision: row["revision"]
        )
    }
}

extension SectionRevision {
    init(row: Row) {
        let authorID: Int64? = row["author_id"]
        self.init(
            revision: row["revision"], body: row["body"],
            author: authorID.map { PersonRef(id: PersonID($0), name: row["author_name"], email: row["author_email"]) },
            at: row["created_at"]
        )
    }
}
