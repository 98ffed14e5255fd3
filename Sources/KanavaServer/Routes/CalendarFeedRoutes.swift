import Foundation
import Hummingbird
import KanavaCore

/// The calendar feed: `/api/me/calendar-feed` to make (or replace), look at and revoke one's secret feed URL, and
/// `GET /calendar/:secret.ics`, which calendar programs fetch without a session.
struct CalendarFeedRoutes {
    let kanava: Kanava
    let address: PublicAddress

    struct URLResponse: ResponseEncodable {
        /// The feed's URL: shown this once.
        var url: String
    }

    struct StatusResponse: ResponseEncodable {
        var exists: Bool
        var createdAt: Date?
    }

    func addRoutes(to api: RouterGroup<KanavaRequestContext>, router: Router<KanavaRequestContext>) {
        let feeds = kanava.calendarFeeds
        let address = address

        api.post("me/calendar-feed") { request, context -> URLResponse in
            let secret = try await feeds.create(by: context.principal())
            return URLResponse(url: address.baseURL(for: request) + "/calendar/" + secret + ".ics")
        }

        api.get("me/calendar-feed") { _, context -> StatusResponse in
            let created = try await feeds.created(by: context.principal())
            return StatusResponse(exists: created != nil, createdAt: created)
        }

        api.delete("me/calendar-feed") { _, context -> Response in
            try await feeds.revoke(by: context.principal())
            return Response(status: .noContent)
        }

        router.get("calendar/{secret}.ics") { request, context -> Response in
            let text = try await feeds.calendar(secret: context.parameters.get("secret") ?? "", host: address.host(for: request))
            return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
