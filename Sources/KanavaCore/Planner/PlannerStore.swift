import Foundation

/// A checklist line to store: an existing item (`id`) keeps its id; a new one has none.
public struct PlannerChecklistLine: Sendable, Hashable {
    public var id: PlannerChecklistItemID?
    public var text: String
    public var done: Bool

    public init(id: PlannerChecklistItemID?, text: String, done: Bool) {
        self.id = id
        self.text = text
        self.done = done
    }
}

/// A task's fields as validated by the service, to create or to store over an existing task.
public struct PlannerTaskFields: Sendable, Hashable {
    public var title: String
    public var description: String
    public var assignee: PersonID?
    public var startDate: LocalDate?
    public var dueDate: LocalDate?
    public var status: PlannerTaskStatus
    public var labels: [String]
    public var checklist: [PlannerChecklistLine]

    public init(title: String, description: String, assignee: PersonID?, startDate: LocalDate?, dueDate: LocalDate?,
                status: PlannerTaskStatus, labels: [String], checklist: [PlannerChecklistLine]) {
        self.title = title
        self.description = description
        self.assignee = assignee
        self.startDate = startDate
        self.dueDate = dueDate
        self.status = status
        self.labels = labels
        self.checklist = checklist
    }
}

/// A template's bucket with the tasks to add to it (worked out by the service from the template and the base date).
public struct PlannerTemplateBucketPlan: Sendable, Hashable {
    /// `takeover/before-start`.
    public var templateKey: String
    public var name: String
    public var tasks: [PlannerTemplateTaskPlan]

    public init(templateKey: String, name: String, tasks: [PlannerTemplateTaskPlan]) {
        self.templateKey = templateKey
        self.name = name
        self.tasks = tasks
    }
}

public struct PlannerTemplateTaskPlan: Sendable, Hashable {
    /// `takeover/2026-03-01/site-survey`.
    public var templateKey: String
    public var fields: PlannerTaskFields
    /// The role whose only member becomes the assignee (none, or several: unassigned).
    public var role: ChannelRole?

    public init(templateKey: String, fields: PlannerTaskFields, role: ChannelRole?) {
        self.templateKey = templateKey
        self.fields = fields
        self.role = role
    }
}

/// What applying a template added: buckets made for it, and tasks (an empty result: it had been applied already).
public struct PlannerTemplateAdded: Sendable, Hashable {
    public var buckets: [PlannerBucket]
    public var tasks: [PlannerTask]

    public init(buckets: [PlannerBucket], tasks: [PlannerTask]) {
        self.buckets = buckets
        self.tasks = tasks
    }
}

/// Builds a write's events from what the transaction left.
public typealias PlannerEvents<Value> = @Sendable (Value) throws -> [EventDraft]

public protocol PlannerStore: Sendable {
    /// Tasks of `account` that were overdue at the end of `day` (Finnish time): created by then, due before `day`,
    /// and neither done nor deleted by then. With `day` today, that is the open overdue tasks now.
    func overduePlannerTaskCount(in account: AccountID, asOf day: LocalDate) async throws -> Int
    /// The person's own open tasks due before `day`, per account (accounts without any left out): the account list's
    /// figure, from the index of open tasks by assignee.
    func overduePlannerTasks(assignedTo person: PersonID, asOf day: LocalDate) async throws -> [AccountID: Int]

    // MARK: Reading

    /// The account's buckets in board order.
    func plannerBuckets(in account: AccountID) async throws -> [PlannerBucket]
    /// The account's tasks that are not deleted, by bucket order and position.
    func plannerTasks(in account: AccountID) async throws -> [PlannerTask]
    /// A task of `account` that is not deleted.
    func plannerTask(_ id: PlannerTaskID, in account: AccountID) async throws -> PlannerTask?
    /// A task's comments, oldest first.
    func plannerComments(of task: PlannerTaskID, in account: AccountID) async throws -> [PlannerComment]

    // MARK: Buckets

    /// Adds a bucket at the right end; a conflict when the account has ``PlannerLimits/maxBuckets`` already.
    func createPlannerBucket(in account: AccountID, name: String, at time: Date,
                             events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket>
    func renamePlannerBucket(_ id: PlannerBucketID, in account: AccountID, name: String, at time: Date,
                             events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket>
    /// Puts the bucket at `index` (past the end: last) and renumbers the others.
    func movePlannerBucket(_ id: PlannerBucketID, in account: AccountID, to index: Int, at time: Date,
                           events: @escaping PlannerEvents<PlannerBucketMove>) async throws -> Committed<PlannerBucketMove>
    /// Deletes an empty bucket (a conflict while it holds tasks, or when it is the account's last). Its deleted tasks
    /// move to the first remaining bucket, so that past months' overdue figures keep them.
    func deletePlannerBucket(_ id: PlannerBucketID, in account: AccountID, at time: Date,
                             events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket>

    // MARK: Tasks

    /// Adds a task at the bottom of `bucket`. The assignee must be a member of the channel (else `invalid_input`
    /// naming `assignee`); a conflict when the account has ``PlannerLimits/maxTasks`` tasks already.
    func createPlannerTask(in account: AccountID, bucket: PlannerBucketID, _ fields: PlannerTaskFields, by person: PersonID?, at time: Date,
                           events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask>
    /// Stores `fields` over the task. A new assignee (not the stored one) must be a member of the channel.
    /// `completed_at` is set when the status becomes done and cleared when it leaves done. Checklist lines with an id
    /// keep it (an id that is not the task's is `not_found`); items left out are removed.
    func updatePlannerTask(_ id: PlannerTaskID, in account: AccountID, _ fields: PlannerTaskFields, at time: Date,
                           events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask>
    /// Ticks or unticks one checklist item.
    func setPlannerChecklistItem(_ item: PlannerChecklistItemID, of task: PlannerTaskID, in account: AccountID, done: Bool, at time: Date,
                                 events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask>
    /// Moves the task to `index` of `bucket` (past the end: last), renumbering both buckets; a bucket of another
    /// account is `not_found`.
    func movePlannerTask(_ id: PlannerTaskID, in account: AccountID, to bucket: PlannerBucketID, index: Int, at time: Date,
                         events: @escaping PlannerEvents<PlannerTaskMove>) async throws -> Committed<PlannerTaskMove>
    /// Deletes a task from view (`deleted_at`; the row stays for past months' figures) and closes the gap it leaves.
    func deletePlannerTask(_ id: PlannerTaskID, in account: AccountID, at time: Date,
                           events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask>
    func addPlannerComment(to task: PlannerTaskID, in account: AccountID, body: String, by person: PersonID?, at time: Date,
                           events: @escaping PlannerEvents<PlannerCommentAdded>) async throws -> Committed<PlannerCommentAdded>

    // MARK: Templates

    /// Adds the plan's tasks that the account does not have yet (by template key, deleted ones included), each at the
    /// bottom of its template bucket, made at the right end when missing. A bucket is made only for a task it gets.
    func applyPlannerTemplate(_ plan: [PlannerTemplateBucketPlan], to account: AccountID, by person: PersonID?, at time: Date,
                              events: @escaping PlannerEvents<PlannerTemplateAdded>) async throws -> Committed<PlannerTemplateAdded>
}
