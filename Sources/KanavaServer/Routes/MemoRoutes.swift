import Foundation
import Hummingbird
import KanavaCore

/// Meeting memos: `/api/accounts/:account/memos`. Thin: decode, call ``MemoService``, encode.
struct MemoRoutes {
    let kanava: Kanava

    struct MemoListResponse: ResponseEncodable {
        var canEdit: Bool
        var memos: [MemoSummary]
    }

    struct MemoResponse: ResponseEncodable {
        var memo: Memo
        var canEdit: Bool
    }

    struct MemoBody: JSONBody {
        var title: String?
        var meetingDate: String?
        var participants: [String]?
        var body: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case title, meetingDate, participants, body }

        var input: MemoInput { MemoInput(title: title, meetingDate: meetingDate, participants: participants, body: body) }
    }

    func addRoutes(to channel: RouterGroup<KanavaRequestContext>) {
        let memos = kanava.memos
        // A memo body may be 100,000 characters of (multi-byte) text, beyond the general JSON limit.
        let limit = max(kanava.config.limits.maxBodyBytes, MemoService.maxBodyChars * 4 + 65_536)

        channel.get("memos") { _, context -> MemoListResponse in
            let list = try await memos.list(try context.accountID(), for: context.principal())
            return MemoListResponse(canEdit: list.canEdit, memos: list.memos)
        }

        channel.post("memos") { request, context -> EditedResponse<MemoResponse> in
            let body = try await request.decodeJSON(MemoBody.self, limit: limit)
            let memo = try await memos.create(try context.accountID(), body.input, by: context.principal())
            return EditedResponse(status: .created, response: MemoResponse(memo: memo, canEdit: true))
        }

        channel.get("memos/:memo") { _, context -> MemoResponse in
            let found = try await memos.memo(try context.accountID(), try context.rowID("memo"), for: context.principal())
            return MemoResponse(memo: found.memo, canEdit: found.canEdit)
        }

        channel.patch("memos/:memo") { request, context -> MemoResponse in
            let body = try await request.decodeJSON(MemoBody.self, limit: limit)
            let memo = try await memos.update(try context.accountID(), try context.rowID("memo"), body.input, by: context.principal())
            return MemoResponse(memo: memo, canEdit: true)
        }

        channel.delete("memos/:memo") { _, context -> Response in
            try await memos.delete(try context.accountID(), try context.rowID("memo"), by: context.principal())
            return Response(status: .noContent)
        }
    }
}
