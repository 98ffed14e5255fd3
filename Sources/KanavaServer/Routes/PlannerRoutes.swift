import Foundation
import Hummingbird
import KanavaCore

/// The planner: `/api/accounts/:account/planner…`. Thin: decode, call ``PlannerService``, encode.
struct PlannerRoutes {
    let kanava: Kanava

    struct BoardResponse: ResponseEncodable {
        var board: PlannerBoard
        func encode(to encoder: any Encoder) throws { try board.encode(to: encoder) }
    }

    struct TemplatesResponse: ResponseEncodable {
        var templates: [PlannerTemplate]
    }

    struct AppliedResponse: ResponseEncodable {
        var result: PlannerTemplateResult
        func encode(to encoder: any Encoder) throws { try result.encode(to: encoder) }
    }

    struct BucketResponse: ResponseEncodable {
        var bucket: PlannerBucket
    }

    struct BucketMoveResponse: ResponseEncodable {
        var move: PlannerBucketMove
        func encode(to encoder: any Encoder) throws { try move.encode(to: encoder) }
    }

    struct TaskResponse: ResponseEncodable {
        var task: PlannerTask
    }

    struct TaskDetailResponse: ResponseEncodable {
        var detail: PlannerTaskDetail
        func encode(to encoder: any Encoder) throws { try detail.encode(to: encoder) }
    }

    struct TaskMoveResponse: ResponseEncodable {
        var move: PlannerTaskMove
        func encode(to encoder: any Encoder) throws { try move.encode(to: encoder) }
    }

    struct CommentResponse: ResponseEncodable {
        var added: PlannerCommentAdded
        func encode(to encoder: any Encoder) throws { try added.encode(to: encoder) }
    }

    struct BucketBody: JSONBody {
        var name: String
        enum CodingKeys: String, CodingKey, CaseIterable { case name }
    }

    struct BucketMoveBody: JSONBody {
        var index: Int
        enum CodingKeys: String, CodingKey, CaseIterable { case index }
    }

    struct TaskMoveBody: JSONBody {
        var bucket: PlannerBucketID
        var index: Int
        enum CodingKeys: String, CodingKey, CaseIterable { case bucket, index }
    }

    /// A checklist line: `id` keeps an existing item; a field it does not know is refused, as in the body itself.
    struct ChecklistItemBody: Decodable, Sendable {
        var input: PlannerChecklistInput

        private enum Keys: String, CodingKey, CaseIterable { case id, text, done }

        private struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let known = Set(Keys.allCases.map(\.stringValue))
            if let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown field '\(unknown.prefix(60))'"))
            }
            let container = try decoder.container(keyedBy: Keys.self)
            input = PlannerChecklistInput(id: try container.decodeIfPresent(PlannerChecklistItemID.self, forKey: .id),
                                          text: try container.decode(String.self, forKey: .text),
                                          done: try container.decodeIfPresent(Bool.self, forKey: .done))
        }
    }

    /// A new task (`bucket` and `title` required) …
    struct NewTaskBody: JSONBody {
        var fields: TaskFields
        enum CodingKeys: String, CodingKey, CaseIterable { case bucket, title, description, assignee, startDate, dueDate, status, labels, checklist }
        init(from decoder: any Decoder) throws { fields = try TaskFields(from: decoder, bucket: true) }
    }

    /// … or a change to one (`bucket` changes by moving).
    struct TaskChangeBody: JSONBody {
        var fields: TaskFields
        enum CodingKeys: String, CodingKey, CaseIterable { case title, description, assignee, startDate, dueDate, status, labels, checklist }
        init(from decoder: any Decoder) throws { fields = try TaskFields(from: decoder, bucket: false) }
    }

    /// A task's fields; present-but-null clears `assignee`, `startDate` and `dueDate`, absent leaves them.
    struct TaskFields: Sendable {
        var input: PlannerTaskInput

        private enum Keys: String, CodingKey { case bucket, title, description, assignee, startDate, dueDate, status, labels, checklist }

        init(from decoder: any Decoder, bucket: Bool) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            func nullable<T: Decodable>(_ type: T.Type, _ key: Keys) throws -> T?? {
                container.contains(key) ? .some(try container.decodeIfPresent(type, forKey: key)) : nil
            }
            input = PlannerTaskInput(
                bucket: bucket ? try container.decodeIfPresent(PlannerBucketID.self, forKey: .bucket) : nil,
                title: try container.decodeIfPresent(String.self, forKey: .title),
                description: try container.decodeIfPresent(String.self, forKey: .description),
                assignee: try nullable(PersonID.self, .assignee),
                startDate: try nullable(String.self, .startDate),
                dueDate: try nullable(String.self, .dueDate),
                status: try container.decodeIfPresent(String.self, forKey: .status),
                labels: try container.decodeIfPresent([String].self, forKey: .labels),
                checklist: try container.decodeIfPresent([ChecklistItemBody].self, forKey: .checklist)?.map(\.input)
            )
        }
    }

    struct CheckBody: JSONBody {
        var done: Bool
        enum CodingKeys: String, CodingKey, CaseIterable { case done }
    }

    struct CommentBody: JSONBody {
        var body: String
        enum CodingKeys: String, CodingKey, CaseIterable { case body }
    }

    struct ApplyBody: JSONBody {
        var baseDate: String?
        var includeOptional: Bool?
        enum CodingKeys: String, CodingKey, CaseIterable { case baseDate, includeOptional }
    }

    func addRoutes(to channel: RouterGroup<KanavaRequestContext>) {
        let planner = kanava.planner
        let limit = kanava.config.limits.maxBodyBytes

        channel.get("planner") { _, context -> BoardResponse in
            BoardResponse(board: try await planner.board(try context.accountID(), for: context.principal()))
        }

        channel.get("planner/templates") { _, context -> TemplatesResponse in
            TemplatesResponse(templates: try await planner.availableTemplates(try context.accountID(), for: context.principal()))
        }

        channel.post("planner/templates/:template/apply") { request, context -> EditedResponse<AppliedResponse> in
            let body = try await request.decodeJSON(ApplyBody.self, limit: limit)
            let result = try await planner.applyTemplate(try context.accountID(), template: context.parameters.get("template") ?? "",
                                                         baseDate: body.baseDate, includeOptional: body.includeOptional ?? false, by: context.principal())
            return EditedResponse(status: result.alreadyApplied ? .ok : .created, response: AppliedResponse(result: result))
        }

        // Buckets

        channel.post("planner/buckets") { request, context -> EditedResponse<BucketResponse> in
            let body = try await request.decodeJSON(BucketBody.self, limit: limit)
            let bucket = try await planner.createBucket(try context.accountID(), name: body.name, by: context.principal())
            return EditedResponse(status: .created, response: BucketResponse(bucket: bucket))
        }

        channel.patch("planner/buckets/:bucket") { request, context -> BucketResponse in
            let body = try await request.decodeJSON(BucketBody.self, limit: limit)
            return BucketResponse(bucket: try await planner.renameBucket(try context.accountID(), try context.rowID("bucket"), name: body.name,
                                                                        by: context.principal()))
        }

        channel.post("planner/buckets/:bucket/move") { request, context -> BucketMoveResponse in
            let body = try await request.decodeJSON(BucketMoveBody.self, limit: limit)
            return BucketMoveResponse(move: try await planner.moveBucket(try context.accountID(), try context.rowID("bucket"), to: body.index,
                                                                        by: context.principal()))
        }

        channel.delete("planner/buckets/:bucket") { _, context -> Response in
            try await planner.deleteBucket(try context.accountID(), try context.rowID("bucket"), by: context.principal())
            return Response(status: .noContent)
        }

        // Tasks

        channel.post("planner/tasks") { request, context -> EditedResponse<TaskResponse> in
            let body = try await request.decodeJSON(NewTaskBody.self, limit: limit)
            let task = try await planner.createTask(try context.accountID(), body.fields.input, by: context.principal())
            return EditedResponse(status: .created, response: TaskResponse(task: task))
        }

        channel.get("planner/tasks/:task") { _, context -> TaskDetailResponse in
            TaskDetailResponse(detail: try await planner.task(try context.accountID(), try context.rowID("task"), for: context.principal()))
        }

        channel.patch("planner/tasks/:task") { request, context -> TaskResponse in
            let body = try await request.decodeJSON(TaskChangeBody.self, limit: limit)
            return TaskResponse(task: try await planner.updateTask(try context.accountID(), try context.rowID("task"), body.fields.input,
                                                                  by: context.principal()))
        }

        channel.post("planner/tasks/:task/move") { request, context -> TaskMoveResponse in
            let body = try await request.decodeJSON(TaskMoveBody.self, limit: limit)
            return TaskMoveResponse(move: try await planner.moveTask(try context.accountID(), try context.rowID("task"), to: body.bucket,
                                                                    index: body.index, by: context.principal()))
        }

        channel.delete("planner/tasks/:task") { _, context -> Response in
            try await planner.deleteTask(try context.accountID(), try context.rowID("task"), by: context.principal())
            return Response(status: .noContent)
        }

        channel.put("planner/tasks/:task/checklist/:item") { request, context -> TaskResponse in
            let body = try await request.decodeJSON(CheckBody.self, limit: limit)
            return TaskResponse(task: try await planner.setChecklistItem(try context.accountID(), try context.rowID("task"), try context.rowID("item"),
                                                                        done: body.done, by: context.principal()))
        }

        channel.post("planner/tasks/:task/comments") { request, context -> EditedResponse<CommentResponse> in
            let body = try await request.decodeJSON(CommentBody.self, limit: limit)
            let added = try await planner.addComment(try context.accountID(), try context.rowID("task"), body: body.body, by: context.principal())
            return EditedResponse(status: .created, response: CommentResponse(added: added))
        }
    }
}
