import Foundation

/// What both planner stores (SQLite and PostgreSQL) decide the same way: where a moved item lands, and the refusals
/// with their wording.
enum PlannerStoreRules {
    /// `order` with `id` put at `index` (before 0: first; past the end: last).
    static func placing<ID>(_ id: ID, at index: Int, in order: [ID]) -> [ID] {
        var order = order
        order.insert(id, at: min(max(index, 0), order.count))
        return order
    }

    static func bucketNotEmpty(_ bucket: PlannerBucket, open: Int) -> KanavaError {
        KanavaError(.conflict, "the bucket '\(bucket.name)' still has \(open) task\(open == 1 ? "" : "s"): move or delete \(open == 1 ? "it" : "them") first")
    }

    static let lastBucket = KanavaError(.conflict, "a planner keeps at least one bucket: rename the last one instead")

    static let tooManyBuckets = KanavaError(.conflict, "the planner already has \(PlannerLimits.maxBuckets) buckets, the most it may have")

    static let tooManyTasks = KanavaError(.conflict, "the planner already has \(PlannerLimits.maxTasks) tasks, the most it may have")

    static func notAMember(_ person: PersonID) -> KanavaError {
        KanavaError.invalid("assignee", "person \(person) is not a member of this channel")
    }

    /// A template task's fields, assigned to the only member with the task's role (none, or several: unassigned).
    static func fields(of task: PlannerTemplateTaskPlan, members: (ChannelRole) -> [PersonID]?) -> PlannerTaskFields {
        var fields = task.fields
        if let role = task.role, let people = members(role), people.count == 1 { fields.assignee = people[0] }
        return fields
    }
}
