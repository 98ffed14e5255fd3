import Foundation
import GRDB

extension SQLiteStore: PlannerStore {
    public func overduePlannerTaskCount(in account: AccountID, asOf day: LocalDate) async throws -> Int {
        let end = (day.adding(days: 1) ?? day).startInHelsinki
        return try await read("overduePlannerTaskCount") { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM planner_task
                WHERE account_id = ? AND due_date < ? AND created_at < ?
                  AND (completed_at IS NULL OR completed_at >= ?) AND (deleted_at IS NULL OR deleted_at >= ?)
                """, arguments: [account.rawValue, day.description, end, end, end]) ?? 0
        }
    }

    public func overduePlannerTasks(assignedTo person: PersonID, asOf day: LocalDate) async throws -> [AccountID: Int] {
        try await read("overduePlannerTasks") { db in
            // The conditions repeat the partial index planner_task_assignee_open's, so SQLite answers from it.
            let rows = try Row.fetchAll(db, sql: """
                SELECT account_id, COUNT(*) AS overdue FROM planner_task
                WHERE assignee_id = ? AND status <> 'done' AND deleted_at IS NULL AND due_date < ?
                GROUP BY account_id
                """, arguments: [person.rawValue, day.description])
            return Dictionary(uniqueKeysWithValues: rows.map { (AccountID(stored: $0["account_id"]), $0["overdue"]) })
        }
    }

    // MARK: - Reading

    public func plannerBuckets(in account: AccountID) async throws -> [PlannerBucket] {
        try await read("plannerBuckets") { db in try Self.fetchBuckets(db, account) }
    }

    public func plannerTasks(in account: AccountID) async throws -> [PlannerTask] {
        try await read("plannerTasks") { db in
            let rows = try Row.fetchAll(db, sql: Self.taskSelect + """
                 JOIN planner_bucket b ON b.id = t.bucket_id
                WHERE t.account_id = ? AND t.deleted_at IS NULL ORDER BY b.position, b.id, t.position, t.id
                """, arguments: [account.rawValue])
            let items = try Row.fetchAll(db, sql: """
                SELECT i.* FROM planner_checklist_item i JOIN planner_task t ON t.id = i.task_id
                WHERE t.account_id = ? AND t.deleted_at IS NULL ORDER BY i.task_id, i.position, i.id
                """, arguments: [account.rawValue])
            let checklists = Dictionary(grouping: items, by: { PlannerTaskID($0["task_id"]) }).mapValues { $0.map(PlannerChecklistItem.init(row:)) }
            return rows.map { row in PlannerTask(row: row, checklist: checklists[PlannerTaskID(row["id"])] ?? []) }
        }
    }

    public func plannerTask(_ id: PlannerTaskID, in account: AccountID) async throws -> PlannerTask? {
        try await read("plannerTask") { db in try Self.fetchTask(db, id, account) }
    }

    public func plannerComments(of task: PlannerTaskID, in account: AccountID) async throws -> [PlannerComment] {
        try await read("plannerComments") { db in
            guard try Self.fetchTask(db, task, account) != nil else { throw KanavaError.notFound("task \(task)") }
            return try Row.fetchAll(db, sql: Self.commentSelect + " WHERE c.task_id = ? ORDER BY c.id", arguments: [task.rawValue])
                .map(PlannerComment.init(row:))
        }
    }

    // MARK: - Buckets

    public func createPlannerBucket(in account: AccountID, name: String, at time: Date,
                                    events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket> {
        try await write("createPlannerBucket") { db in
            guard try Self.fetchAccount(db, account) != nil else { throw KanavaError.notFound("channel \(account)") }
            let bucket = try Self.insertBucket(db, account, name: name, templateKey: nil, at: time)
            return Committed(bucket, events: try db.append(events(bucket), at: time))
        }
    }

    public func renamePlannerBucket(_ id: PlannerBucketID, in account: AccountID, name: String, at time: Date,
                                    events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket> {
        try await write("renamePlannerBucket") { db in
            try db.execute(sql: "UPDATE planner_bucket SET name = ?, updated_at = ? WHERE id = ? AND account_id = ?",
                           arguments: [name, time, id.rawValue, account.rawValue])
            guard db.changesCount == 1, let bucket = try Self.fetchBucket(db, id, account) else { throw KanavaError.notFound("bucket \(id)") }
            return Committed(bucket, events: try db.append(events(bucket), at: time))
        }
    }

    public func movePlannerBucket(_ id: PlannerBucketID, in account: AccountID, to index: Int, at time: Date,
                                  events: @escaping PlannerEvents<PlannerBucketMove>) async throws -> Committed<PlannerBucketMove> {
        try await write("movePlannerBucket") { db in
            guard try Self.fetchBucket(db, id, account) != nil else { throw KanavaError.notFound("bucket \(id)") }
            let order = PlannerStoreRules.placing(id, at: index, in: try Self.fetchBuckets(db, account).map(\.id).filter { $0 != id })
            try Self.renumberBuckets(db, order)
            try db.execute(sql: "UPDATE planner_bucket SET updated_at = ? WHERE id = ?", arguments: [time, id.rawValue])
            let move = PlannerBucketMove(bucket: try Self.fetchBucket(db, id, account)!, order: order)
            return Committed(move, events: try db.append(events(move), at: time))
        }
    }

    public func deletePlannerBucket(_ id: PlannerBucketID, in account: AccountID, at time: Date,
                                    events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket> {
        try await write("deletePlannerBucket") { db in
            guard let bucket = try Self.fetchBucket(db, id, account) else { throw KanavaError.notFound("bucket \(id)") }
            let open = try Self.liveTaskIDs(db, in: id).count
            guard open == 0 else { throw PlannerStoreRules.bucketNotEmpty(bucket, open: open) }
            let others = try Self.fetchBuckets(db, account).map(\.id).filter { $0 != id }
            guard let first = others.first else { throw PlannerStoreRules.lastBucket }
            // Deleted tasks stay (past months' overdue figures count them): they go with the first remaining bucket.
            try db.execute(sql: "UPDATE planner_task SET bucket_id = ? WHERE bucket_id = ?", arguments: [first.rawValue, id.rawValue])
            try db.execute(sql: "DELETE FROM planner_bucket WHERE id = ?", arguments: [id.rawValue])
            try Self.renumberBuckets(db, others)
            return Committed(bucket, events: try db.append(events(bucket), at: time))
        }
    }

    // MARK: - Tasks

    public func createPlannerTask(in account: AccountID, bucket: PlannerBucketID, _ fields: PlannerTaskFields, by person: PersonID?, at time: Date,
                                  events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> {
        try await write("createPlannerTask") { db in
            guard try Self.fetchBucket(db, bucket, account) != nil else { throw KanavaError.notFound("bucket \(bucket)") }
            if let assignee = fields.assignee { try Self.requireMember(db, assignee, of: account) }
            try Self.requireRoomForTask(db, account)
            let id = try Self.insertTask(db, account, bucket: bucket, fields, templateKey: nil, by: person, at: time)
            let task = try Self.fetchTask(db, id, account)!
            return Committed(task, events: try db.append(events(task), at: time))
        }
    }

    public func updatePlannerTask(_ id: PlannerTaskID, in account: AccountID, _ fields: PlannerTaskFields, at time: Date,
                                  events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> {
        try await write("updatePlannerTask") { db in
            guard let before = try Self.fetchTask(db, id, account) else { throw KanavaError.notFound("task \(id)") }
            if let assignee = fields.assignee, assignee != before.assignee?.id { try Self.requireMember(db, assignee, of: account) }
            try db.execute(sql: """
                UPDATE planner_task SET title = ?, description = ?, assignee_id = ?, start_date = ?, due_date = ?, status = ?, labels = ?,
                    updated_at = ?, completed_at = CASE WHEN ? = 'done' THEN COALESCE(completed_at, ?) ELSE NULL END
                WHERE id = ?
                """, arguments: [fields.title, fields.description, fields.assignee?.rawValue, fields.startDate?.description,
                                 fields.dueDate?.description, fields.status.rawValue, try StoredList.encode(fields.labels), time,
                                 fields.status.rawValue, time, id.rawValue])
            try Self.replaceChecklist(db, of: id, with: fields.checklist)
            let task = try Self.fetchTask(db, id, account)!
            return Committed(task, events: try db.append(events(task), at: time))
        }
    }

    public func setPlannerChecklistItem(_ item: PlannerChecklistItemID, of task: PlannerTaskID, in account: AccountID, done: Bool, at time: Date,
                                        events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> {
        try await write("setPlannerChecklistItem") { db in
            guard try Self.fetchTask(db, task, account) != nil else { throw KanavaError.notFound("task \(task)") }
            try db.execute(sql: "UPDATE planner_checklist_item SET done = ? WHERE id = ? AND task_id = ?", arguments: [done, item.rawValue, task.rawValue])
            guard db.changesCount == 1 else { throw KanavaError.notFound("checklist item \(item)") }
            try db.execute(sql: "UPDATE planner_task SET updated_at = ? WHERE id = ?", arguments: [time, task.rawValue])
            let stored = try Self.fetchTask(db, task, account)!
            return Committed(stored, events: try db.append(events(stored), at: time))
        }
    }

    public func movePlannerTask(_ id: PlannerTaskID, in account: AccountID, to bucket: PlannerBucketID, index: Int, at time: Date,
                                events: @escaping PlannerEvents<PlannerTaskMove>) async throws -> Committed<PlannerTaskMove> {
        try await write("movePlannerTask") { db in
            guard let task = try Self.fetchTask(db, id, account) else { throw KanavaError.notFound("task \(id)") }
            guard try Self.fetchBucket(db, bucket, account) != nil else { throw KanavaError.notFound("bucket \(bucket)") }
            let source = try Self.liveTaskIDs(db, in: task.bucket).filter { $0 != id }
            let target = PlannerStoreRules.placing(id, at: index, in: bucket == task.bucket ? source : try Self.liveTaskIDs(db, in: bucket))
            try db.execute(sql: "UPDATE planner_task SET bucket_id = ?, updated_at = ? WHERE id = ?", arguments: [bucket.rawValue, time, id.rawValue])
            var order = [PlannerBucketOrder(bucket: bucket, tasks: target)]
            if bucket != task.bucket {
                try Self.renumberTasks(db, source)
                order.insert(PlannerBucketOrder(bucket: task.bucket, tasks: source), at: 0)
            }
            try Self.renumberTasks(db, target)
            let move = PlannerTaskMove(task: try Self.fetchTask(db, id, account)!, from: task.bucket, order: order)
            return Committed(move, events: try db.append(events(move), at: time))
        }
    }

    public func deletePlannerTask(_ id: PlannerTaskID, in account: AccountID, at time: Date,
                                  events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> {
        try await write("deletePlannerTask") { db in
            guard let task = try Self.fetchTask(db, id, account) else { throw KanavaError.notFound("task \(id)") }
            try db.execute(sql: "UPDATE planner_task SET deleted_at = ? WHERE id = ?", arguments: [time, id.rawValue])
            try Self.renumberTasks(db, try Self.liveTaskIDs(db, in: task.bucket))
            return Committed(task, events: try db.append(events(task), at: time))
        }
    }

    public func addPlannerComment(to task: PlannerTaskID, in account: AccountID, body: String, by person: PersonID?, at time: Date,
                                  events: @escaping PlannerEvents<PlannerCommentAdded>) async throws -> Committed<PlannerCommentAdded> {
        try await write("addPlannerComment") { db in
            guard try Self.fetchTask(db, task, account) != nil else { throw KanavaError.notFound("task \(task)") }
            try db.execute(sql: "INSERT INTO planner_comment (task_id, author_id, body, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [task.rawValue, person?.rawValue, body, time])
            let comment = try Row.fetchOne(db, sql: Self.commentSelect + " WHERE c.id = ?", arguments: [db.lastInsertedRowID]).map(PlannerComment.init(row:))!
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM planner_comment WHERE task_id = ?", arguments: [task.rawValue]) ?? 0
            let added = PlannerCommentAdded(comment: comment, commentCount: count)
            return Committed(added, events: try db.append(events(added), at: time))
        }
    }

    // MARK: - Templates

    public func applyPlannerTemplate(_ plan: [PlannerTemplateBucketPlan], to account: AccountID, by person: PersonID?, at time: Date,
                                     events: @escaping PlannerEvents<PlannerTemplateAdded>) async throws -> Committed<PlannerTemplateAdded> {
        try await write("applyPlannerTemplate") { db in
            guard try Self.fetchAccount(db, account) != nil else { throw KanavaError.notFound("channel \(account)") }
            let byRole = Dictionary(grouping: try Row.fetchAll(db, sql: "SELECT person_id, role FROM membership WHERE account_id = ?",
                                                               arguments: [account.rawValue]),
                                    by: { ChannelRole(rawValue: $0["role"]) }).mapValues { $0.map { PersonID($0["person_id"]) } }
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM planner_task WHERE account_id = ? AND template_key = ?")
            var buckets: [PlannerBucket] = []
            var added: [PlannerTaskID] = []
            for bucketPlan in plan {
                var bucket = try Row.fetchOne(db, sql: "SELECT * FROM planner_bucket WHERE account_id = ? AND template_key = ?",
                                              arguments: [account.rawValue, bucketPlan.templateKey]).map(PlannerBucket.init(row:))
                for taskPlan in bucketPlan.tasks where try Int.fetchOne(exists, arguments: [account.rawValue, taskPlan.templateKey]) == nil {
                    if bucket == nil {
                        let made = try Self.insertBucket(db, account, name: bucketPlan.name, templateKey: bucketPlan.templateKey, at: time)
                        buckets.append(made)
                        bucket = made
                    }
                    try Self.requireRoomForTask(db, account)
                    let fields = PlannerStoreRules.fields(of: taskPlan) { byRole[$0] }
                    added.append(try Self.insertTask(db, account, bucket: bucket!.id, fields, templateKey: taskPlan.templateKey, by: person, at: time))
                }
            }
            let tasks = try added.map { try Self.fetchTask(db, $0, account)! }
            let result = PlannerTemplateAdded(buckets: buckets, tasks: tasks)
            return Committed(result, events: try db.append(events(result), at: time))
        }
    }

    // MARK: - Rows

    private static func fetchBuckets(_ db: Database, _ account: AccountID) throws -> [PlannerBucket] {
        try Row.fetchAll(db, sql: "SELECT * FROM planner_bucket WHERE account_id = ? ORDER BY position, id", arguments: [account.rawValue])
            .map(PlannerBucket.init(row:))
    }

    private static func fetchBucket(_ db: Database, _ id: PlannerBucketID, _ account: AccountID) throws -> PlannerBucket? {
        try Row.fetchOne(db, sql: "SELECT * FROM planner_bucket WHERE id = ? AND account_id = ?", arguments: [id.rawValue, account.rawValue])
            .map(PlannerBucket.init(row:))
    }

    /// Adds a bucket at the right end, within ``PlannerLimits/maxBuckets``.
    private static func insertBucket(_ db: Database, _ account: AccountID, name: String, templateKey: String?, at time: Date) throws -> PlannerBucket {
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM planner_bucket WHERE account_id = ?", arguments: [account.rawValue]) ?? 0
        guard count < PlannerLimits.maxBuckets else { throw PlannerStoreRules.tooManyBuckets }
        return try Row.fetchOne(db, sql: """
            INSERT INTO planner_bucket (account_id, name, position, template_key, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *
            """, arguments: [account.rawValue, name, count, templateKey, time]).map(PlannerBucket.init(row:))!
    }

    private static func renumberBuckets(_ db: Database, _ order: [PlannerBucketID]) throws {
        let update = try db.cachedStatement(sql: "UPDATE planner_bucket SET position = ? WHERE id = ? AND position <> ?")
        for (position, id) in order.enumerated() { try update.execute(arguments: [position, id.rawValue, position]) }
    }

    /// The bucket's tasks that are not deleted, top to bottom.
    private static func liveTaskIDs(_ db: Database, in bucket: PlannerBucketID) throws -> [PlannerTaskID] {
        try Int64.fetchAll(db, sql: "SELECT id FROM planner_task WHERE bucket_id = ? AND deleted_at IS NULL ORDER BY position, id",
                           arguments: [bucket.rawValue]).map { PlannerTaskID($0) }
    }

    private static func renumberTasks(_ db: Database, _ order: [PlannerTaskID]) throws {
        let update = try db.cachedStatement(sql: "UPDATE planner_task SET position = ? WHERE id = ? AND position <> ?")
        for (position, id) in order.enumerated() { try update.execute(arguments: [position, id.rawValue, position]) }
    }

    private static func requireMember(_ db: Database, _ person: PersonID, of account: AccountID) throws {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM membership WHERE account_id = ? AND person_id = ?",
                               arguments: [account.rawValue, person.rawValue]) != nil else {
            throw PlannerStoreRules.notAMember(person)
        }
    }

    private static func requireRoomForTask(_ db: Database, _ account: AccountID) throws {
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM planner_task WHERE account_id = ? AND deleted_at IS NULL",
                                     arguments: [account.rawValue]) ?? 0
        guard count < PlannerLimits.maxTasks else { throw PlannerStoreRules.tooManyTasks }
    }

    /// Inserts a task at the bottom of `bucket`, with its checklist.
    private static func insertTask(_ db: Database, _ account: AccountID, bucket: PlannerBucketID, _ fields: PlannerTaskFields, templateKey: String?,
                                   by person: PersonID?, at time: Date) throws -> PlannerTaskID {
        let position = try liveTaskIDs(db, in: bucket).count
        try db.execute(sql: """
            INSERT INTO planner_task (account_id, bucket_id, position, title, description, assignee_id, start_date, due_date, status, labels,
                                      template_key, created_by, created_at, completed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [account.rawValue, bucket.rawValue, position, fields.title, fields.description, fields.assignee?.rawValue,
                             fields.startDate?.description, fields.dueDate?.description, fields.status.rawValue, try StoredList.encode(fields.labels),
                             templateKey, person?.rawValue, time, fields.status == .done ? time : nil])
        let id = PlannerTaskID(db.lastInsertedRowID)
        try replaceChecklist(db, of: id, with: fields.checklist)
        return id
    }

    /// Makes the task's checklist `lines`, in that order: lines with an id update that item, others are added, and
    /// items not named are removed.
    private static func replaceChecklist(_ db: Database, of task: PlannerTaskID, with lines: [PlannerChecklistLine]) throws {
        let existing = Set(try Int64.fetchAll(db, sql: "SELECT id FROM planner_checklist_item WHERE task_id = ?", arguments: [task.rawValue]))
        if let unknown = lines.compactMap(\.id).first(where: { !existing.contains($0.rawValue) }) {
            throw KanavaError.notFound("checklist item \(unknown)")
        }
        let kept = Set(lines.compactMap(\.id?.rawValue))
        for id in existing.subtracting(kept) {
            try db.execute(sql: "DELETE FROM planner_checklist_item WHERE id = ?", arguments: [id])
        }
        let update = try db.cachedStatement(sql: "UPDATE planner_checklist_item SET position = ?, text = ?, done = ? WHERE id = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO planner_checklist_item (task_id, position, text, done) VALUES (?, ?, ?, ?)")
        for (position, line) in lines.enumerated() {
            if let id = line.id {
                try update.execute(arguments: [position, line.text, line.done, id.rawValue])
            } else {
                try insert.execute(arguments: [task.rawValue, position, line.text, line.done])
            }
        }
    }

    private static let taskSelect = """
        SELECT t.*, a.name AS assignee_name, a.email AS assignee_email, c.name AS creator_name, c.email AS creator_email,
               (SELECT COUNT(*) FROM planner_comment pc WHERE pc.task_id = t.id) AS comment_count
        FROM planner_task t LEFT JOIN person a ON a.id = t.assignee_id LEFT JOIN person c ON c.id = t.created_by
        """

    private static let commentSelect = """
        SELECT c.*, p.name AS author_name, p.email AS author_email FROM planner_comment c LEFT JOIN person p ON p.id = c.author_id
        """

    /// A task of `account` that is not deleted, with its checklist.
    private static func fetchTask(_ db: Database, _ id: PlannerTaskID, _ account: AccountID) throws -> PlannerTask? {
        guard let row = try Row.fetchOne(db, sql: taskSelect + " WHERE t.id = ? AND t.account_id = ? AND t.deleted_at IS NULL",
                                         arguments: [id.rawValue, account.rawValue]) else { return nil }
        let items = try Row.fetchAll(db, sql: "SELECT * FROM planner_checklist_item WHERE task_id = ? ORDER BY position, id", arguments: [id.rawValue])
        return PlannerTask(row: row, checklist: items.map(PlannerChecklistItem.init(row:)))
    }
}

extension PlannerBucket {
    init(row: Row) {
        self.init(id: PlannerBucketID(row["id"]), account: AccountID(stored: row["account_id"]), name: row["name"], position: row["position"],
                  templateKey: row["template_key"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}

extension PlannerChecklistItem {
    init(row: Row) {
        self.init(id: PlannerChecklistItemID(row["id"]), text: row["text"], done: row["done"])
    }
}

extension PlannerTask {
    init(row: Row, checklist: [PlannerChecklistItem]) {
        let assignee: Int64? = row["assignee_id"]
        let creator: Int64? = row["created_by"]
        let start: String? = row["start_date"]
        let due: String? = row["due_date"]
        self.init(
            id: PlannerTaskID(row["id"]),
            account: AccountID(stored: row["account_id"]),
            bucket: PlannerBucketID(row["bucket_id"]),
            position: row["position"],
            title: row["title"],
            description: row["description"],
            assignee: assignee.map { PersonRef(id: PersonID($0), name: row["assignee_name"] ?? "", email: row["assignee_email"] ?? "") },
            startDate: start.flatMap(LocalDate.init),
            dueDate: due.flatMap(LocalDate.init),
            // Stored values were validated when written.
            status: PlannerTaskStatus(rawValue: row["status"]) ?? .notStarted,
            labels: StoredList.decode(row["labels"]),
            checklist: checklist,
            commentCount: row["comment_count"],
            templateKey: row["template_key"],
            createdBy: creator.map { PersonRef(id: PersonID($0), name: row["creator_name"] ?? "", email: row["creator_email"] ?? "") },
            createdAt: row["created_at"],
            updatedAt: row["updated_at"],
            completedAt: row["completed_at"]
        )
    }
}

extension PlannerComment {
    init(row: Row) {
        let author: Int64? = row["author_id"]
        self.init(id: PlannerCommentID(row["id"]), task: PlannerTaskID(row["task_id"]),
                  author: author.map { PersonRef(id: PersonID($0), name: row["author_name"] ?? "", email: row["author_email"] ?? "") },
                  body: row["body"], createdAt: row["created_at"])
    }
}
