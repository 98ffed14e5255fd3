import Foundation
import Hummingbird
import KanavaCore

/// Incoming webhooks: managing a channel's webhooks under `/api/accounts/:account/webhooks` (the director and
/// admins), and `POST /hooks/:secret`, where tools post as they would to Slack or Mattermost (no session, no CSRF
/// token: the secret in the URL is the credential). It answers `200 ok` in plain text, as Slack does.
struct WebhookRoutes {
    let kanava: Kanava
    let address: PublicAddress

    struct CreateBody: JSONBody {
        var name: String
        enum CodingKeys: String, CodingKey, CaseIterable { case name }
    }

    struct CreatedResponse: ResponseEncodable {
        var webhook: Webhook
        /// The webhook's URL: shown this once.
        var url: String
    }

    struct ListResponse: ResponseEncodable {
        var webhooks: [Webhook]
    }

    func addRoutes(to channel: RouterGroup<KanavaRequestContext>, router: Router<KanavaRequestContext>) {
        let webhooks = kanava.webhooks
        let address = address
        let limits = kanava.rateLimits

        channel.post("webhooks") { request, context -> EditedResponse<CreatedResponse> in
            let body = try await request.decodeJSON(CreateBody.self, limit: 16 * 1024)
            let created = try await webhooks.create(try context.accountID(), name: body.name, by: context.principal())
            let url = address.baseURL(for: request) + "/hooks/" + created.secret
            return EditedResponse(status: .created, response: CreatedResponse(webhook: created.webhook, url: url))
        }

        channel.get("webhooks") { _, context -> ListResponse in
            ListResponse(webhooks: try await webhooks.list(try context.accountID(), by: context.principal()))
        }

        channel.delete("webhooks/:webhook") { _, context -> Response in
            try await webhooks.delete(try context.accountID(), try context.rowID("webhook"), by: context.principal())
            return Response(status: .noContent)
        }

        router.post("hooks/:secret") { request, context -> Response in
            // The address's limit first (it also slows down guessing secrets), then the secret: an unknown URL is 404
            // whatever its body; then the webhook's own limit.
            try await limits.webhookAddresses.take(context.remoteAddress ?? "unknown")
            let webhook = try await webhooks.webhook(secret: context.parameters.get("secret") ?? "")
            try await limits.webhookPosts.take(webhook.id.description)
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: WebhookPayload.maxBytes)
            } catch {
                throw KanavaError(.payloadTooLarge, "the body is larger than \(WebhookPayload.maxBytes) bytes")
            }
            let payload = try WebhookPayload.parse(Data(buffer: body), contentType: request.headers[.contentType])
            _ = try await webhooks.receive(payload, to: webhook)
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: "ok")))
        }
    }
}
