import Foundation
import Hummingbird
import HummingbirdWebSocket
import KanavaCore
import NIOCore

/// Per-request state: who is signed in (set by ``SessionMiddleware``) and where the request came from.
public struct KanavaRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    /// The signed-in session, when the request carried a valid session cookie.
    public var identity: AuthenticatedSession?
    /// The bot whose bearer token the request carried (set by ``BotAuthMiddleware`` on `/api/bot/…` only).
    public var bot: Bot?
    /// The connection the request came on (a slow WebSocket consumer is cut off by closing it).
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }

    /// The peer's IP address (for sign-in throttling and logs).
    public var remoteAddress: String? { channel.remoteAddress?.ipAddress }

    /// The signed-in principal, or `unauthenticated`.
    public func principal() throws -> Principal {
        guard let identity else { throw KanavaError(.unauthenticated, "sign in first") }
        return .person(identity.person)
    }

    /// The bot of a `/api/bot/…` request, or `unauthenticated`.
    func requireBot() throws -> Bot {
        guard let bot else { throw KanavaError(.unauthenticated, "send the bot's token as Authorization: Bearer kbt_…") }
        return bot
    }

    /// The `:account` of a channel route's path, validated.
    func accountID() throws -> AccountID {
        try AccountID.parse(parameters.get("account") ?? "")
    }

    /// A row id from the path (`:person`, `:memo`, `:document`), validated.
    func rowID<Entity>(_ name: String) throws -> RowID<Entity> {
        guard let raw = parameters.get(name), let id = Int64(raw) else { throw KanavaError.invalid(name, "must be a \(name) id") }
        return RowID(id)
    }

    public var responseEncoder: JSONEncoder { EventCoding.encoder }
}
