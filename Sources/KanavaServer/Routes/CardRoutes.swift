import Foundation
import Hummingbird
import KanavaCore

/// Quality cards: `/api/accounts/:account/cards/:month…` and the board overview `/api/board/cards`. Thin: decode, call
/// ``QualityCardService``, encode.
///
/// The card routes are not under the channel guard: board members read cards without being members, and the channel's
/// other members may not see them. ``AccessPolicy/card(_:for:)``, asked by the service, is their one access check.
struct CardRoutes {
    let kanava: Kanava

    struct PageResponse: ResponseEncodable {
        var page: QualityCardPage
        func encode(to encoder: any Encoder) throws { try page.encode(to: encoder) }
    }

    struct VersionsResponse: ResponseEncodable {
        var versions: [QualityCardVersion]
    }

    struct BoardResponse: ResponseEncodable {
        var overview: BoardOverview
        func encode(to encoder: any Encoder) throws { try overview.encode(to: encoder) }
    }

    struct CardBody: JSONBody {
        var status: String??
        var summary: String?
        var asks: String?
        var customerSatisfaction: Double??
        var auditScore: Double??
        var openComplaints: Double??
        var monthlyBilling: Double??
        enum CodingKeys: String, CodingKey, CaseIterable {
            case status, summary, asks, customerSatisfaction, auditScore, openComplaints, monthlyBilling
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // Present-but-null empties a field; absent keeps it.
            func field<T: Decodable>(_ key: CodingKeys) throws -> T?? {
                container.contains(key) ? .some(try container.decodeIfPresent(T.self, forKey: key)) : nil
            }
            status = try field(.status)
            summary = try container.decodeIfPresent(String.self, forKey: .summary)
            asks = try container.decodeIfPresent(String.self, forKey: .asks)
            customerSatisfaction = try field(.customerSatisfaction)
            auditScore = try field(.auditScore)
            openComplaints = try field(.openComplaints)
            monthlyBilling = try field(.monthlyBilling)
        }

        var input: QualityCardInput {
            QualityCardInput(status: status, summary: summary, asks: asks, customerSatisfaction: customerSatisfaction, auditScore: auditScore,
                             openComplaints: openComplaints, monthlyBilling: monthlyBilling)
        }
    }

    struct SubmitBody: JSONBody {
        var version: Int
        enum CodingKeys: String, CodingKey, CaseIterable { case version }
    }

    func addRoutes(to api: RouterGroup<KanavaRequestContext>) {
        let cards = kanava.qualityCards
        let access = kanava.access
        let limit = kanava.config.limits.maxBodyBytes

        api.get("accounts/:account/cards/:month") { _, context -> PageResponse in
            PageResponse(page: try await cards.card(try context.accountID(), month: Self.month(context), for: context.principal()))
        }

        api.put("accounts/:account/cards/:month") { request, context -> PageResponse in
            let principal = try context.principal()
            let account = try context.accountID()
            // Who may not see the card hears `not_found` before the body is read, as behind the channel guard.
            _ = try await access.card(account, for: principal)
            let body = try await request.decodeJSON(CardBody.self, limit: limit)
            return PageResponse(page: try await cards.save(account, month: Self.month(context), body.input, by: principal))
        }

        api.post("accounts/:account/cards/:month/submit") { request, context -> PageResponse in
            let principal = try context.principal()
            let account = try context.accountID()
            _ = try await access.card(account, for: principal)
            let body = try await request.decodeJSON(SubmitBody.self, limit: limit)
            return PageResponse(page: try await cards.submit(account, month: Self.month(context), version: body.version, by: principal))
        }

        api.get("accounts/:account/cards/:month/versions") { _, context -> VersionsResponse in
            VersionsResponse(versions: try await cards.versions(try context.accountID(), month: Self.month(context), for: context.principal()))
        }

        api.get("board/cards") { request, context -> BoardResponse in
            BoardResponse(overview: try await cards.board(month: request.uri.queryParameters["month"].map(String.init), for: context.principal()))
        }
    }

    static func month(_ context: KanavaRequestContext) -> String {
        context.parameters.get("month") ?? ""
    }
}
