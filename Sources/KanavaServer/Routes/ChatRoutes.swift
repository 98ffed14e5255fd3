import Foundation
import Hummingbird
import KanavaCore

/// Chat over HTTP: history pages, threads, "ask the director" conversations, edits and read markers, under
/// `/api/accounts/:account/…`. Sending also works here (bots and scripts); browsers send over the WebSocket.
struct ChatRoutes {
    let kanava: Kanava

    struct SendBody: JSONBody {
        var clientId: String?
        var body: String
        var threadRoot: Int64?
        var privateWith: Int64?
        enum CodingKeys: String, CodingKey, CaseIterable { case clientId, body, threadRoot, privateWith }
    }

    struct EditBody: JSONBody {
        var body: String
        enum CodingKeys: String, CodingKey, CaseIterable { case body }
    }

    struct ReadBody: JSONBody {
        var upTo: Int64
        enum CodingKeys: String, CodingKey, CaseIterable { case upTo }
    }

    struct SendResponse: ResponseEncodable {
        var message: Message
        var seq: Int64?
        var duplicate: Bool
    }

    struct MessageResponse: ResponseEncodable {
        var message: Message
    }

    struct EditsResponse: ResponseEncodable {
        var message: Message
        var edits: [MessageEdit]
    }

    struct PageResponse: ResponseEncodable {
        var messages: [Message]
        var hasMore: Bool
        init(_ page: MessagePage) {
            messages = page.messages
            hasMore = page.hasMore
        }
    }

    struct ConversationsResponse: ResponseEncodable {
        var conversations: [Conversation]
    }

    func addRoutes(to channel: RouterGroup<KanavaRequestContext>) {
        let chat = kanava.chat
        let limit = max(kanava.config.limits.maxBodyBytes, kanava.config.chat.maxMessageChars * 4 + 4096)

        channel.get("messages") { request, context -> PageResponse in
            let (before, count) = try Self.paging(request)
            return PageResponse(try await chat.history(try context.accountID(), .channel, before: before, limit: count, for: context.principal()))
        }

        channel.post("messages") { request, context -> EditedResponse<SendResponse> in
            let body = try await request.decodeJSON(SendBody.self, limit: limit)
            try await kanava.rateLimits.messages.take(try context.signedInKey())
            let draft = MessageDraft(clientId: body.clientId, body: body.body, threadRoot: body.threadRoot.map { MessageID($0) },
                                     privateWith: body.privateWith.map { PersonID($0) })
            let sent = try await chat.send(try context.accountID(), draft, by: context.principal())
            return EditedResponse(status: sent.duplicate ? .ok : .created, response: SendResponse(message: sent.message, seq: sent.seq, duplicate: sent.duplicate))
        }

        channel.get("messages/:message/thread") { request, context -> PageResponse in
            let (before, count) = try Self.paging(request)
            let root: MessageID = try context.rowID("message")
            return PageResponse(try await chat.history(try context.accountID(), .thread(root), before: before, limit: count, for: context.principal()))
        }

        channel.patch("messages/:message") { request, context -> MessageResponse in
            let body = try await request.decodeJSON(EditBody.self, limit: limit)
            return MessageResponse(message: try await chat.edit(try context.accountID(), try context.rowID("message"), body: body.body, by: context.principal()))
        }

        channel.delete("messages/:message") { _, context -> Response in
            try await chat.delete(try context.accountID(), try context.rowID("message"), by: context.principal())
            return Response(status: .noContent)
        }

        channel.get("messages/:message/edits") { _, context -> EditsResponse in
            let found = try await chat.edits(try context.accountID(), try context.rowID("message"), for: context.principal())
            return EditsResponse(message: found.message, edits: found.edits)
        }

        channel.post("read") { request, context -> Response in
            let body = try await request.decodeJSON(ReadBody.self, limit: 1024)
            try await chat.markRead(try context.accountID(), upTo: MessageID(body.upTo), by: context.principal())
            return Response(status: .noContent)
        }

        channel.get("conversations") { _, context -> ConversationsResponse in
            ConversationsResponse(conversations: try await chat.conversations(try context.accountID(), for: context.principal()))
        }

        channel.get("conversations/:person") { request, context -> PageResponse in
            let (before, count) = try Self.paging(request)
            let member: PersonID = try context.rowID("person")
            return PageResponse(try await chat.history(try context.accountID(), .conversation(member), before: before, limit: count, for: context.principal()))
        }
    }

    /// `?before=<message id>&limit=<1–200>` (default 50).
    static func paging(_ request: Request) throws -> (MessageID?, Int) {
        let before = try request.queryInteger("before", in: 1...Int64.max, problem: "must be a message id").map { MessageID($0) }
        let limit = try request.queryInteger("limit", in: 1...ChatService.maxPageSize) ?? 50
        return (before, limit)
    }
}
