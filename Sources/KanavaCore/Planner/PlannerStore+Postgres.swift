import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: PlannerStore {
    public func overduePlannerTaskCount(in account: AccountID, asOf day: LocalDate) async throws -> Int { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func overduePlannerTasks(assignedTo person: PersonID, asOf day: LocalDate) async throws -> [AccountID: Int] { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func plannerBuckets(in account: AccountID) async throws -> [PlannerBucket] { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func plannerTasks(in account: AccountID) async throws -> [PlannerTask] { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func plannerTask(_ id: PlannerTaskID, in account: AccountID) async throws -> PlannerTask? { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func plannerComments(of task: PlannerTaskID, in account: AccountID) async throws -> [PlannerComment] { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func createPlannerBucket(in account: AccountID, name: String, at time: Date, events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func renamePlannerBucket(_ id: PlannerBucketID, in account: AccountID, name: String, at time: Date, events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func movePlannerBucket(_ id: PlannerBucketID, in account: AccountID, to index: Int, at time: Date, events: @escaping PlannerEvents<PlannerBucketMove>) async throws -> Committed<PlannerBucketMove> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func deletePlannerBucket(_ id: PlannerBucketID, in account: AccountID, at time: Date, events: @escaping PlannerEvents<PlannerBucket>) async throws -> Committed<PlannerBucket> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func createPlannerTask(in account: AccountID, bucket: PlannerBucketID, _ fields: PlannerTaskFields, by person: PersonID?, at time: Date, events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func updatePlannerTask(_ id: PlannerTaskID, in account: AccountID, _ fields: PlannerTaskFields, at time: Date, events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func setPlannerChecklistItem(_ item: PlannerChecklistItemID, of task: PlannerTaskID, in account: AccountID, done: Bool, at time: Date, events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func movePlannerTask(_ id: PlannerTaskID, in account: AccountID, to bucket: PlannerBucketID, index: Int, at time: Date, events: @escaping PlannerEvents<PlannerTaskMove>) async throws -> Committed<PlannerTaskMove> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func deletePlannerTask(_ id: PlannerTaskID, in account: AccountID, at time: Date, events: @escaping PlannerEvents<PlannerTask>) async throws -> Committed<PlannerTask> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func addPlannerComment(to task: PlannerTaskID, in account: AccountID, body: String, by person: PersonID?, at time: Date, events: @escaping PlannerEvents<PlannerCommentAdded>) async throws -> Committed<PlannerCommentAdded> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
    public func applyPlannerTemplate(_ plan: [PlannerTemplateBucketPlan], to account: AccountID, by person: PersonID?, at time: Date, events: @escaping PlannerEvents<PlannerTemplateAdded>) async throws -> Committed<PlannerTemplateAdded> { throw KanavaError(.unavailable, "PlannerStore is not on PostgreSQL yet") }
}
