import Foundation
import PostgresNIO

/// The planner on PostgreSQL. Every write first locks the account's channel row (``PostgresDB/lockChannel(_:)``), the row its
/// events' append locks anyway: so two nodes' moves, renumberings, inserts at the bottom and limit checks of one
/// planner run one after the other, as SQLite's single writer runs them.
extension PostgresStore: PlannerStore {
    public func overduePlannerTaskCount(in account: AccountID, asOf day: LocalDate) async throws -> Int {
        let end = (day.adding(days: 1) ?? day).startInHelsinki
        return try await read("overduePlannerTaskCount") { db in
            try await db.value("""
                SELECT COUNT(*) FROM planner_task
                WHERE account_id = \(account.rawValue) AND due_date < \(day.description) COLLATE "C" AND created_at < \(end)
                  AND (completed_at IS NULL OR completed_at >= \(end)) AND (deleted_at IS NULL OR deleted_at >= \(end))
                """, as: Int.self) ?? 0
        }
    }

    public func overduePlannerTasks(assignedTo person: PersonID, asOf day: LocalDate) async throws -> [AccountID: Int] {
        try await read("overduePlannerTasks") { db in
            // The conditions repeat the partial index planner_task_assignee_open's, so PostgreSQL may answer from it.
            var counts: [AccountID: Int] = [:]
            for row in try await db.rows("""
                SELECT account_id, COUNT(*) AS overdue FROM planner_task
                WHERE assignee_id = \(person.rawValue) AND status <> 'done' AND deleted_at IS NULL AND due_date < \(day.description) COLLATE "C"
                GROUP BY account_id
                """) {
                counts[AccountID(stored: try row["account_id"])] = try row["overdue"]
            }
            return counts
        }
    }

    // MARK: - Reading

    public func plannerBuckets(in account: AccountID) async throws -> [PlannerBucket] {
        try await read("plannerBuckets") { db in try await Self.fetchBuckets(db, account) }
    }

    public func plannerTasks(in account: AccountID) async throws -> [PlannerTask] {
        try await read("plannerTasks") { db in
            let rows = try await db.rows("""
                \(unescaped: Self.taskSelect) JOIN planner_bucket b ON b.id = t.bucket_id
                WHERE t.account_id = \(account.rawValue) AND t.deleted_at IS NULL ORDER BY b.position, b.id, t.position, t.id
                """)
            var checklists: [PlannerTaskID: [PlannerChecklistItem]] = [:]
            for row in try await db.rows("""
                SELECT i.* FROM planner_checklist_item i JOIN planner_task t ON t.id = i.task_id
                WHERE t.account_id = \(account.rawValue) AND t.deleted_at IS NULL ORDER BY i.task_id, i.position, i.id
                """) {
                checklists[PlannerTaskID(try row["task_id"]), default: []].append(try PlannerChecklistItem(pg: row))
            }
            return try rows.map { row in try PlannerTask(pg: row, checklist: checklists[PlannerTaskID(try row["id"])] ?? []) }
        }
    }

    public func plannerTask(_ id: PlannerTaskID, in account: AccountID) async throws -> PlannerTask? {
        try await read("plannerTask") { db in try await Self.fetchTask(db, id, account) }
    }

    public func plannerComments(of task: PlannerTaskID, in account: AccountID) async throws -> [PlannerComment] {
        try await read("plannerComments") { db in
            guard try await Self.fetchTask(db, task, account) != nil else { throw KanavaError.notFound("task \(task)") }
            return try await db.rows("\(unescaped: Self.commentSelect) WHERE c.task_id = \(task.rawValue) ORDER BY c.id")
                .map(PlannerComment.init(pg:))
        }
    }

    // MARK: - Buckets

    public func createPlannerBucket(in account: AccountID, name: String, at time: Date,
                                    events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket> {
        try await write("createPlannerBucket") { db in
            guard try await db.lockChannel(account) else { throw KanavaError.notFound("channel \(account)") }
            let bucket = try await Self.insertBucket(db, account, name: name, templateKey: nil, at: time)
            return Committed(bucket, events: try await db.append(events(bucket), at: time))
        }
    }

    public func renamePlannerBucket(_ id: PlannerBucketID, in account: AccountID, name: String, at time: Date,
                                    events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket> {
        try await write("renamePlannerBucket") { db in
            try await db.lockChannel(account)
            guard let bucket = try await db.row("""
                UPDATE planner_bucket SET name = \(name), updated_at = \(time) WHERE id = \(id.rawValue) AND account_id = \(account.rawValue)
                RETURNING *
                """).map(PlannerBucket.init(pg:)) else { throw KanavaError.notFound("bucket \(id)") }
            return Committed(bucket, events: try await db.append(events(bucket), at: time))
        }
    }

    public func movePlannerBucket(_ id: PlannerBucketID, in account: AccountID, to index: Int, at time: Date,
                                  events: @escaping PlannerEvents<PlannerBucketMove>) async throws -> Committed<PlannerBucketMove> {
        try await write("movePlannerBucket") { db in
            try await db.lockChannel(account)
            guard try await Self.fetchBucket(db, id, account) != nil else { throw KanavaError.notFound("bucket \(id)") }
            let order = PlannerStoreRules.placing(id, at: index, in: try await Self.fetchBuckets(db, account).map(\.id).filter { $0 != id })
            try await Self.renumberBuckets(db, order)
            try await db.execute("UPDATE planner_bucket SET updated_at = \(time) WHERE id = \(id.rawValue)")
            let move = PlannerBucketMove(bucket: try await Self.fetchBucket(db, id, account)!, order: order)
            return Committed(move, events: try await db.append(events(move), at: time))
        }
    }

    public func deletePlannerBucket(_ id: PlannerBucketID, in account: AccountID, at time: Date,
                                    events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket> {
        try await write("deletePlannerBucket") { db in
            try await db.lockChannel(account)
            guard let bucket = try await Self.fetchBucket(db, id, account) else { throw KanavaError.notFound("bucket \(id)") }
            let open = try await Self.liveTaskIDs(db, in: id).count
            guard open == 0 else { throw PlannerStoreRules.bucketNotEmpty(bucket, open: open) }
            let others = try await Self.fetchBuckets(db, account).map(\.id).filter { $0 != id }
            guard let first = others.first else { throw PlannerStoreRules.lastBucket }
            // Deleted tasks stay (past months' overdue figures count them): they go with the first remaining bucket.
            try await db.execute("UPDATE planner_task SET bucket_id = \(first.rawValue) WHERE bucket_id = \(id.rawValue)")
            try await db.execute("DELETE FROM planner_bucket WHERE id = \(id.rawValue)")
            try await Self.renumberBuckets(db, others)
            return Committed(bucket, events: try await db.append(events(bucket), at: time))
        }
    }

    // MARK: - Tasks

    public func createPlannerTask(in account: AccountID, bucket: PlannerBucketID, _ fields: PlannerTaskFields, by person: PersonID?, at time: Date,
                                  events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> {
        try await write("createPlannerTask") { db in
            try await db.lockChannel(account)
            guard try await Self.fetchBucket(db, bucket, account) != nil else { throw KanavaError.notFound("bucket \(bucket)") }
            if let assignee = fields.assignee { try await Self.requireMember(db, assignee, of: account) }
            try await Self.requireRoomForTask(db, account)
            let id = try await Self.insertTask(db, account, bucket: bucket, fields, templateKey: nil, by: person, at: time)
            let task = try await Self.fetchTask(db, id, account)!
            return Committed(task, events: try await db.append(events(task), at: time))
        }
    }

    public func updatePlannerTask(_ id: PlannerTaskID, in account: AccountID, _ fields: PlannerTaskFields, at time: Date,
                                  events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> {
        try await write("updatePlannerTask") { db in
            try await db.lockChannel(account)
            guard let before = try await Self.fetchTask(db, id, account) else { throw KanavaError.notFound("task \(id)") }
            if let assignee = fields.assignee, assignee != before.assignee?.id { try await Self.requireMember(db, assignee, of: account) }
            try await db.execute("""
                UPDATE planner_task SET title = \(fields.title), description = \(fields.description), assignee_id = \(fields.assignee?.rawValue),
                    start_date = \(fields.startDate?.description), due_date = \(fields.dueDate?.description), status = \(fields.status.rawValue),
                    labels = \(try StoredList.encode(fields.labels)), updated_at = \(time),
                    completed_at = CASE WHEN \(fields.status == .done) THEN COALESCE(completed_at, \(time)) ELSE NULL END
                WHERE id = \(id.rawValue)
                """)
            try await Self.replaceChecklist(db, of: id, with: fields.checklist)
            let task = try await Self.fetchTask(db, id, account)!
            return Committed(task, events: try await db.append(events(task), at: time))
        }
    }

    public func setPlannerChecklistItem(_ item: PlannerChecklistItemID, of task: PlannerTaskID, in account: AccountID, done: Bool, at time: Date,
                                        events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> {
        try await write("setPlannerChecklistItem") { db in
            try await db.lockChannel(account)
            guard try await Self.fetchTask(db, task, account) != nil else { throw KanavaError.notFound("task \(task)") }
            guard try await db.execute("""
                UPDATE planner_checklist_item SET done = \(done) WHERE id = \(item.rawValue) AND task_id = \(task.rawValue)
                """) == 1 else { throw KanavaError.notFound("checklist item \(item)") }
            try await db.execute("UPDATE planner_task SET updated_at = \(time) WHERE id = \(task.rawValue)")
            let stored = try await Self.fetchTask(db, task, account)!
            return Committed(stored, events: try await db.append(events(stored), at: time))
        }
    }

    public func movePlannerTask(_ id: PlannerTaskID, in account: AccountID, to bucket: PlannerBucketID, index: Int, at time: Date,
                                events: @escaping PlannerEvents<PlannerTaskMove>) async throws -> Committed<PlannerTaskMove> {
        try await write("movePlannerTask") { db in
            try await db.lockChannel(account)
            guard let task = try await Self.fetchTask(db, id, account) else { throw KanavaError.notFound("task \(id)") }
            guard try await Self.fetchBucket(db, bucket, account) != nil else { throw KanavaError.notFound("bucket \(bucket)") }
            let source = try await Self.liveTaskIDs(db, in: task.bucket).filter { $0 != id }
            let target = PlannerStoreRules.placing(id, at: index, in: bucket == task.bucket ? source : try await Self.liveTaskIDs(db, in: bucket))
            try await db.execute("UPDATE planner_task SET bucket_id = \(bucket.rawValue), updated_at = \(time) WHERE id = \(id.rawValue)")
            var order = [PlannerBucketOrder(bucket: bucket, tasks: target)]
            if bucket != task.bucket {
                try await Self.renumberTasks(db, source)
                order.insert(PlannerBucketOrder(bucket: task.bucket, tasks: source), at: 0)
            }
            try await Self.renumberTasks(db, target)
            let move = PlannerTaskMove(task: try await Self.fetchTask(db, id, account)!, from: task.bucket, order: order)
            return Committed(move, events: try await db.append(events(move), at: time))
        }
    }

    public func deletePlannerTask(_ id: PlannerTaskID, in account: AccountID, at time: Date,
                                  events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> {
        try await write("deletePlannerTask") { db in
            try await db.lockChannel(account)
            guard let task = try await Self.fetchTask(db, id, account) else { throw KanavaError.notFound("task \(id)") }
            try await db.execute("UPDATE planner_task SET deleted_at = \(time) WHERE id = \(id.rawValue)")
            try await Self.renumberTasks(db, try await Self.liveTaskIDs(db, in: task.bucket))
            return Committed(task, events: try await db.append(events(task), at: time))
        }
    }

    public func addPlannerComment(to task: PlannerTaskID, in account: AccountID, body: String, by person: PersonID?, at time: Date,
                                  events: @escaping PlannerEvents<PlannerCommentAdded>) async throws -> Committed<PlannerCommentAdded> {
        try await write("addPlannerComment") { db in
            try await db.lockChannel(account)
            guard try await Self.fetchTask(db, task, account) != nil else { throw KanavaError.notFound("task \(task)") }
            let id = try await db.value("""
                INSERT INTO planner_comment (task_id, author_id, body, created_at) VALUES (\(task.rawValue), \(person?.rawValue), \(body), \(time))
                RETURNING id
                """, as: Int64.self)!
            let comment = try await db.row("\(unescaped: Self.commentSelect) WHERE c.id = \(id)").map(PlannerComment.init(pg:))!
            let count = try await db.value("SELECT COUNT(*) FROM planner_comment WHERE task_id = \(task.rawValue)", as: Int.self) ?? 0
            let added = PlannerCommentAdded(comment: comment, commentCount: count)
            return Committed(added, events: try await db.append(events(added), at: time))
        }
    }

    // MARK: - Templates

    public func applyPlannerTemplate(_ plan: [PlannerTemplateBucketPlan], to account: AccountID, by person: PersonID?, at time: Date,
                                     events: @escaping PlannerEvents<PlannerTemplateAdded>) async throws -> Committed<PlannerTemplateAdded> {
        try await write("applyPlannerTemplate") { db in
            guard try await db.lockChannel(account) else { throw KanavaError.notFound("channel \(account)") }
            var byRole: [ChannelRole: [PersonID]] = [:]
            for row in try await db.rows("SELECT person_id, role FROM membership WHERE account_id = \(account.rawValue)") {
                guard let role = ChannelRole(rawValue: try row["role"]) else { continue }
                byRole[role, default: []].append(PersonID(try row["person_id"]))
            }
            // The account's tasks (deleted ones too) already made from the plan's template keys.
            var present = Set(try await db.rows("""
                SELECT template_key FROM planner_task WHERE account_id = \(account.rawValue)
                  AND template_key = ANY(\(plan.flatMap { $0.tasks.map(\.templateKey) }))
                """).map { row -> String in try row["template_key"] })
            var buckets: [PlannerBucket] = []
            var added: [PlannerTaskID] = []
            for bucketPlan in plan {
                var bucket = try await db.row("""
                    SELECT * FROM planner_bucket WHERE account_id = \(account.rawValue) AND template_key = \(bucketPlan.templateKey)
                    """).map(PlannerBucket.init(pg:))
                for taskPlan in bucketPlan.tasks where !present.contains(taskPlan.templateKey) {
                    if bucket == nil {
                        let made = try await Self.insertBucket(db, account, name: bucketPlan.name, templateKey: bucketPlan.templateKey, at: time)
                        buckets.append(made)
                        bucket = made
                    }
                    try await Self.requireRoomForTask(db, account)
                    added.append(try await Self.insertTask(db, account, bucket: bucket!.id, PlannerStoreRules.fields(of: taskPlan) { byRole[$0] },
                                                           templateKey: taskPlan.templateKey, by: person, at: time))
                    present.insert(taskPlan.templateKey)
                }
            }
            var tasks: [PlannerTask] = []
            for id in added { tasks.append(try await Self.fetchTask(db, id, account)!) }
            let result = PlannerTemplateAdded(buckets: buckets, tasks: tasks)
            return Committed(result, events: try await db.append(events(result), at: time))
        }
    }

    // MARK: - Rows


    private static func fetchBuckets(_ db: PostgresDB, _ account: AccountID) async throws -> [PlannerBucket] {
        try await db.rows("SELECT * FROM planner_bucket WHERE account_id = \(account.rawValue) ORDER BY position, id").map(PlannerBucket.init(pg:))
    }

    private static func fetchBucket(_ db: PostgresDB, _ id: PlannerBucketID, _ account: AccountID) async throws -> PlannerBucket? {
        try await db.row("SELECT * FROM planner_bucket WHERE id = \(id.rawValue) AND account_id = \(account.rawValue)").map(PlannerBucket.init(pg:))
    }

    /// Adds a bucket at the right end, within ``PlannerLimits/maxBuckets``.
    private static func insertBucket(_ db: PostgresDB, _ account: AccountID, name: String, templateKey: String?, at time: Date) async throws -> PlannerBucket {
        let count = try await db.value("SELECT COUNT(*) FROM planner_bucket WHERE account_id = \(account.rawValue)", as: Int.self) ?? 0
        guard count < PlannerLimits.maxBuckets else { throw PlannerStoreRules.tooManyBuckets }
        return try await db.row("""
            INSERT INTO planner_bucket (account_id, name, position, template_key, created_at)
            VALUES (\(account.rawValue), \(name), \(count), \(templateKey), \(time)) RETURNING *
            """).map(PlannerBucket.init(pg:))!
    }

    /// Gives each bucket its place in `order` (the rows already there are not written).
    private static func renumberBuckets(_ db: PostgresDB, _ order: [PlannerBucketID]) async throws {
        try await db.execute("""
            UPDATE planner_bucket b SET position = o.position - 1
            FROM unnest(\(order.map(\.rawValue))::bigint[]) WITH ORDINALITY AS o(id, position)
            WHERE b.id = o.id AND b.position <> o.position - 1
            """)
    }

    /// The bucket's tasks that are not deleted, top to bottom.
    private static func liveTaskIDs(_ db: PostgresDB, in bucket: PlannerBucketID) async throws -> [PlannerTaskID] {
        try await db.rows("SELECT id FROM planner_task WHERE bucket_id = \(bucket.rawValue) AND deleted_at IS NULL ORDER BY position, id")
            .map { PlannerTaskID(try $0["id"]) }
    }

    /// Gives each task its place in `order` (the rows already there are not written).
    private static func renumberTasks(_ db: PostgresDB, _ order: [PlannerTaskID]) async throws {
        try await db.execute("""
            UPDATE planner_task t SET position = o.position - 1
            FROM unnest(\(order.map(\.rawValue))::bigint[]) WITH ORDINALITY AS o(id, position)
            WHERE t.id = o.id AND t.position <> o.position - 1
            """)
    }

    private static func requireMember(_ db: PostgresDB, _ person: PersonID, of account: AccountID) async throws {
        guard try await db.exists("SELECT 1 FROM membership WHERE account_id = \(account.rawValue) AND person_id = \(person.rawValue)") else {
            throw PlannerStoreRules.notAMember(person)
        }
    }

    private static func requireRoomForTask(_ db: PostgresDB, _ account: AccountID) async throws {
        let count = try await db.value("SELECT COUNT(*) FROM planner_task WHERE account_id = \(account.rawValue) AND deleted_at IS NULL",
                                       as: Int.self) ?? 0
        guard count < PlannerLimits.maxTasks else { throw PlannerStoreRules.tooManyTasks }
    }

    /// Inserts a task at the bottom of `bucket`, with its checklist.
    private static func insertTask(_ db: PostgresDB, _ account: AccountID, bucket: PlannerBucketID, _ fields: PlannerTaskFields, templateKey: String?,
                                   by person: PersonID?, at time: Date) async throws -> PlannerTaskID {
        let position = try await liveTaskIDs(db, in: bucket).count
        let id = try await db.value("""
            INSERT INTO planner_task (account_id, bucket_id, position, title, description, assignee_id, start_date, due_date, status, labels,
                                      template_key, created_by, created_at, completed_at)
            VALUES (\(account.rawValue), \(bucket.rawValue), \(position), \(fields.title), \(fields.description), \(fields.assignee?.rawValue),
                    \(fields.startDate?.description), \(fields.dueDate?.description), \(fields.status.rawValue),
                    \(try StoredList.encode(fields.labels)), \(templateKey), \(person?.rawValue), \(time), \(fields.status == .done ? time : nil))
            RETURNING id
            """, as: Int64.self)!
        try await replaceChecklist(db, of: PlannerTaskID(id), with: fields.checklist)
        return PlannerTaskID(id)
    }

    /// Makes the task's checklist `lines`, in that order: lines with an id update that item, others are added, and
    /// items not named are removed.
    private static func replaceChecklist(_ db: PostgresDB, of task: PlannerTaskID, with lines: [PlannerChecklistLine]) async throws {
        let existing = Set(try await db.rows("SELECT id FROM planner_checklist_item WHERE task_id = \(task.rawValue)")
            .map { row -> Int64 in try row["id"] })
        if let unknown = lines.compactMap(\.id).first(where: { !existing.contains($0.rawValue) }) {
            throw KanavaError.notFound("checklist item \(unknown)")
        }
        let kept = lines.compactMap(\.id?.rawValue)
        try await db.execute("DELETE FROM planner_checklist_item WHERE task_id = \(task.rawValue) AND NOT (id = ANY(\(kept)))")
        let numbered = Array(lines.enumerated())
        let updated = numbered.filter { $0.element.id != nil }
        if !updated.isEmpty {
            try await db.execute("""
                UPDATE planner_checklist_item i SET position = l.position, text = l.text, done = l.done
                FROM unnest(\(updated.map { $0.element.id!.rawValue })::bigint[], \(updated.map(\.offset))::bigint[],
                            \(updated.map(\.element.text))::text[], \(updated.map(\.element.done))::boolean[]) AS l(id, position, text, done)
                WHERE i.id = l.id
                """)
        }
        let new = numbered.filter { $0.element.id == nil }
        if !new.isEmpty {
            // In the lines' order, so new items' ids ascend as SQLite's do.
            try await db.execute("""
                INSERT INTO planner_checklist_item (task_id, position, text, done)
                SELECT \(task.rawValue), l.position, l.text, l.done
                FROM unnest(\(new.map(\.offset))::bigint[], \(new.map(\.element.text))::text[], \(new.map(\.element.done))::boolean[])
                     WITH ORDINALITY AS l(position, text, done, n)
                ORDER BY l.n
                """)
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
    private static func fetchTask(_ db: PostgresDB, _ id: PlannerTaskID, _ account: AccountID) async throws -> PlannerTask? {
        guard let row = try await db.row("""
            \(unescaped: taskSelect) WHERE t.id = \(id.rawValue) AND t.account_id = \(account.rawValue) AND t.deleted_at IS NULL
            """) else { return nil }
        let items = try await db.rows("SELECT * FROM planner_checklist_item WHERE task_id = \(id.rawValue) ORDER BY position, id")
        return try PlannerTask(pg: row, checklist: items.map(PlannerChecklistItem.init(pg:)))
    }
}

extension PlannerBucket {
    init(pg row: PGRow) throws {
        self.init(id: PlannerBucketID(try row["id"]), account: AccountID(stored: try row["account_id"]), name: try row["name"],
                  position: try row["position"], templateKey: try row["template_key"], createdAt: try row["created_at"],
                  updatedAt: try row["updated_at"])
    }
}

extension PlannerChecklistItem {
    init(pg row: PGRow) throws {
        self.init(id: PlannerChecklistItemID(try row["id"]), text: try row["text"], done: try row["done"])
    }
}

extension PlannerTask {
    init(pg row: PGRow, checklist: [PlannerChecklistItem]) throws {
        let assignee: Int64? = try row["assignee_id"]
        let creator: Int64? = try row["created_by"]
        let start: String? = try row["start_date"]
        let due: String? = try row["due_date"]
        let assigneeName: String? = try row["assignee_name"], assigneeEmail: String? = try row["assignee_email"]
        let creatorName: String? = try row["creator_name"], creatorEmail: String? = try row["creator_email"]
        self.init(
            id: PlannerTaskID(try row["id"]),
            account: AccountID(stored: try row["account_id"]),
            bucket: PlannerBucketID(try row["bucket_id"]),
            position: try row["position"],
            title: try row["title"],
            description: try row["description"],
            assignee: assignee.map { PersonRef(id: PersonID($0), name: assigneeName ?? "", email: assigneeEmail ?? "") },
            startDate: start.flatMap(LocalDate.init),
            dueDate: due.flatMap(LocalDate.init),
            // Stored values were validated when written.
            status: PlannerTaskStatus(rawValue: try row["status"]) ?? .notStarted,
            labels: StoredList.decode(try row["labels"]),
            checklist: checklist,
            commentCount: try row["comment_count"],
            templateKey: try row["template_key"],
            createdBy: creator.map { PersonRef(id: PersonID($0), name: creatorName ?? "", email: creatorEmail ?? "") },
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"],
            completedAt: try row["completed_at"]
        )
    }
}

extension PlannerComment {
    init(pg row: PGRow) throws {
        let author: Int64? = try row["author_id"]
        let name: String? = try row["author_name"], email: String? = try row["author_email"]
        self.init(id: PlannerCommentID(try row["id"]), task: PlannerTaskID(try row["task_id"]),
                  author: author.map { PersonRef(id: PersonID($0), name: name ?? "", email: email ?? "") },
                  body: try row["body"], createdAt: try row["created_at"])
    }
}
