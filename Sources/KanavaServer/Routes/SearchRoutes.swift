import Foundation
import Hummingbird
import KanavaCore

/// `GET /api/search?q=…&account=…&limit=…`: sections and messages the viewer may see.
struct SearchRoutes {
    let kanava: Kanava

    struct SearchResponse: ResponseEncodable {
        var results: SearchResults
    }

    func addRoutes(to api: RouterGroup<KanavaRequestContext>) {
        let search = kanava.search
        api.get("search") { request, context -> SearchResponse in
            // No session is 401 before the query is judged.
            let principal = try context.principal()
            let query = request.uri.queryParameters
            guard let text = query["q"] else { throw KanavaError.invalid("q", "is required") }
            let account = try query["account"].map { try AccountID.parse(String($0), field: "account") }
            // The service judges the range.
            let limit = try request.queryInteger("limit", in: Int.min...Int.max, problem: "must be a whole number") ?? 20
            return SearchResponse(results: try await search.search(String(text), in: account, limit: limit, for: principal))
        }
    }
}
