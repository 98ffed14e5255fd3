import Foundation
import Hummingbird
import KanavaCore

/// Accounts, their members, and the channel's event log. Thin: decode, call the service, encode.
struct AccountRoutes {
    let kanava: Kanava

    struct AccountList: ResponseEncodable {
        var accounts: [AccountSummary]
    }

    struct AccountDetail: ResponseEncodable {
        var account: AccountSummary
        var members: [Member]
    }

    struct NewAccount: JSONBody {
        var id: String
        var name: String
        var startDate: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case id, name, startDate }
    }

    struct AccountChange: JSONBody {
        var name: String?
        var startDate: String??
        enum CodingKeys: String, CodingKey, CaseIterable { case name, startDate }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            // Present-but-null clears the start date; absent leaves it.
            startDate = container.contains(.startDate) ? .some(try container.decodeIfPresent(String.self, forKey: .startDate)) : nil
        }
    }

    struct NewMember: JSONBody {
        var email: String
        var role: String
        var sites: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable { case email, role, sites }
    }

    struct RoleChange: JSONBody {
        var role: String
        enum CodingKeys: String, CodingKey, CaseIterable { case role }
    }

    struct MemberResponse: ResponseEncodable {
        var member: Member
    }

    struct AccountResponse: ResponseEncodable {
        var account: Account
    }

    /// `channel` is the guarded `accounts/:account` group.
    func addRoutes(to api: RouterGroup<KanavaRequestContext>, channel: RouterGroup<KanavaRequestContext>) {
        let limit = kanava.config.limits.maxBodyBytes

        api.get("accounts") { _, context -> AccountList in
            AccountList(accounts: try await kanava.accounts.list(for: context.principal()))
        }

        channel.get { _, context -> AccountDetail in
            let detail = try await kanava.accounts.detail(try context.accountID(), for: context.principal())
            return AccountDetail(account: detail.summary, members: detail.members)
        }

        channel.patch { request, context -> AccountResponse in
            let body = try await request.decodeJSON(AccountChange.self, limit: limit)
            let account = try await kanava.accounts.update(try context.accountID(), name: body.name, startDate: body.startDate, by: context.principal())
            return AccountResponse(account: account)
        }

        api.post("accounts") { request, context -> EditedResponse<AccountResponse> in
            // Who may create accounts is settled before the body is read: no session is 401 and non-admins 403, not 400.
            let principal = try context.principal()
            try kanava.access.requireAdmin(principal)
            let body = try await request.decodeJSON(NewAccount.self, limit: limit)
            let account = try await kanava.accounts.create(id: body.id, name: body.name, startDate: body.startDate, by: principal)
            return EditedResponse(status: .created, response: AccountResponse(account: account))
        }

        channel.post("members") { request, context -> EditedResponse<MemberResponse> in
            let body = try await request.decodeJSON(NewMember.self, limit: limit)
            let member = try await kanava.accounts.addMember(try context.accountID(), email: body.email, role: body.role, sites: body.sites ?? [], by: context.principal())
            return EditedResponse(status: .created, response: MemberResponse(member: member))
        }

        channel.patch("members/:person") { request, context -> MemberResponse in
            let body = try await request.decodeJSON(RoleChange.self, limit: limit)
            let member = try await kanava.accounts.changeRole(try context.accountID(), person: try context.rowID("person"), role: body.role, by: context.principal())
            return MemberResponse(member: member)
        }

        channel.delete("members/:person") { _, context -> Response in
            try await kanava.accounts.removeMember(try context.accountID(), person: try context.rowID("person"), by: context.principal())
            return Response(status: .noContent)
        }

        // The event log over plain HTTP, for clients without a WebSocket: same visibility rules as live delivery.
        channel.get("events") { request, context -> Response in
            let after = try request.queryInteger("after", in: 0...Int64.max) ?? 0
            let limit = try request.queryInteger("limit", in: 1...1000) ?? 100
            let page = try await kanava.events.page(try context.accountID(), after: after, limit: limit, for: context.principal())
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ServerFrame.eventList(page.events, head: page.head)))
        }
    }
}
