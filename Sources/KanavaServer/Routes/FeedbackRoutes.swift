import Foundation
import Hummingbird
import KanavaCore

/// The feedback box, `/api/accounts/:account/feedback…`, and the yearly list of the most active members, `/api/activity`.
/// Thin: decode, call ``FeedbackService``, encode.
struct FeedbackRoutes {
    let kanava: Kanava

    struct PageResponse: ResponseEncodable {
        var page: FeedbackPage
        func encode(to encoder: any Encoder) throws { try page.encode(to: encoder) }
    }

    struct ItemResponse: ResponseEncodable {
        var item: FeedbackItem
    }

    struct ActivityResponse: ResponseEncodable {
        var report: ActivityReport
        func encode(to encoder: any Encoder) throws { try report.encode(to: encoder) }
    }

    struct FeedbackBody: JSONBody {
        var kind: String?
        var body: String?
        var anonymous: Bool?
        enum CodingKeys: String, CodingKey, CaseIterable { case kind, body, anonymous }

        var input: FeedbackInput { FeedbackInput(kind: kind, body: body, anonymous: anonymous) }
    }

    struct AnswerBody: JSONBody {
        var body: String?
        var status: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case body, status }
    }

    func addRoutes(to api: RouterGroup<KanavaRequestContext>, channel: RouterGroup<KanavaRequestContext>) {
        let feedback = kanava.feedback
        // 4,000 characters of (multi-byte) text in JSON, whatever the general limit.
        let limit = max(kanava.config.limits.maxBodyBytes, FeedbackService.maxBodyChars * 6 + 4096)

        channel.get("feedback") { request, context -> PageResponse in
            let query = request.uri.queryParameters
            let status = try query["status"].map { try FeedbackStatus.parse(String($0)) }
            let before = try request.queryInteger("before", in: 1...Int64.max, problem: "must be a feedback id").map { FeedbackID($0) }
            // The service judges the range, with the same message.
            let count = try request.queryInteger("limit", in: Int.min...Int.max, problem: "must be 1–\(FeedbackService.maxPageSize)")
            return PageResponse(page: try await feedback.list(try context.accountID(), status: status, before: before, limit: count, for: context.principal()))
        }

        channel.post("feedback") { request, context -> EditedResponse<ItemResponse> in
            let body = try await request.decodeJSON(FeedbackBody.self, limit: limit)
            let item = try await feedback.post(try context.accountID(), body.input, by: context.principal())
            return EditedResponse(status: .created, response: ItemResponse(item: item))
        }

        channel.get("feedback/:feedback") { _, context -> ItemResponse in
            ItemResponse(item: try await feedback.item(try context.accountID(), try context.rowID("feedback"), for: context.principal()))
        }

        channel.patch("feedback/:feedback") { request, context -> ItemResponse in
            let body = try await request.decodeJSON(FeedbackBody.self, limit: limit)
            return ItemResponse(item: try await feedback.edit(try context.accountID(), try context.rowID("feedback"), body.input, by: context.principal()))
        }

        channel.delete("feedback/:feedback") { _, context -> Response in
            try await feedback.withdraw(try context.accountID(), try context.rowID("feedback"), by: context.principal())
            return Response(status: .noContent)
        }

        channel.post("feedback/:feedback/replies") { request, context -> EditedResponse<ItemResponse> in
            let body = try await request.decodeJSON(AnswerBody.self, limit: limit)
            let item = try await feedback.answer(try context.accountID(), try context.rowID("feedback"),
                                                 FeedbackAnswerInput(body: body.body, status: body.status), by: context.principal())
            return EditedResponse(status: .created, response: ItemResponse(item: item))
        }

        api.get("activity") { request, context -> ActivityResponse in
            let year = try request.queryInteger("year", in: Int.min...Int.max, problem: "must be a year such as 2026")
            return ActivityResponse(report: try await feedback.activity(year: year, for: context.principal()))
        }
    }
}
