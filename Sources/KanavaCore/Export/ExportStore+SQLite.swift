import Foundation
import GRDB

/// The export reads with plain SQL in one GRDB `read` (one SQLite read transaction): every file of the archive
/// describes the same moment, whatever the server writes meanwhile. It reads the tables directly rather than through
/// the features' stores, whose reads are shaped for one viewer (hidden texts, private conversations, anonymous
/// authors): an export for the customer or a legal request holds all of it.
extension SQLiteStore: ExportStore {
    public func accountArchive(_ account: AccountID) async throws -> AccountArchive? {
        try await read("accountArchive") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [account.rawValue]) else { return nil }
            let reader = ArchiveReader(db: db, account: account.rawValue, people: try ArchiveReader.people(db))
            return AccountArchive(
                migrations: try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"),
                account: AccountFile(id: account, name: row["name"], startDate: row["start_date"], createdAt: row["created_at"],
                                     members: try reader.members()),
                sections: try reader.sections(), documents: try reader.documents(), messages: try reader.messages(),
                notices: try reader.notices(), clock: try reader.clock(), cards: try reader.cards(), planner: try reader.planner(),
                feedback: try reader.feedback(), memos: try reader.memos()
            )
        }
    }
}

/// Reads one account's rows inside the export's read transaction.
private struct ArchiveReader {
    let db: Database
    let account: String
    let people: [Int64: PersonRef]

    static func people(_ db: Database) throws -> [Int64: PersonRef] {
        var people: [Int64: PersonRef] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name, email FROM person") {
            let id: Int64 = row["id"]
            people[id] = PersonRef(id: PersonID(id), name: row["name"], email: row["email"])
        }
        return people
    }

    func person(_ row: Row, _ column: String) -> PersonRef? {
        let id: Int64? = row[column]
        return id.flatMap { people[$0] }
    }

    /// The rows of `sql` (whose first argument is the account), grouped by the column `key`.
    func grouped<Key: Hashable & DatabaseValueConvertible>(_ sql: String, by key: String, as _: Key.Type) throws -> [Key: [Row]] {
        Dictionary(grouping: try Row.fetchAll(db, sql: sql, arguments: [account]), by: { $0[key] as Key })
    }

    /// As ``grouped(_:by:as:)``, by an integer column (a parent's id).
    func grouped(_ sql: String, by key: String) throws -> [Int64: [Row]] {
        try grouped(sql, by: key, as: Int64.self)
    }

    func members() throws -> [ArchivedMember] {
        try Row.fetchAll(db, sql: "SELECT * FROM membership WHERE account_id = ? ORDER BY joined_at, person_id", arguments: [account])
            .compactMap { row in
                person(row, "person_id").map { person in
                    ArchivedMember(person: person, role: row["role"], source: row["source"], sites: StoredList.decode(row["sites"]),
                                   cities: StoredList.decode(row["cities"]), joinedAt: row["joined_at"])
                }
            }
    }

    func sections() throws -> [ArchivedSection] {
        let revisions = try grouped("SELECT * FROM section_revision WHERE account_id = ? ORDER BY key, revision", by: "key", as: String.self)
        let confirmations = try grouped("""
            SELECT * FROM must_read_confirmation WHERE account_id = ? ORDER BY key, confirmed_at, person_id
            """, by: "key", as: String.self)
        return try Row.fetchAll(db, sql: "SELECT * FROM section WHERE account_id = ? ORDER BY number, key", arguments: [account]).map { row in
            let key: String = row["key"]
            return ArchivedSection(
                key: key, number: row["number"], title: row["title"], titleEn: row["title_en"], origin: row["origin"],
                required: row["required"], mustRead: row["must_read"], restrictedTo: row["restricted_to"], editableBy: row["editable_by"],
                inUse: row["in_use"], inTemplate: row["in_template"], currentRevision: row["revision"],
                revisions: (revisions[key] ?? []).map { r in
                    .init(number: r["revision"], author: person(r, "author_id"), at: r["created_at"], body: r["body"])
                },
                confirmations: (confirmations[key] ?? []).map { c in
                    .init(person: person(c, "person_id"), revision: c["revision"], at: c["confirmed_at"])
                }
            )
        }
    }

    func documents() throws -> [ArchivedDocument] {
        let versions = try grouped("""
            SELECT v.* FROM document_version v JOIN document d ON d.id = v.document_id WHERE d.account_id = ? ORDER BY v.document_id, v.number
            """, by: "document_id")
        return try Row.fetchAll(db, sql: "SELECT * FROM document WHERE account_id = ? ORDER BY id", arguments: [account]).map { row in
            let id: Int64 = row["id"]
            return ArchivedDocument(
                id: id, section: row["section_key"], title: row["title"], kind: row["kind"], source: row["source"],
                contractStatus: row["contract_status"], validFrom: row["valid_from"], validUntil: row["valid_until"],
                createdBy: person(row, "created_by"), createdAt: row["created_at"], updatedAt: row["updated_at"],
                removedAt: row["removed_at"], removedBy: person(row, "removed_by"),
                versions: (versions[id] ?? []).map { v in
                    let sha256: String? = v["file_sha256"]
                    let name: String = v["file_name"] ?? "file"
                    return .init(
                        number: v["number"],
                        file: sha256.map { ArchivedFile(path: AccountExport.filePath(sha256: $0, name: name), name: name,
                                                         contentType: v["content_type"], size: v["size"] ?? 0, sha256: $0) },
                        url: v["url"], addedBy: person(v, "added_by"), addedAt: v["added_at"]
                    )
                }
            )
        }
    }

    func messages() throws -> [ArchivedMessage] {
        let edits = try grouped("""
            SELECT e.* FROM message_edit e JOIN message m ON m.id = e.message_id WHERE m.account_id = ? ORDER BY e.message_id, e.replaced_at, e.rowid
            """, by: "message_id")
        let mentions = try grouped("""
            SELECT mm.* FROM message_mention mm JOIN message m ON m.id = mm.message_id WHERE m.account_id = ? ORDER BY mm.message_id, mm.person_id
            """, by: "message_id")
        return try Row.fetchAll(db, sql: "SELECT * FROM message WHERE account_id = ? ORDER BY id", arguments: [account]).map { row in
            let id: Int64 = row["id"]
            let deletedAt: Date? = row["deleted_at"]
            return ArchivedMessage(
                id: id, author: person(row, "author_id"), authorName: row["author_name"], threadRoot: row["thread_root_id"],
                privateWith: person(row, "private_with"), body: row["body"],
                mentions: (mentions[id] ?? []).compactMap { person($0, "person_id") },
                createdAt: row["created_at"], editedAt: row["edited_at"], deleted: deletedAt != nil, deletedAt: deletedAt,
                deletedBy: person(row, "deleted_by"),
                edits: (edits[id] ?? []).map { e in .init(body: e["body"], replacedAt: e["replaced_at"], replacedBy: person(e, "replaced_by")) }
            )
        }
    }

    func notices() throws -> [ArchivedNotice] {
        let acks = try grouped("""
            SELECT a.* FROM notice_ack a JOIN notice n ON n.id = a.notice_id WHERE n.account_id = ? ORDER BY a.notice_id, a.acknowledged_at, a.person_id
            """, by: "notice_id")
        return try Row.fetchAll(db, sql: "SELECT * FROM notice WHERE account_id = ? ORDER BY id", arguments: [account]).map { row in
            let id: Int64 = row["id"]
            return ArchivedNotice(
                id: id, author: person(row, "author_id"), priority: row["priority"], title: row["title"], body: row["body"],
                createdAt: row["created_at"], expiresAt: row["expires_at"], withdrawnAt: row["withdrawn_at"], withdrawnBy: person(row, "withdrawn_by"),
                acknowledgements: (acks[id] ?? []).map { a in .init(person: person(a, "person_id"), at: a["acknowledged_at"]) }
            )
        }
    }

    func clock() throws -> [ArchivedClockEvent] {
        let marks = try grouped("""
            SELECT o.* FROM clock_occurrence o JOIN clock_event e ON e.id = o.event_id WHERE e.account_id = ? ORDER BY o.event_id, o.occurrence_date
            """, by: "event_id")
        return try Row.fetchAll(db, sql: "SELECT * FROM clock_event WHERE account_id = ? ORDER BY start_date, id", arguments: [account]).map { row in
            let id: Int64 = row["id"]
            return ArchivedClockEvent(
                id: id, templateKey: row["template_key"], title: row["title"], description: row["description"], kind: row["kind"],
                owner: row["owner"], startDate: row["start_date"], recurrence: row["recurrence"], leadDays: row["lead_days"],
                createdAt: row["created_at"], updatedAt: row["updated_at"], deletedAt: row["deleted_at"],
                occurrences: (marks[id] ?? []).map { m in
                    .init(date: m["occurrence_date"], status: m["status"], note: m["note"], markedBy: person(m, "marked_by"), markedAt: m["marked_at"])
                }
            )
        }
    }

    func cards() throws -> [ArchivedCard] {
        try Row.fetchAll(db, sql: "SELECT * FROM quality_card WHERE account_id = ? ORDER BY month, version", arguments: [account]).map { row in
            return ArchivedCard(
                month: row["month"], version: row["version"], status: row["status"], summary: row["summary"], asks: row["asks"],
                customerSatisfaction: row["customer_satisfaction"], auditScore: row["audit_score"], openComplaints: row["open_complaints"],
                monthlyBillingCents: row["monthly_billing_cents"],
                figures: try QualityCardStoreRules.decodeFigures(row["figures"]),
                createdBy: person(row, "created_by"), createdAt: row["created_at"], updatedBy: person(row, "updated_by"),
                updatedAt: row["updated_at"], submittedBy: person(row, "submitted_by"), submittedAt: row["submitted_at"]
            )
        }
    }

    func planner() throws -> [ArchivedBucket] {
        let tasks = try grouped("SELECT * FROM planner_task WHERE account_id = ? ORDER BY bucket_id, position, id", by: "bucket_id")
        let checklist = try grouped("""
            SELECT c.* FROM planner_checklist_item c JOIN planner_task t ON t.id = c.task_id WHERE t.account_id = ? ORDER BY c.task_id, c.position
            """, by: "task_id")
        let comments = try grouped("""
            SELECT c.* FROM planner_comment c JOIN planner_task t ON t.id = c.task_id WHERE t.account_id = ? ORDER BY c.task_id, c.id
            """, by: "task_id")
        return try Row.fetchAll(db, sql: "SELECT * FROM planner_bucket WHERE account_id = ? ORDER BY position, id", arguments: [account]).map { row in
            let id: Int64 = row["id"]
            return ArchivedBucket(
                id: id, name: row["name"], position: row["position"], templateKey: row["template_key"], createdAt: row["created_at"],
                updatedAt: row["updated_at"],
                tasks: (tasks[id] ?? []).map { t in
                    let task: Int64 = t["id"]
                    return .init(
                        id: task, position: t["position"], title: t["title"], description: t["description"], assignee: person(t, "assignee_id"),
                        startDate: t["start_date"], dueDate: t["due_date"], status: t["status"], labels: StoredList.decode(t["labels"]),
                        templateKey: t["template_key"], createdBy: person(t, "created_by"), createdAt: t["created_at"], updatedAt: t["updated_at"],
                        completedAt: t["completed_at"], deletedAt: t["deleted_at"],
                        checklist: (checklist[task] ?? []).map { c in .init(position: c["position"], text: c["text"], done: c["done"]) },
                        comments: (comments[task] ?? []).map { c in .init(author: person(c, "author_id"), body: c["body"], createdAt: c["created_at"]) }
                    )
                }
            )
        }
    }

    func feedback() throws -> [ArchivedFeedback] {
        let replies = try grouped("""
            SELECT r.* FROM feedback_reply r JOIN feedback f ON f.id = r.feedback_id WHERE f.account_id = ? ORDER BY r.feedback_id, r.id
            """, by: "feedback_id")
        return try Row.fetchAll(db, sql: "SELECT * FROM feedback WHERE account_id = ? ORDER BY id", arguments: [account]).map { row in
            let id: Int64 = row["id"]
            return ArchivedFeedback(
                id: id, author: person(row, "author_id"), anonymous: row["anonymous"], kind: row["kind"], body: row["body"], status: row["status"],
                createdAt: row["created_at"], updatedAt: row["updated_at"],
                replies: (replies[id] ?? []).map { r in .init(author: person(r, "author_id"), body: r["body"], status: r["status"], createdAt: r["created_at"]) }
            )
        }
    }

    func memos() throws -> [ArchivedMemo] {
        try Row.fetchAll(db, sql: "SELECT * FROM memo WHERE account_id = ? ORDER BY meeting_date, id", arguments: [account]).map { row in
            ArchivedMemo(
                id: row["id"], title: row["title"], meetingDate: row["meeting_date"], participants: StoredList.decode(row["participants"]),
                body: row["body"], author: person(row, "author_id"), createdAt: row["created_at"], editedAt: row["edited_at"],
                editedBy: person(row, "edited_by"), deletedAt: row["deleted_at"], deletedBy: person(row, "deleted_by")
            )
        }
    }
}
