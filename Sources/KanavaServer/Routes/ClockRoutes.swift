import Foundation
import Hummingbird
import KanavaCore

/// The annual clock: `/api/accounts/:account/clock…`. Thin: decode, call ``AnnualClockService``, encode.
struct ClockRoutes {
    let kanava: Kanava

    struct YearResponse: ResponseEncodable {
        var year: ClockYear
        func encode(to encoder: any Encoder) throws { try year.encode(to: encoder) }
    }

    struct EventResponse: ResponseEncodable {
        var event: ClockEvent
    }

    struct OccurrenceResponse: ResponseEncodable {
        var occurrence: ClockOccurrence
    }

    struct SummaryResponse: ResponseEncodable {
        var figures: ClockFigures
    }

    struct EventBody: JSONBody {
        var title: String?
        var description: String?
        var kind: String?
        var owner: String?
        var start: String?
        var recurrence: String??
        var leadDays: Int?
        enum CodingKeys: String, CodingKey, CaseIterable { case title, description, kind, owner, start, recurrence, leadDays }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try container.decodeIfPresent(String.self, forKey: .title)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            kind = try container.decodeIfPresent(String.self, forKey: .kind)
            owner = try container.decodeIfPresent(String.self, forKey: .owner)
            start = try container.decodeIfPresent(String.self, forKey: .start)
            // Present-but-null makes the event a single date; absent leaves the rule as it is.
            recurrence = container.contains(.recurrence) ? .some(try container.decodeIfPresent(String.self, forKey: .recurrence)) : nil
            leadDays = try container.decodeIfPresent(Int.self, forKey: .leadDays)
        }

        var input: ClockEventInput {
            ClockEventInput(title: title, description: description, kind: kind, owner: owner, start: start, recurrence: recurrence, leadDays: leadDays)
        }
    }

    struct MarkBody: JSONBody {
        var status: String
        var note: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case status, note }
    }

    func addRoutes(to channel: RouterGroup<KanavaRequestContext>) {
        let clock = kanava.annualClock
        let limit = kanava.config.limits.maxBodyBytes

        channel.get("clock") { request, context -> YearResponse in
            YearResponse(year: try await clock.year(try context.accountID(), year: try Self.year(request), for: context.principal()))
        }

        channel.get("clock/summary") { request, context -> SummaryResponse in
            SummaryResponse(figures: try await clock.summary(try context.accountID(), year: try Self.year(request), for: context.principal()))
        }

        channel.post("clock/events") { request, context -> EditedResponse<EventResponse> in
            let body = try await request.decodeJSON(EventBody.self, limit: limit)
            let event = try await clock.create(try context.accountID(), body.input, by: context.principal())
            return EditedResponse(status: .created, response: EventResponse(event: event))
        }

        channel.patch("clock/events/:event") { request, context -> EventResponse in
            let body = try await request.decodeJSON(EventBody.self, limit: limit)
            return EventResponse(event: try await clock.update(try context.accountID(), try context.rowID("event"), body.input, by: context.principal()))
        }

        channel.delete("clock/events/:event") { _, context -> Response in
            try await clock.delete(try context.accountID(), try context.rowID("event"), by: context.principal())
            return Response(status: .noContent)
        }

        channel.put("clock/events/:event/occurrences/:date") { request, context -> OccurrenceResponse in
            let body = try await request.decodeJSON(MarkBody.self, limit: limit)
            let occurrence = try await clock.mark(try context.accountID(), try context.rowID("event"), date: context.parameters.get("date") ?? "",
                                                  status: body.status, note: body.note, by: context.principal())
            return OccurrenceResponse(occurrence: occurrence)
        }
    }

    /// `?year=2026`; absent: this year.
    static func year(_ request: Request) throws -> Int? {
        try request.queryInteger("year", in: AnnualClockService.years,
                                 problem: "must be a year \(AnnualClockService.years.lowerBound)–\(AnnualClockService.years.upperBound)")
    }
}
