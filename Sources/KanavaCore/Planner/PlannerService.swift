import Foundation
import Logging

/// A checklist line as received: `id` names an existing item to keep (its text and tick as given).
public struct PlannerChecklistInput: Sendable, Hashable {
    public var id: PlannerChecklistItemID?
    public var text: String
    public var done: Bool?

    public init(id: PlannerChecklistItemID? = nil, text: String, done: Bool? = nil) {
        self.id = id
        self.text = text
        self.done = done
    }
}

/// A task as received (validated by the service). On update, nil leaves a field as it is; `.some(nil)` clears the
/// assignee, start date or due date. `bucket` is for creating only (moving is its own request).
public struct PlannerTaskInput: Sendable {
    public var bucket: PlannerBucketID?
    public var title: String?
    public var description: String?
    public var assignee: PersonID??
    /// `YYYY-MM-DD`.
    public var startDate: String??
    public var dueDate: String??
    public var status: String?
    public var labels: [String]?
    /// The whole checklist, in order.
    public var checklist: [PlannerChecklistInput]?

    public init(bucket: PlannerBucketID? = nil, title: String? = nil, description: String? = nil, assignee: PersonID?? = nil,
                startDate: String?? = nil, dueDate: String?? = nil, status: String? = nil, labels: [String]? = nil,
                checklist: [PlannerChecklistInput]? = nil) {
        self.bucket = bucket
        self.title = title
        self.description = description
        self.assignee = assignee
        self.startDate = startDate
        self.dueDate = dueDate
        self.status = status
        self.labels = labels
        self.checklist = checklist
    }

    /// Whether it changes anything besides the status (what an assignee who is not an editor may change).
    var changesMoreThanStatus: Bool {
        bucket != nil || title != nil || description != nil || assignee != nil || startDate != nil || dueDate != nil || labels != nil || checklist != nil
    }
}

/// A channel's planner as a viewer sees it.
public struct PlannerBoard: Codable, Sendable {
    /// Whether the viewer may add, rename, move and delete buckets and apply templates (the director, admins).
    public var canManage: Bool
    /// Whether the viewer may add, change, move and delete tasks (directors, regional directors, managers, admins).
    public var canEditTasks: Bool
    /// Today in Finland: a task not done and due before it is overdue.
    public var asOf: LocalDate
    public var buckets: [PlannerBucket]
    /// By bucket order, then position.
    public var tasks: [PlannerTask]
}

/// One task with its comments.
public struct PlannerTaskDetail: Codable, Sendable {
    public var task: PlannerTask
    public var comments: [PlannerComment]
    /// Whether the viewer may change everything about it.
    public var canEdit: Bool
    /// Whether the viewer may change its status and tick its checklist (editors, and its assignee).
    public var canUpdateProgress: Bool
}

/// What applying a template did.
public struct PlannerTemplateResult: Codable, Sendable {
    public var template: String
    public var baseDate: LocalDate
    public var includeOptional: Bool
    public var buckets: [PlannerBucket]
    public var tasks: [PlannerTask]
    /// Nothing was added: the template had been applied with this base date (and these options) already.
    public var alreadyApplied: Bool
}

/// The data of `planner.template.applied`.
public struct PlannerTemplateApplied: Codable, Sendable {
    public var template: String
    public var baseDate: LocalDate
    public var buckets: Int
    public var tasks: Int
}

extension ChannelAccess {
    /// Directors, regional directors, managers and admins add, change, move and delete planner tasks.
    public var canEditPlannerTasks: Bool {
        isAdmin || role == .accountDirector || role == .regionalDirector || role == .manager
    }
}

/// The planner (tehtävät) of a channel: buckets of tasks, and the templates in `config/planner/`. Every member reads
/// it and may comment; the director and admins manage buckets and apply templates; directors, regional directors,
/// managers and admins edit tasks; a task's assignee changes its status and ticks its checklist. Every change is a
/// `planner.*` event of the channel.
public struct PlannerService: Sendable {
    public let templates: [PlannerTemplate]
    let store: any KanavaStore
    let access: AccessPolicy
    let bus: EventBus
    let clock: any WallClock
    let logger: Logger

    public init(store: any KanavaStore, access: AccessPolicy, bus: EventBus, clock: any WallClock, templates: [PlannerTemplate], logger: Logger) {
        self.store = store
        self.access = access
        self.bus = bus
        self.clock = clock
        self.templates = templates
        self.logger = logger
    }

    // MARK: - Reading

    public func board(_ account: AccountID, for principal: Principal) async throws -> PlannerBoard {
        let access = try await access.channel(account, for: principal)
        return PlannerBoard(canManage: access.canManage, canEditTasks: access.canEditPlannerTasks, asOf: LocalDate.inHelsinki(clock.now()),
                            buckets: try await store.plannerBuckets(in: account), tasks: try await store.plannerTasks(in: account))
    }

    public func task(_ account: AccountID, _ id: PlannerTaskID, for principal: Principal) async throws -> PlannerTaskDetail {
        let access = try await access.channel(account, for: principal)
        guard let task = try await store.plannerTask(id, in: account) else { throw KanavaError.notFound("task \(id)") }
        return PlannerTaskDetail(task: task, comments: try await store.plannerComments(of: id, in: account),
                                 canEdit: access.canEditPlannerTasks, canUpdateProgress: Self.canUpdateProgress(task, access))
    }

    /// The templates a director may apply (every member may look).
    public func availableTemplates(_ account: AccountID, for principal: Principal) async throws -> [PlannerTemplate] {
        _ = try await access.channel(account, for: principal)
        return templates
    }

    // MARK: - Buckets

    public func createBucket(_ account: AccountID, name: String, by principal: Principal) async throws -> PlannerBucket {
        _ = try await access.manage(account, for: principal)
        let name = try Self.bucketName(name)
        let committed = try await store.createPlannerBucket(in: account, name: name, at: clock.now(), events: Self.events(.plannerBucketCreated, account))
        bus.publish(committed.events)
        return committed.value
    }

    public func renameBucket(_ account: AccountID, _ id: PlannerBucketID, name: String, by principal: Principal) async throws -> PlannerBucket {
        _ = try await access.manage(account, for: principal)
        let name = try Self.bucketName(name)
        let committed = try await store.renamePlannerBucket(id, in: account, name: name, at: clock.now(), events: Self.events(.plannerBucketUpdated, account))
        bus.publish(committed.events)
        return committed.value
    }

    /// Puts a bucket at `index` (0: first; past the end: last).
    public func moveBucket(_ account: AccountID, _ id: PlannerBucketID, to index: Int, by principal: Principal) async throws -> PlannerBucketMove {
        _ = try await access.manage(account, for: principal)
        let committed = try await store.movePlannerBucket(id, in: account, to: try Self.index(index), at: clock.now(),
                                                          events: Self.events(.plannerBucketMoved, account))
        bus.publish(committed.events)
        return committed.value
    }

    /// Deletes an empty bucket; one that still has tasks is refused (`conflict`), as is the planner's last bucket.
    public func deleteBucket(_ account: AccountID, _ id: PlannerBucketID, by principal: Principal) async throws {
        _ = try await access.manage(account, for: principal)
        let committed = try await store.deletePlannerBucket(id, in: account, at: clock.now()) { bucket in
            [try EventDraft(channel: account, kind: .plannerBucketDeleted, payload: PlannerRemoval(id: bucket.id.rawValue, bucket: nil))]
        }
        bus.publish(committed.events)
        logger.info("planner bucket deleted", metadata: ["account": "\(account)", "bucket": "\(id)", "by": "\(principal.label)"])
    }

    // MARK: - Tasks

    /// Adds a task at the bottom of its bucket: `bucket` and `title` are required.
    public func createTask(_ account: AccountID, _ input: PlannerTaskInput, by principal: Principal) async throws -> PlannerTask {
        try await requireTaskEditor(account, principal)
        guard let bucket = input.bucket else { throw KanavaError.invalid("bucket", "is required") }
        guard input.title != nil else { throw KanavaError.invalid("title", "is required") }
        let empty = PlannerTaskFields(title: "", description: "", assignee: nil, startDate: nil, dueDate: nil, status: .notStarted, labels: [], checklist: [])
        let fields = try Self.apply(input, to: empty)
        let committed = try await store.createPlannerTask(in: account, bucket: bucket, fields, by: principal.person?.id, at: clock.now(),
                                                          events: Self.events(.plannerTaskCreated, account))
        bus.publish(committed.events)
        return committed.value
    }

    /// Changes the given fields. Editors change anything; the assignee only the status.
    public func updateTask(_ account: AccountID, _ id: PlannerTaskID, _ input: PlannerTaskInput, by principal: Principal) async throws -> PlannerTask {
        let access = try await access.channel(account, for: principal)
        guard let task = try await store.plannerTask(id, in: account) else { throw KanavaError.notFound("task \(id)") }
        if !access.canEditPlannerTasks {
            guard Self.canUpdateProgress(task, access) else { throw Self.notAnEditor }
            guard !input.changesMoreThanStatus else {
                throw KanavaError(.forbidden, "as the task's assignee you may change its status and tick its checklist; other changes are for its editors")
            }
        }
        let before = Self.fields(of: task)
        let fields = try Self.apply(input, to: before)
        guard fields != before else { return task }
        let committed = try await store.updatePlannerTask(id, in: account, fields, at: clock.now(), events: Self.events(.plannerTaskUpdated, account))
        bus.publish(committed.events)
        return committed.value
    }

    /// Ticks or unticks a checklist item (editors and the task's assignee).
    public func setChecklistItem(_ account: AccountID, _ task: PlannerTaskID, _ item: PlannerChecklistItemID, done: Bool,
                                 by principal: Principal) async throws -> PlannerTask {
        let access = try await access.channel(account, for: principal)
        guard let stored = try await store.plannerTask(task, in: account) else { throw KanavaError.notFound("task \(task)") }
        guard Self.canUpdateProgress(stored, access) else { throw Self.notAnEditor }
        let committed = try await store.setPlannerChecklistItem(item, of: task, in: account, done: done, at: clock.now(),
                                                                events: Self.events(.plannerTaskUpdated, account))
        bus.publish(committed.events)
        return committed.value
    }

    /// Moves a task to `index` of `bucket` (0: top; past the end: bottom), in its bucket or to another of the channel.
    public func moveTask(_ account: AccountID, _ id: PlannerTaskID, to bucket: PlannerBucketID, index: Int, by principal: Principal) async throws -> PlannerTaskMove {
        try await requireTaskEditor(account, principal)
        let committed = try await store.movePlannerTask(id, in: account, to: bucket, index: try Self.index(index), at: clock.now(),
                                                        events: Self.events(.plannerTaskMoved, account))
        bus.publish(committed.events)
        return committed.value
    }

    public func deleteTask(_ account: AccountID, _ id: PlannerTaskID, by principal: Principal) async throws {
        try await requireTaskEditor(account, principal)
        let committed = try await store.deletePlannerTask(id, in: account, at: clock.now()) { task in
            [try EventDraft(channel: account, kind: .plannerTaskDeleted, payload: PlannerRemoval(id: task.id.rawValue, bucket: task.bucket))]
        }
        bus.publish(committed.events)
        logger.info("planner task deleted", metadata: ["account": "\(account)", "task": "\(id)", "by": "\(principal.label)"])
    }

    /// Any member comments on a task.
    public func addComment(_ account: AccountID, _ task: PlannerTaskID, body: String, by principal: Principal) async throws -> PlannerCommentAdded {
        _ = try await access.channel(account, for: principal)
        let body = try TextInput.required(Self.lines(body), field: "body", maxChars: PlannerLimits.maxCommentChars)
        let committed = try await store.addPlannerComment(to: task, in: account, body: body, by: principal.person?.id, at: clock.now(),
                                                          events: Self.events(.plannerCommentAdded, account))
        bus.publish(committed.events)
        return committed.value
    }

    // MARK: - Templates

    /// Applies a template (the director, admins). `baseDate` (`YYYY-MM-DD`): for a takeover, the account's start date
    /// unless given (required when the account has none); for after-care, the date the service ends (required).
    /// Applying again with the same base date adds only what is missing; with nothing missing it adds nothing and
    /// says so (`alreadyApplied`).
    public func applyTemplate(_ account: AccountID, template key: String, baseDate: String?, includeOptional: Bool,
                              by principal: Principal) async throws -> PlannerTemplateResult {
        let access = try await access.manage(account, for: principal)
        guard let template = templates.first(where: { $0.key == key }) else { throw KanavaError.notFound("planner template \(key.prefix(60))") }
        let base: LocalDate
        if let baseDate {
            base = try Self.date(baseDate, field: "baseDate")
        } else if template.base == .accountStart, let start = access.account.startDate {
            base = start
        } else {
            throw KanavaError.invalid("baseDate", template.base == .accountStart
                ? "is required: the account has no start date" : "is required: the date the service ends")
        }
        let plan = try template.plan(base: base, includeOptional: includeOptional)
        let committed = try await store.applyPlannerTemplate(plan, to: account, by: principal.person?.id, at: clock.now()) { added in
            guard !added.tasks.isEmpty else { return [] }
            return try added.buckets.map { try EventDraft(channel: account, kind: .plannerBucketCreated, payload: $0) }
                + added.tasks.map { try EventDraft(channel: account, kind: .plannerTaskCreated, payload: $0) }
                + [try EventDraft(channel: account, kind: .plannerTemplateApplied, payload: PlannerTemplateApplied(
                    template: key, baseDate: base, buckets: added.buckets.count, tasks: added.tasks.count))]
        }
        bus.publish(committed.events)
        let added = committed.value
        logger.info("planner template applied", metadata: [
            "account": "\(account)", "template": "\(key)", "base": "\(base)", "tasks": "\(added.tasks.count)", "by": "\(principal.label)",
        ])
        return PlannerTemplateResult(template: key, baseDate: base, includeOptional: includeOptional, buckets: added.buckets, tasks: added.tasks,
                                     alreadyApplied: added.tasks.isEmpty)
    }

    // MARK: - Rules

    public static let notAnEditor = KanavaError(.forbidden, "only the account's directors, regional directors, managers and admins change tasks")

    private func requireTaskEditor(_ account: AccountID, _ principal: Principal) async throws {
        guard try await access.channel(account, for: principal).canEditPlannerTasks else { throw Self.notAnEditor }
    }

    /// Editors, and the task's assignee.
    static func canUpdateProgress(_ task: PlannerTask, _ access: ChannelAccess) -> Bool {
        access.canEditPlannerTasks || (access.person != nil && task.assignee?.id == access.person)
    }

    /// One event of `kind` whose data is what the write stored.
    static func events(_ kind: EventKind, _ account: AccountID) -> @Sendable (any Encodable) throws -> [EventDraft] {
        { value in [try EventDraft(channel: account, kind: kind, payload: value)] }
    }

    static func fields(of task: PlannerTask) -> PlannerTaskFields {
        PlannerTaskFields(title: task.title, description: task.description, assignee: task.assignee?.id, startDate: task.startDate,
                          dueDate: task.dueDate, status: task.status, labels: task.labels,
                          checklist: task.checklist.map { PlannerChecklistLine(id: $0.id, text: $0.text, done: $0.done) })
    }

    /// `fields` with the input's changes, every one checked; the due date may not be before the start date.
    static func apply(_ input: PlannerTaskInput, to fields: PlannerTaskFields) throws -> PlannerTaskFields {
        var fields = fields
        if let title = input.title { fields.title = try TextInput.name(title, field: "title", maxChars: PlannerLimits.maxTitleChars) }
        if let description = input.description {
            fields.description = try TextInput.bounded(lines(description).trimmingCharacters(in: .whitespacesAndNewlines),
                                                       field: "description", maxChars: PlannerLimits.maxDescriptionChars)
        }
        if let assignee = input.assignee { fields.assignee = assignee }
        if let start = input.startDate { fields.startDate = try start.map { try date($0, field: "startDate") } }
        if let due = input.dueDate { fields.dueDate = try due.map { try date($0, field: "dueDate") } }
        if let status = input.status { fields.status = try PlannerTaskStatus.parse(status) }
        if let labels = input.labels { fields.labels = try self.labels(labels) }
        if let checklist = input.checklist { fields.checklist = try self.checklist(checklist) }
        if let start = fields.startDate, let due = fields.dueDate, due < start {
            throw KanavaError.invalid(input.dueDate != nil ? "dueDate" : "startDate", "the due date \(due) is before the start date \(start)")
        }
        return fields
    }

    static func date(_ text: String, field: String) throws -> LocalDate {
        let date = try LocalDate.parse(text, field: field)
        guard PlannerLimits.years.contains(date.year) else {
            throw KanavaError.invalid(field, "must be in the years \(PlannerLimits.years.lowerBound)–\(PlannerLimits.years.upperBound)")
        }
        return date
    }

    /// At most ``PlannerLimits/maxLabels`` one-line labels; repeats are dropped.
    static func labels(_ labels: [String]) throws -> [String] {
        guard labels.count <= PlannerLimits.maxLabels else { throw KanavaError.invalid("labels", "must be at most \(PlannerLimits.maxLabels) labels") }
        var seen: [String] = []
        for label in labels {
            let label = try TextInput.name(label, field: "labels", maxChars: PlannerLimits.maxLabelChars)
            if !seen.contains(label) { seen.append(label) }
        }
        return seen
    }

    static func checklist(_ items: [PlannerChecklistInput]) throws -> [PlannerChecklistLine] {
        guard items.count <= PlannerLimits.maxChecklistItems else {
            throw KanavaError.invalid("checklist", "must have at most \(PlannerLimits.maxChecklistItems) items")
        }
        guard Set(items.compactMap(\.id)).count == items.compactMap(\.id).count else { throw KanavaError.invalid("checklist", "names an item twice") }
        return try items.map { item in
            PlannerChecklistLine(id: item.id, text: try TextInput.name(item.text, field: "checklist", maxChars: PlannerLimits.maxChecklistItemChars),
                                 done: item.done ?? false)
        }
    }

    static func bucketName(_ name: String) throws -> String {
        try TextInput.name(name, field: "name", maxChars: PlannerLimits.maxBucketNameChars)
    }

    static func index(_ index: Int) throws -> Int {
        guard index >= 0 else { throw KanavaError.invalid("index", "must be 0 or more (0 is the first place)") }
        return index
    }

    /// Windows line ends made `\n`.
    private static func lines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}
