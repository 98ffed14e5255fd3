import Foundation
import Hummingbird
import HummingbirdWebSocket
import KanavaCore
import Logging
import NIOCore
import NIOWebSocket

/// `GET /ws`: the real-time connection of a signed-in browser. See docs/protocol.md.
struct WebSocketRoutes {
    let kanava: Kanava
    let hub: Hub
    let origins: OriginPolicy

    func addRoutes(to router: Router<KanavaRequestContext>) {
        router.group("ws")
            .add(middleware: SessionMiddleware(auth: kanava.auth))
            .ws(shouldUpgrade: { request, context in
                // Browsers send Origin on WebSocket handshakes; another site must not ride on the cookie.
                guard origins.allows(request) else { throw KanavaError(.forbidden, "WebSocket connections from another site are not allowed") }
                guard let identity = context.identity else { throw KanavaError(.unauthenticated, "sign in first") }
                // One more socket than the limit is refused (the open ones stay: a runaway tab must not push out the others).
                // The handshake gets the framework's empty 400, as every refused upgrade; a plain GET says 429.
                // Handshakes in flight at the same moment are not counted, so a burst can pass the limit by that many.
                let open = hub.connectionCount(of: identity.person.id)
                guard open < kanava.config.limits.maxSocketsPerPerson else {
                    throw KanavaError(.rateLimited, "you have \(open) connections open; close a tab or wait a minute", retryAfter: 60)
                }
                return .upgrade([:])
            }, onUpgrade: { inbound, outbound, context in
                guard let identity = context.requestContext.identity else { return }
                let session = SocketSession(kanava: kanava, hub: hub, identity: identity, logger: context.logger)
                try await session.run(inbound: inbound, outbound: outbound, channel: context.requestContext.channel)
            })
    }
}

/// One connected socket: reads client requests, answers them, and writes queued frames.
struct SocketSession {
    let kanava: Kanava
    let hub: Hub
    let identity: AuthenticatedSession
    let logger: Logger

    private var limits: KanavaConfig.Limits { kanava.config.limits }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel) async throws {
        let connection = hub.register(
            person: identity.person, sessionHash: identity.session.tokenHash,
            maxQueuedBytes: limits.maxWsQueuedBytes, maxBufferedEvents: limits.maxResumeEvents
        )
        defer { hub.unregister(connection) }
        connection.send(ServerFrame.hello(person: identity.person, config: kanava.config))

        let closedByServer = try await withThrowingTaskGroup(of: ClientConnection.CloseReason?.self) { group in
            group.addTask {
                try await connection.drain { frame in
                    try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: frame)))
                }
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: limits.maxWsFrameBytes) {
                    await handle(message, connection)
                }
                connection.close(.clientClosed)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch closedByServer {
        case .slowConsumer:
            logger.notice("closing a slow WebSocket consumer", metadata: ["person": "\(identity.person.id)"])
            // Its TCP buffer is full, so a close frame could wait forever: cut the connection.
            try? await channel.close()
        case .sessionEnded:
            try? await outbound.close(.policyViolation, reason: "session ended")
        case .clientClosed, nil:
            break
        }
    }

    private func handle(_ message: WebSocketMessage, _ connection: ClientConnection) async {
        guard case .text(let text) = message else {
            return connection.send(ServerFrame.error(KanavaError(.badRequest, "frames must be JSON text")))
        }
        switch ClientRequest.parse(text) {
        case .failure(let failure):
            connection.send(failure.id.map { ServerFrame.reply(id: $0, error: failure.error) } ?? ServerFrame.error(failure.error))
        case .success(.ping(let id)):
            await ping(id, connection)
        case .success(.subscribe(let id, let channels)):
            var results: [SubscribeResult] = []
            for request in channels { results.append(await subscribe(request, connection)) }
            connection.send(ServerFrame.reply(id: id, result: SubscribeReply(channels: results)))
        case .success(.send(let id, let channel, let draft)):
            // The reply goes out only after the message is committed: "ok" means it is stored.
            await answer(id, connection) {
                try await kanava.rateLimits.messages.take(identity.person.id.description)
                return try await kanava.chat.send(channel, draft, by: principal)
            }
        case .success(.edit(let id, let channel, let message, let body)):
            await answer(id, connection) { MessageReply(message: try await kanava.chat.edit(channel, message, body: body, by: principal)) }
        case .success(.delete(let id, let channel, let message)):
            await answer(id, connection) { try await kanava.chat.delete(channel, message, by: principal); return ServerFrame.Empty() }
        case .success(.read(let id, let channel, let upTo)):
            await answer(id, connection) { try await kanava.chat.markRead(channel, upTo: upTo, by: principal); return ServerFrame.Empty() }
        case .success(.ack(let id, let channel, let notice)):
            await answer(id, connection) { try await kanava.notices.acknowledge(channel, notice, by: principal) }
        case .success(.unsubscribe(let id, let channels)):
            for raw in channels {
                guard let channel = AccountID(rawValue: raw) else { continue }
                hub.unindex(connection, channel: channel)
                connection.endSubscription(channel)
            }
            connection.send(ServerFrame.reply(id: id, result: ServerFrame.Empty()))
        }
    }

    private var principal: Principal { .person(identity.person) }

    /// Runs a request and replies with its result or its error.
    private func answer(_ id: String, _ connection: ClientConnection, _ work: () async throws -> some Encodable) async {
        do {
            connection.send(ServerFrame.reply(id: id, result: try await work()))
        } catch {
            connection.send(ServerFrame.reply(id: id, error: Self.kanavaError(error)))
        }
    }

    struct MessageReply: Encodable {
        var message: Message
    }

    /// Application-level ping: answers, and ends the socket if the session has ended meanwhile.
    private func ping(_ id: String, _ connection: ClientConnection) async {
        do {
            guard try await kanava.auth.refresh(tokenHash: identity.session.tokenHash) else {
                connection.send(ServerFrame.reply(id: id, error: KanavaError(.unauthenticated, "the session has ended; sign in again")))
                return connection.close(.sessionEnded)
            }
            connection.send(ServerFrame.reply(id: id, result: ServerFrame.Empty()))
        } catch {
            connection.send(ServerFrame.reply(id: id, error: Self.kanavaError(error)))
        }
    }

    /// Index first, then check access, then read the backlog: see ``ClientConnection/beginSubscription(_:)``.
    private func subscribe(_ request: ClientRequest.SubscribeBody.Channel, _ connection: ClientConnection) async -> SubscribeResult {
        guard let channel = AccountID(rawValue: request.channel) else {
            return SubscribeResult(channel: String(request.channel.prefix(64)), error: .init(KanavaError.invalid("channel", "not a channel id")))
        }
        connection.beginSubscription(channel)
        hub.index(connection, channel: channel)
        do {
            let access = try await kanava.access.channel(channel, for: .person(identity.person))
            let backlog = try await kanava.events.backlog(channel, after: request.after, limit: limits.maxResumeEvents, access: access)
            guard connection.completeSubscription(channel, access: access, backlog: backlog) else {
                return SubscribeResult(channel: channel.rawValue, error: .init(KanavaError.notFound("channel \(channel)")))
            }
            return SubscribeResult(channel: channel.rawValue, head: backlog.last, reset: backlog.reset)
        } catch {
            hub.unindex(connection, channel: channel)
            connection.endSubscription(channel)
            return SubscribeResult(channel: channel.rawValue, error: .init(Self.kanavaError(error)))
        }
    }

    private static func kanavaError(_ error: any Error) -> KanavaError {
        error as? KanavaError ?? KanavaError(.internal, "the server could not complete the request")
    }

    struct SubscribeReply: Encodable {
        var channels: [SubscribeResult]
    }

    struct SubscribeResult: Encodable {
        var channel: String
        var head: Int64?
        var reset: Bool?
        var error: ServerFrame.ErrorDetail?

        init(channel: String, head: Int64? = nil, reset: Bool? = nil, error: ServerFrame.ErrorDetail? = nil) {
            self.channel = channel
            self.head = head
            self.reset = reset
            self.error = error
        }
    }
}
