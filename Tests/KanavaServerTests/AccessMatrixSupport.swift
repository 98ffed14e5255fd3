import Foundation
import HTTPTypes
import KanavaServer
import KanavaTestSupport

/// The principals of the access matrix. Every request is about account A's objects; "other" principals belong to
/// account B only, so they probe another account's channel.
enum Who: String, CaseIterable, Sendable, CustomStringConvertible {
    case admin
    /// A person with the global role `board` and no membership.
    case board
    /// Account A's `account_director`.
    case director
    /// Account B's `account_director`.
    case otherDirector
    /// A `supervisor` member of A (the author of the fixture's message and feedback item).
    case supervisor
    /// A `supervisor` member of B.
    case otherSupervisor
    /// Was a supervisor of A, removed through the service after signing in (the session lives on).
    case removed
    /// A bot token with channel A.
    case bot
    /// A bot token with channel B only.
    case botElsewhere
    /// No session, no token.
    case anonymous

    var description: String { rawValue }

    var isPerson: Bool { ![.bot, .botElsewhere, .anonymous].contains(self) }
}

/// What a request came to: past access control, or denied with this status.
enum Outcome: Equatable, Sendable, CustomStringConvertible {
    case allowed
    case denied(Int)

    /// 401, 403 and 404 are access control's answers; anything else (a 400 for a minimal body, a 409) got past it.
    init(status: Int) {
        self = [401, 403, 404].contains(status) ? .denied(status) : .allowed
    }

    var description: String {
        switch self {
        case .allowed: "allowed"
        case .denied(let status): "\(status)"
        }
    }
}

/// Who may do something: each rule gives the outcome for every principal of ``Who``.
enum AccessRule: Sendable {
    /// Anyone, signed in or not (operations, the API document, signing in and out).
    case `public`
    /// The secret in the URL is the credential: anyone who has it (incoming webhooks, the calendar feed).
    case secretURL
    /// A secret URL with a secret that is not (or no longer) valid: 404 for everyone.
    case wrongSecret
    /// Any signed-in person.
    case anySignedIn
    /// The channel's members and admins read; non-members 404, no session 401.
    case memberRead
    /// The channel's members and admins write (comment, confirm, acknowledge, post, mark read).
    case memberWrite
    /// The channel's members only (feedback, acknowledging notices): an admin who is not a member 403.
    case membersOnly
    /// The director and admins (`AccessPolicy.manage`); other members 403, non-members 404.
    case manage
    /// A section's `editable_by` roles (by default the director) and admins: sections, documents, memos.
    case sectionEdit
    /// Planner tasks: directors, regional directors, managers and admins (the fixture's task has no assignee).
    case plannerEdit
    /// Marking a clock occurrence: members of the event's owner role, the director, admins. The fixture's event is owned
    /// by regional directors, so the supervisor is 403.
    case clockMark
    /// The object's own author only (the fixture's message and feedback item are the supervisor's): other members 403,
    /// admins and the director included.
    case author
    /// The supervisor's own message: its author, the director and admins.
    case ownOrManage
    /// Another member's "ask the director" conversation (or a message in it): that member, the director and admins;
    /// the supervisor, who is not that member, 404 as if it did not exist.
    case privateConversation
    /// A section restricted to roles the supervisor lacks (`billing`: directors, regional directors, sales) and its
    /// documents: those roles and admins; the supervisor 404, as for a section that does not exist.
    case restricted
    /// A quality card read: the account's director, admins and the board; everyone else 404, other members too.
    case cardRead
    /// A quality card write: the account's director and admins; the board 403; everyone else 404.
    case cardWrite
    /// The board overview: board members and admins; other people 403.
    case board
    /// Anyone who directs a channel (any channel) and admins; other people 403.
    case directing
    /// Admins only; other people 403.
    case adminOnly
    /// A bot token with the channel; a bot without it 404; no token 401.
    case bot
    /// Any valid bot token.
    case anyBot

    func outcome(for who: Who) -> Outcome {
        switch self {
        case .public, .secretURL:
            return .allowed
        case .wrongSecret:
            return .denied(404)
        case .bot:
            return who == .bot ? .allowed : who == .botElsewhere ? .denied(404) : .denied(401)
        case .anyBot:
            return who == .bot || who == .botElsewhere ? .allowed : .denied(401)
        default:
            guard who.isPerson else { return .denied(401) }
        }
        let member = [Who.admin, .director, .supervisor].contains(who)
        switch self {
        case .public, .secretURL, .wrongSecret, .bot, .anyBot, .anySignedIn:
            return .allowed
        case .memberRead, .memberWrite, .ownOrManage:
            return member ? .allowed : .denied(404)
        case .manage, .sectionEdit, .plannerEdit, .clockMark:
            return who == .supervisor ? .denied(403) : member ? .allowed : .denied(404)
        case .privateConversation, .restricted:
            return who == .supervisor ? .denied(404) : member ? .allowed : .denied(404)
        case .membersOnly:
            return who == .admin ? .denied(403) : member ? .allowed : .denied(404)
        case .author:
            return who == .supervisor ? .allowed : member ? .denied(403) : .denied(404)
        case .cardRead:
            return [.admin, .director, .board].contains(who) ? .allowed : .denied(404)
        case .cardWrite:
            return who == .board ? .denied(403) : [.admin, .director].contains(who) ? .allowed : .denied(404)
        case .board:
            return [.admin, .board].contains(who) ? .allowed : .denied(403)
        case .directing:
            return [.admin, .director, .otherDirector].contains(who) ? .allowed : .denied(403)
        case .adminOnly:
            return who == .admin ? .allowed : .denied(403)
        }
    }
}

/// One row of the REST table: the rule, and what to send.
struct RouteAccess: Sendable {
    var rule: AccessRule
    /// The JSON body (`{}` by default for writes, nothing for reads); a body that decodes, where a route decodes
    /// before it authorises, so denied principals meet access control and not the decoder.
    var body: String?
    /// Made afresh for each principal (the request deletes, revokes or withdraws it).
    var fresh: Throwaway?
    /// Path parameters taken from another fixture object than the one of their name (`["person": "peer"]`).
    var params: [String: String]

    init(_ rule: AccessRule, body: String? = nil, fresh: Throwaway? = nil, params: [String: String] = [:]) {
        self.rule = rule
        self.body = body
        self.fresh = fresh
        self.params = params
    }
}

/// Objects a destructive request uses up, one per principal; `param` is the path parameter that names it.
enum Throwaway: Sendable {
    case member, document, memo, clockEvent, bucket, task, feedback, message, notice, bot, webhook

    var param: String {
        switch self {
        case .member: "person"
        case .document: "document"
        case .memo: "memo"
        case .clockEvent: "event"
        case .bucket: "bucket"
        case .task: "task"
        case .feedback: "feedback"
        case .message: "message"
        case .notice: "notice"
        case .bot: "bot"
        case .webhook: "webhook"
        }
    }
}

extension HTTPSession.Response {
    /// `json()[object]["id"]` as a path parameter.
    func id(of object: String) throws -> String {
        guard let id = (try json()[object] as? [String: Any])?["id"] as? Int else {
            throw TestFailure("no \(object).id in \(status) \(text.prefix(300))")
        }
        return String(id)
    }
}
