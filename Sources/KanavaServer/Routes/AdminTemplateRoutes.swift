import Hummingbird
import KanavaCore

/// `/api/admin/template/drift`: the channels whose table of contents differs from the template, and how.
struct AdminTemplateRoutes {
    let kanava: Kanava

    struct Drift: ResponseEncodable {
        var channels: [Channel]
        struct Channel: Encodable {
            var account: AccountID
            var notes: [String]
        }
    }

    func addRoutes(to admin: RouterGroup<KanavaRequestContext>) {
        admin.get("template/drift") { _, _ -> Drift in
            Drift(channels: try await kanava.templates.drift().map { Drift.Channel(account: $0.account, notes: $0.notes) })
        }
    }
}
