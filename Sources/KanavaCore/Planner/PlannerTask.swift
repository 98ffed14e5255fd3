import Foundation

/// Where a planner task stands.
public enum PlannerTaskStatus: String, Codable, Sendable, CaseIterable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case done

    public static func parse(_ value: String) throws -> PlannerTaskStatus {
        guard let status = PlannerTaskStatus(rawValue: value) else {
            throw KanavaError.invalid("status", "'\(value.prefix(40))' is not a status; use \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return status
    }
}

public typealias PlannerBucketID = RowID<PlannerBucket>
public typealias PlannerTaskID = RowID<PlannerTask>
public typealias PlannerChecklistItemID = RowID<PlannerChecklistItem>
public typealias PlannerCommentID = RowID<PlannerComment>

/// The planner's size limits. They bound what one request and one channel can hold, so a board is always cheap to
/// send whole; the server refuses anything beyond them with the field named (`docs/web-contract.md`, "Planner").
public enum PlannerLimits {
    public static let maxTitleChars = 200
    public static let maxBucketNameChars = 200
    public static let maxDescriptionChars = 10_000
    public static let maxChecklistItems = 50
    public static let maxChecklistItemChars = 200
    public static let maxLabels = 10
    public static let maxLabelChars = 30
    public static let maxCommentChars = 4_000
    /// Buckets per channel.
    public static let maxBuckets = 50
    /// Tasks per channel (deleted ones not counted).
    public static let maxTasks = 1_000
    /// Start and due dates are in these years.
    public static let years = 2000...2100
}

/// A column of a channel's planner.
public struct PlannerBucket: Codable, Sendable, Hashable, Identifiable {
    public var id: PlannerBucketID
    public var account: AccountID
    public var name: String
    /// 0-based place on the board, left to right.
    public var position: Int
    /// `takeover/before-start` for a bucket a template made.
    public var templateKey: String?
    public var createdAt: Date
    public var updatedAt: Date?

    public init(id: PlannerBucketID, account: AccountID, name: String, position: Int, templateKey: String?, createdAt: Date, updatedAt: Date?) {
        self.id = id
        self.account = account
        self.name = name
        self.position = position
        self.templateKey = templateKey
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One line of a task's checklist.
public struct PlannerChecklistItem: Codable, Sendable, Hashable, Identifiable {
    public var id: PlannerChecklistItemID
    public var text: String
    public var done: Bool

    public init(id: PlannerChecklistItemID, text: String, done: Bool) {
        self.id = id
        self.text = text
        self.done = done
    }
}

/// A planner task with its checklist; also the data of `planner.task.*` events.
public struct PlannerTask: Codable, Sendable, Hashable, Identifiable {
    public var id: PlannerTaskID
    public var account: AccountID
    public var bucket: PlannerBucketID
    /// 0-based place in its bucket, top to bottom.
    public var position: Int
    public var title: String
    public var description: String
    /// A member of the channel when assigned (they may have left it since).
    public var assignee: PersonRef?
    public var startDate: LocalDate?
    public var dueDate: LocalDate?
    public var status: PlannerTaskStatus
    public var labels: [String]
    public var checklist: [PlannerChecklistItem]
    public var commentCount: Int
    /// `takeover/2026-03-01/site-survey` for a task a template made (template, base date, task).
    public var templateKey: String?
    public var createdBy: PersonRef?
    public var createdAt: Date
    public var updatedAt: Date?
    /// When it was last marked done; absent unless it is done.
    public var completedAt: Date?

    public init(id: PlannerTaskID, account: AccountID, bucket: PlannerBucketID, position: Int, title: String, description: String,
                assignee: PersonRef?, startDate: LocalDate?, dueDate: LocalDate?, status: PlannerTaskStatus, labels: [String],
                checklist: [PlannerChecklistItem], commentCount: Int, templateKey: String?, createdBy: PersonRef?, createdAt: Date,
                updatedAt: Date?, completedAt: Date?) {
        self.id = id
        self.account = account
        self.bucket = bucket
        self.position = position
        self.title = title
        self.description = description
        self.assignee = assignee
        self.startDate = startDate
        self.dueDate = dueDate
        self.status = status
        self.labels = labels
        self.checklist = checklist
        self.commentCount = commentCount
        self.templateKey = templateKey
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.completedAt = completedAt
    }
}

/// A comment on a task.
public struct PlannerComment: Codable, Sendable, Hashable, Identifiable {
    public var id: PlannerCommentID
    public var task: PlannerTaskID
    public var author: PersonRef?
    public var body: String
    public var createdAt: Date

    public init(id: PlannerCommentID, task: PlannerTaskID, author: PersonRef?, body: String, createdAt: Date) {
        self.id = id
        self.task = task
        self.author = author
        self.body = body
        self.createdAt = createdAt
    }
}

/// The order of one bucket's tasks after a move (data of `planner.task.moved`).
public struct PlannerBucketOrder: Codable, Sendable, Hashable {
    public var bucket: PlannerBucketID
    public var tasks: [PlannerTaskID]

    public init(bucket: PlannerBucketID, tasks: [PlannerTaskID]) {
        self.bucket = bucket
        self.tasks = tasks
    }
}

/// A task moved: the task where it is now, and the new order of the buckets it left and entered.
public struct PlannerTaskMove: Codable, Sendable, Hashable {
    public var task: PlannerTask
    public var from: PlannerBucketID
    public var order: [PlannerBucketOrder]

    public init(task: PlannerTask, from: PlannerBucketID, order: [PlannerBucketOrder]) {
        self.task = task
        self.from = from
        self.order = order
    }
}

/// A bucket moved: the bucket and the board's bucket order now.
public struct PlannerBucketMove: Codable, Sendable, Hashable {
    public var bucket: PlannerBucket
    public var order: [PlannerBucketID]

    public init(bucket: PlannerBucket, order: [PlannerBucketID]) {
        self.bucket = bucket
        self.order = order
    }
}

/// A deleted task or bucket (data of `planner.task.deleted` and `planner.bucket.deleted`).
public struct PlannerRemoval: Codable, Sendable, Hashable {
    public var id: Int64
    /// For a task: the bucket it was in.
    public var bucket: PlannerBucketID?

    public init(id: Int64, bucket: PlannerBucketID?) {
        self.id = id
        self.bucket = bucket
    }
}

/// A comment added (data of `planner.comment.added`): the comment and the task's comment count now.
public struct PlannerCommentAdded: Codable, Sendable, Hashable {
    public var comment: PlannerComment
    public var commentCount: Int

    public init(comment: PlannerComment, commentCount: Int) {
        self.comment = comment
        self.commentCount = commentCount
    }
}

/// `planner.*` events go to every member of the channel (and admins).
extension EventKind {
    public static let plannerBucketCreated: EventKind = "planner.bucket.created"
    public static let plannerBucketUpdated: EventKind = "planner.bucket.updated"
    public static let plannerBucketMoved: EventKind = "planner.bucket.moved"
    public static let plannerBucketDeleted: EventKind = "planner.bucket.deleted"
    public static let plannerTaskCreated: EventKind = "planner.task.created"
    public static let plannerTaskUpdated: EventKind = "planner.task.updated"
    public static let plannerTaskMoved: EventKind = "planner.task.moved"
    public static let plannerTaskDeleted: EventKind = "planner.task.deleted"
    public static let plannerCommentAdded: EventKind = "planner.comment.added"
    public static let plannerTemplateApplied: EventKind = "planner.template.applied"
}
