import Foundation
import Hummingbird
import KanavaCore

/// Notices: `/api/accounts/:account/notices…` and, across channels, `/api/notices/open` (the banner).
struct NoticeRoutes {
    let kanava: Kanava

    struct PostBody: JSONBody {
        var clientId: String?
        var priority: String
        var title: String
        var body: String
        var expiresAt: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case clientId, priority, title, body, expiresAt }
    }

    struct NoticeList: ResponseEncodable {
        var notices: [Notice]
    }

    struct NoticeResponse: ResponseEncodable {
        var notice: Notice
    }

    struct AckResponse: ResponseEncodable {
        var notice: NoticeID
        var at: Date
        var alreadyAcknowledged: Bool
    }

    struct StatusResponse: ResponseEncodable {
        var status: NoticeStatus
    }

    func addRoutes(to api: RouterGroup<KanavaRequestContext>, channel: RouterGroup<KanavaRequestContext>) {
        let notices = kanava.notices
        let limit = max(kanava.config.limits.maxBodyBytes, kanava.config.notices.maxBodyChars * 4 + 4096)

        api.get("notices/open") { _, context -> NoticeList in
            NoticeList(notices: try await notices.open(for: context.principal()))
        }

        channel.get("notices") { _, context -> NoticeList in
            NoticeList(notices: try await notices.list(try context.accountID(), for: context.principal()))
        }

        channel.post("notices") { request, context -> EditedResponse<NoticeResponse> in
            let body = try await request.decodeJSON(PostBody.self, limit: limit)
            let expiresAt = try body.expiresAt.map { text -> Date in
                guard let date = try? Date(text, strategy: .iso8601) else {
                    throw KanavaError.invalid("expiresAt", "must be an ISO 8601 time such as 2026-12-01T12:00:00Z")
                }
                return date
            }
            let draft = NoticeDraft(clientId: body.clientId, priority: body.priority, title: body.title, body: body.body, expiresAt: expiresAt)
            let posted = try await notices.post(try context.accountID(), draft, by: context.principal())
            return EditedResponse(status: posted.duplicate ? .ok : .created, response: NoticeResponse(notice: posted.notice))
        }

        channel.get("notices/:notice/status") { _, context -> StatusResponse in
            StatusResponse(status: try await notices.status(try context.accountID(), try context.rowID("notice"), for: context.principal()))
        }

        channel.post("notices/:notice/ack") { _, context -> AckResponse in
            let result = try await notices.acknowledge(try context.accountID(), try context.rowID("notice"), by: context.principal())
            return AckResponse(notice: result.notice, at: result.at, alreadyAcknowledged: result.alreadyAcknowledged)
        }

        channel.post("notices/:notice/withdraw") { _, context -> NoticeResponse in
            NoticeResponse(notice: try await notices.withdraw(try context.accountID(), try context.rowID("notice"), by: context.principal()))
        }
    }
}
