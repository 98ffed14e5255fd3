import Hummingbird
import KanavaCore

/// `/api/bot/…`: what a bot does with its bearer token (see ``BotAuthMiddleware``): list its channels, post a
/// message, read the annual clock. A channel not given to the bot is `not_found`.
struct BotRoutes {
    let kanava: Kanava

    struct PostBody: JSONBody {
        var text: String
        var clientId: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case text, clientId }
    }

    struct ChannelsResponse: ResponseEncodable {
        var channels: [BotChannel]
    }

    struct MessageResponse: ResponseEncodable {
        var message: Message
    }

    func addRoutes(to bot: RouterGroup<KanavaRequestContext>) {
        let bots = kanava.bots
        let limit = max(kanava.config.limits.maxBodyBytes, kanava.config.chat.maxMessageChars * 4 + 4096)

        bot.get("channels") { _, context -> ChannelsResponse in
            ChannelsResponse(channels: try await bots.channels(of: try context.requireBot()))
        }

        bot.post("channels/:account/messages") { request, context -> EditedResponse<MessageResponse> in
            let bot = try context.requireBot()
            let account = try context.accountID()
            // A channel not given to the bot is 404 before its body is read, as the channel guard does for people.
            try BotService.requireScope(account, bot)
            let body = try await request.decodeJSON(PostBody.self, limit: limit)
            try await kanava.rateLimits.botPosts.take(bot.id.description)
            let sent = try await bots.post(account, text: body.text, clientId: body.clientId, as: bot)
            return EditedResponse(status: sent.duplicate ? .ok : .created, response: MessageResponse(message: sent.message))
        }

        bot.get("channels/:account/clock") { request, context -> ClockRoutes.YearResponse in
            ClockRoutes.YearResponse(year: try await bots.clock(try context.accountID(), year: try ClockRoutes.year(request), as: try context.requireBot()))
        }
    }
}
