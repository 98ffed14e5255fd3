import Hummingbird
import KanavaCore

/// `/api/admin/bots…`: admins create bots (the token is in the answer once), list, change and revoke them.
struct AdminBotRoutes {
    let kanava: Kanava

    struct CreateBody: JSONBody {
        var name: String
        var channels: [String]
        enum CodingKeys: String, CodingKey, CaseIterable { case name, channels }
    }

    struct ChangeBody: JSONBody {
        var name: String?
        var channels: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable { case name, channels }
    }

    struct CreatedResponse: ResponseEncodable {
        var bot: Bot
        var token: String
    }

    struct BotResponse: ResponseEncodable {
        var bot: Bot
    }

    struct ListResponse: ResponseEncodable {
        var bots: [Bot]
    }

    func addRoutes(to admin: RouterGroup<KanavaRequestContext>) {
        let bots = kanava.bots
        let limit = 256 * 1024

        admin.post("bots") { request, context -> EditedResponse<CreatedResponse> in
            let body = try await request.decodeJSON(CreateBody.self, limit: limit)
            let created = try await bots.create(name: body.name, channels: body.channels, by: context.principal())
            return EditedResponse(status: .created, response: CreatedResponse(bot: created.bot, token: created.token))
        }

        admin.get("bots") { _, context -> ListResponse in
            ListResponse(bots: try await bots.list(by: context.principal()))
        }

        admin.patch("bots/:bot") { request, context -> BotResponse in
            let body = try await request.decodeJSON(ChangeBody.self, limit: limit)
            return BotResponse(bot: try await bots.update(try context.rowID("bot"), name: body.name, channels: body.channels, by: context.principal()))
        }

        admin.post("bots/:bot/revoke") { _, context -> BotResponse in
            BotResponse(bot: try await bots.revoke(try context.rowID("bot"), by: context.principal()))
        }
    }
}
