import Foundation
import PostgresNIO

/// The export reads with plain SQL in one `read` (one REPEATABLE READ, READ ONLY transaction): every file of the
/// archive describes the same moment, whatever the nodes write meanwhile. It reads the tables directly rather than
/// through the features' stores, whose reads are shaped for one viewer (hidden texts, private conversations, anonymous
/// authors): an export for the customer or a legal request holds all of it.
extension PostgresStore: ExportStore {
    public func accountArchive(_ account: AccountID) async throws -> AccountArchive? {
        try await read("accountArchive") { db in
            guard let row = try await db.row("SELECT * FROM account WHERE id = \(account.rawValue)") else { return nil }
            let reader = PostgresArchiveReader(db: db, account: account.rawValue, people: try await PostgresArchiveReader.people(db))
            return AccountArchive(
                migrations: try await PostgresArchiveReader.migrations(db),
                account: AccountFile(id: account, name: try row["name"], startDate: try row["start_date"], createdAt: try row["created_at"],
                                     members: try await reader.members()),
                sections: try await reader.sections(), documents: try await reader.documents(), messages: try await reader.messages(),
                notices: try await reader.notices(), clock: try await reader.clock(), cards: try await reader.cards(),
                planner: try await reader.planner(), feedback: try await reader.feedback(), memos: try await reader.memos()
            )
        }
    }
}

/// Reads one account's rows inside the export's read transaction. Text columns that order rows are compared
/// byte by byte (`COLLATE "C"`), as SQLite does.
private struct PostgresArchiveReader {
    let db: PostgresDB
    let account: String
    let people: [Int64: PersonRef]

    static func people(_ db: PostgresDB) async throws -> [Int64: PersonRef] {
        var people: [Int64: PersonRef] = [:]
        for row in try await db.rows("SELECT id, name, email FROM person") {
            let id: Int64 = try row["id"]
            people[id] = PersonRef(id: PersonID(id), name: try row["name"], email: try row["email"])
        }
        return people
    }

    /// The applied migrations in the schema's order (as SQLite lists them, in the order they ran); any this program
    /// does not know (a newer node's) after them.
    static func migrations(_ db: PostgresDB) async throws -> [String] {
        let applied = try await PostgresMigrator.applied(db)
        let known = PostgresSchema.migrations.map(\.name)
        return known.filter(applied.contains) + applied.filter { !known.contains($0) }
    }

    func person(_ row: PGRow, _ column: String) throws -> PersonRef? {
        let id: Int64? = try row[column]
        return id.flatMap { people[$0] }
    }

    /// The rows of `query`, grouped by the column `key`.
    func grouped<Key: Hashable & PostgresDecodable>(_ query: PostgresQuery, by key: String, as _: Key.Type) async throws -> [Key: [PGRow]] {
        try Dictionary(grouping: try await db.rows(query), by: { try $0[key] as Key })
    }

    /// As ``grouped(_:by:as:)``, by an integer column (a parent's id).
    func grouped(_ query: PostgresQuery, by key: String) async throws -> [Int64: [PGRow]] {
        try await grouped(query, by: key, as: Int64.self)
    }

    func members() async throws -> [ArchivedMember] {
        try await db.rows("SELECT * FROM membership WHERE account_id = \(account) ORDER BY joined_at, person_id").compactMap { row in
            try person(row, "person_id").map { person in
                ArchivedMember(person: person, role: try row["role"], source: try row["source"], sites: StoredList.decode(try row["sites"]),
                               cities: StoredList.decode(try row["cities"]), joinedAt: try row["joined_at"])
            }
        }
    }

    func sections() async throws -> [ArchivedSection] {
        let revisions = try await grouped("""
            SELECT * FROM section_revision WHERE account_id = \(account) ORDER BY key COLLATE "C", revision
            """, by: "key", as: String.self)
        let confirmations = try await grouped("""
            SELECT * FROM must_read_confirmation WHERE account_id = \(account) ORDER BY key COLLATE "C", confirmed_at, person_id
            """, by: "key", as: String.self)
        return try await db.rows("SELECT * FROM section WHERE account_id = \(account) ORDER BY number, key COLLATE \"C\"").map { row in
            let key: String = try row["key"]
            return ArchivedSection(
                key: key, number: try row["number"], title: try row["title"], titleEn: try row["title_en"], origin: try row["origin"],
                required: try row["required"], mustRead: try row["must_read"], restrictedTo: try row["restricted_to"],
                editableBy: try row["editable_by"], inUse: try row["in_use"], inTemplate: try row["in_template"],
                currentRevision: try row["revision"],
                revisions: try (revisions[key] ?? []).map { r in
                    .init(number: try r["revision"], author: try person(r, "author_id"), at: try r["created_at"], body: try r["body"])
                },
                confirmations: try (confirmations[key] ?? []).map { c in
                    .init(person: try person(c, "person_id"), revision: try c["revision"], at: try c["confirmed_at"])
                }
            )
        }
    }

    func documents() async throws -> [ArchivedDocument] {
        let versions = try await grouped("""
            SELECT v.* FROM document_version v JOIN document d ON d.id = v.document_id WHERE d.account_id = \(account)
            ORDER BY v.document_id, v.number
            """, by: "document_id")
        return try await db.rows("SELECT * FROM document WHERE account_id = \(account) ORDER BY id").map { row in
            let id: Int64 = try row["id"]
            return ArchivedDocument(
                id: id, section: try row["section_key"], title: try row["title"], kind: try row["kind"], source: try row["source"],
                contractStatus: try row["contract_status"], validFrom: try row["valid_from"], validUntil: try row["valid_until"],
                createdBy: try person(row, "created_by"), createdAt: try row["created_at"], updatedAt: try row["updated_at"],
                removedAt: try row["removed_at"], removedBy: try person(row, "removed_by"),
                versions: try (versions[id] ?? []).map { v in
                    let sha256: String? = try v["file_sha256"]
                    let name: String = try v["file_name"] ?? "file"
                    let size: Int64? = try v["size"]
                    return .init(
                        number: try v["number"],
                        file: try sha256.map { ArchivedFile(path: AccountExport.filePath(sha256: $0, name: name), name: name,
                                                             contentType: try v["content_type"], size: size ?? 0, sha256: $0) },
                        url: try v["url"], addedBy: try person(v, "added_by"), addedAt: try v["added_at"]
                    )
                }
            )
        }
    }

    func messages() async throws -> [ArchivedMessage] {
        let edits = try await grouped("""
            SELECT e.* FROM message_edit e JOIN message m ON m.id = e.message_id WHERE m.account_id = \(account)
            ORDER BY e.message_id, e.replaced_at, e.rowid
            """, by: "message_id")
        let mentions = try await grouped("""
            SELECT mm.* FROM message_mention mm JOIN message m ON m.id = mm.message_id WHERE m.account_id = \(account)
            ORDER BY mm.message_id, mm.person_id
            """, by: "message_id")
        return try await db.rows("SELECT * FROM message WHERE account_id = \(account) ORDER BY id").map { row in
            let id: Int64 = try row["id"]
            let deletedAt: Date? = try row["deleted_at"]
            return ArchivedMessage(
                id: id, author: try person(row, "author_id"), authorName: try row["author_name"], threadRoot: try row["thread_root_id"],
                privateWith: try person(row, "private_with"), body: try row["body"],
                mentions: try (mentions[id] ?? []).compactMap { try person($0, "person_id") },
                createdAt: try row["created_at"], editedAt: try row["edited_at"], deleted: deletedAt != nil, deletedAt: deletedAt,
                deletedBy: try person(row, "deleted_by"),
                edits: try (edits[id] ?? []).map { e in
                    .init(body: try e["body"], replacedAt: try e["replaced_at"], replacedBy: try person(e, "replaced_by"))
                }
            )
        }
    }

    func notices() async throws -> [ArchivedNotice] {
        let acks = try await grouped("""
            SELECT a.* FROM notice_ack a JOIN notice n ON n.id = a.notice_id WHERE n.account_id = \(account)
            ORDER BY a.notice_id, a.acknowledged_at, a.person_id
            """, by: "notice_id")
        return try await db.rows("SELECT * FROM notice WHERE account_id = \(account) ORDER BY id").map { row in
            let id: Int64 = try row["id"]
            return ArchivedNotice(
                id: id, author: try person(row, "author_id"), priority: try row["priority"], title: try row["title"], body: try row["body"],
                createdAt: try row["created_at"], expiresAt: try row["expires_at"], withdrawnAt: try row["withdrawn_at"],
                withdrawnBy: try person(row, "withdrawn_by"),
                acknowledgements: try (acks[id] ?? []).map { a in .init(person: try person(a, "person_id"), at: try a["acknowledged_at"]) }
            )
        }
    }

    func clock() async throws -> [ArchivedClockEvent] {
        let marks = try await grouped("""
            SELECT o.* FROM clock_occurrence o JOIN clock_event e ON e.id = o.event_id WHERE e.account_id = \(account)
            ORDER BY o.event_id, o.occurrence_date COLLATE "C"
            """, by: "event_id")
        return try await db.rows("SELECT * FROM clock_event WHERE account_id = \(account) ORDER BY start_date COLLATE \"C\", id").map { row in
            let id: Int64 = try row["id"]
            return ArchivedClockEvent(
                id: id, templateKey: try row["template_key"], title: try row["title"], description: try row["description"], kind: try row["kind"],
                owner: try row["owner"], startDate: try row["start_date"], recurrence: try row["recurrence"], leadDays: try row["lead_days"],
                createdAt: try row["created_at"], updatedAt: try row["updated_at"], deletedAt: try row["deleted_at"],
                occurrences: try (marks[id] ?? []).map { m in
                    .init(date: try m["occurrence_date"], status: try m["status"], note: try m["note"], markedBy: try person(m, "marked_by"),
                          markedAt: try m["marked_at"])
                }
            )
        }
    }

    func cards() async throws -> [ArchivedCard] {
        try await db.rows("SELECT * FROM quality_card WHERE account_id = \(account) ORDER BY month COLLATE \"C\", version").map { row in
            let figures: String? = try row["figures"]
            return ArchivedCard(
                month: try row["month"], version: try row["version"], status: try row["status"], summary: try row["summary"], asks: try row["asks"],
                customerSatisfaction: try row["customer_satisfaction"], auditScore: try row["audit_score"],
                openComplaints: try row["open_complaints"], monthlyBillingCents: try row["monthly_billing_cents"],
                figures: try QualityCardStoreRules.decodeFigures(figures),
                createdBy: try person(row, "created_by"), createdAt: try row["created_at"], updatedBy: try person(row, "updated_by"),
                updatedAt: try row["updated_at"], submittedBy: try person(row, "submitted_by"), submittedAt: try row["submitted_at"]
            )
        }
    }

    func planner() async throws -> [ArchivedBucket] {
        let tasks = try await grouped("SELECT * FROM planner_task WHERE account_id = \(account) ORDER BY bucket_id, position, id", by: "bucket_id")
        let checklist = try await grouped("""
            SELECT c.* FROM planner_checklist_item c JOIN planner_task t ON t.id = c.task_id WHERE t.account_id = \(account)
            ORDER BY c.task_id, c.position
            """, by: "task_id")
        let comments = try await grouped("""
            SELECT c.* FROM planner_comment c JOIN planner_task t ON t.id = c.task_id WHERE t.account_id = \(account) ORDER BY c.task_id, c.id
            """, by: "task_id")
        return try await db.rows("SELECT * FROM planner_bucket WHERE account_id = \(account) ORDER BY position, id").map { row in
            let id: Int64 = try row["id"]
            return ArchivedBucket(
                id: id, name: try row["name"], position: try row["position"], templateKey: try row["template_key"], createdAt: try row["created_at"],
                updatedAt: try row["updated_at"],
                tasks: try (tasks[id] ?? []).map { t in
                    let task: Int64 = try t["id"]
                    return .init(
                        id: task, position: try t["position"], title: try t["title"], description: try t["description"],
                        assignee: try person(t, "assignee_id"), startDate: try t["start_date"], dueDate: try t["due_date"], status: try t["status"],
                        labels: StoredList.decode(try t["labels"]), templateKey: try t["template_key"], createdBy: try person(t, "created_by"),
                        createdAt: try t["created_at"], updatedAt: try t["updated_at"], completedAt: try t["completed_at"],
                        deletedAt: try t["deleted_at"],
                        checklist: try (checklist[task] ?? []).map { c in
                            .init(position: try c["position"], text: try c["text"], done: try c["done"])
                        },
                        comments: try (comments[task] ?? []).map { c in
                            .init(author: try person(c, "author_id"), body: try c["body"], createdAt: try c["created_at"])
                        }
                    )
                }
            )
        }
    }

    func feedback() async throws -> [ArchivedFeedback] {
        let replies = try await grouped("""
            SELECT r.* FROM feedback_reply r JOIN feedback f ON f.id = r.feedback_id WHERE f.account_id = \(account) ORDER BY r.feedback_id, r.id
            """, by: "feedback_id")
        return try await db.rows("SELECT * FROM feedback WHERE account_id = \(account) ORDER BY id").map { row in
            let id: Int64 = try row["id"]
            return ArchivedFeedback(
                id: id, author: try person(row, "author_id"), anonymous: try row["anonymous"], kind: try row["kind"], body: try row["body"],
                status: try row["status"], createdAt: try row["created_at"], updatedAt: try row["updated_at"],
                replies: try (replies[id] ?? []).map { r in
                    .init(author: try person(r, "author_id"), body: try r["body"], status: try r["status"], createdAt: try r["created_at"])
                }
            )
        }
    }

    func memos() async throws -> [ArchivedMemo] {
        try await db.rows("SELECT * FROM memo WHERE account_id = \(account) ORDER BY meeting_date COLLATE \"C\", id").map { row in
            ArchivedMemo(
                id: try row["id"], title: try row["title"], meetingDate: try row["meeting_date"],
                participants: StoredList.decode(try row["participants"]), body: try row["body"], author: try person(row, "author_id"),
                createdAt: try row["created_at"], editedAt: try row["edited_at"], editedBy: try person(row, "edited_by"),
                deletedAt: try row["deleted_at"], deletedBy: try person(row, "deleted_by")
            )
        }
    }
}
