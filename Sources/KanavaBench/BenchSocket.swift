import Foundation
import KanavaCore
import NIOCore
import NIOWebSocket
import Synchronization

/// A lean WebSocket client: a NIO channel with a frame handler and no task of its own, so ten thousand of them fit
/// in one process. Requests (`send`, `ack`, …) are answered through ``request(_:)``; events go to `onEvent`,
/// called on the socket's event loop with the time the frame was read (keep it short: it delays the next frame).
public final class BenchSocket: Sendable {
    public typealias EventHandler = @Sendable (ByteBuffer, ContinuousClock.Instant) -> Void

    private let channel: any Channel
    private let inbox: SocketInbox
    private let nextID = Atomic<Int>(0)

    /// Opens `/ws` with the person's cookie and waits for the server's `hello`.
    public static func connect(port: Int, person: BenchPerson, group: any EventLoopGroup, onEvent: EventHandler? = nil) async throws -> BenchSocket {
        let inbox = SocketInbox(onEvent: onEvent)
        let channel: any Channel
        do {
            channel = try await WebSocketDial.open(port: port, headers: [("Cookie", person.cookie)], upgradeTimeout: Self.timeout,
                                                   group: group) { channel in
                try channel.pipeline.syncOperations.addHandler(FrameHandler(inbox: inbox))
            }
        } catch {
            throw BenchError("the WebSocket of \(person.person.email): \(error)")
        }
        let socket = BenchSocket(channel: channel, inbox: inbox)
        let deadline = channel.eventLoop.scheduleTask(in: Self.timeout) { inbox.expire(nil) }
        defer { deadline.cancel() }
        do {
            _ = try await inbox.hello()
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    private init(channel: any Channel, inbox: SocketInbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// How long the hello and each reply may take before the wait fails.
    static let timeout = TimeAmount.seconds(30)

    /// Sends a request frame (`fields` plus a fresh `id`) and waits for its reply.
    public func request(_ fields: [String: any Sendable]) async throws -> Reply {
        let id = "r\(nextID.add(1, ordering: .relaxed).newValue)"
        var object = fields
        object["id"] = id
        let data = try JSONSerialization.data(withJSONObject: object)
        let deadline = channel.eventLoop.scheduleTask(in: Self.timeout) { [inbox] in inbox.expire(id) }
        defer { deadline.cancel() }
        return try await inbox.awaitReply(id) {
            let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(bytes: data))
            channel.writeAndFlush(frame, promise: nil)
        }
    }

    /// Subscribes to channels from now on and checks that each was granted.
    public func subscribe(_ channels: [AccountID]) async throws {
        let reply = try await request(["type": "subscribe", "channels": channels.map { ["channel": $0.rawValue] }])
        let granted = try JSONDecoder().decode(SubscribeReply.self, from: reply.data).result.channels
        guard reply.ok, granted.count == channels.count, granted.allSatisfy({ $0.error == nil }) else {
            throw BenchError("subscribe was refused: \(String(decoding: reply.data, as: UTF8.self).prefix(300))")
        }
    }

    public func close() {
        channel.close(promise: nil)
    }

    /// A reply frame: whether it succeeded, its raw JSON, and when it was read.
    public struct Reply: Sendable {
        public var ok: Bool
        public var data: Data
        public var at: ContinuousClock.Instant
    }

    private struct SubscribeReply: Decodable {
        var result: Result
        struct Result: Decodable { var channels: [Channel] }
        struct Channel: Decodable { var error: Detail? }
        struct Detail: Decodable { var code: String }
    }
}

/// What one socket is waiting for: its `hello` and the replies to its requests, by request id.
private final class SocketInbox: Sendable {
    private struct State {
        var hello: CheckedContinuation<Void, any Error>?
        var greeted = false
        var replies: [String: CheckedContinuation<BenchSocket.Reply, any Error>] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    let onEvent: BenchSocket.EventHandler?

    init(onEvent: BenchSocket.EventHandler?) {
        self.onEvent = onEvent
    }

    func hello() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let now: Result<Void, any Error>? = state.withLock { state in
                if state.greeted { return .success(()) }
                if state.closed { return .failure(BenchError("the socket closed before hello")) }
                state.hello = continuation
                return nil
            }
            if let now { continuation.resume(with: now) }
        }
    }

    /// Registers the reply's waiter, then sends (so a fast reply cannot arrive before anyone waits for it).
    func awaitReply(_ id: String, send: () -> Void) async throws -> BenchSocket.Reply {
        try await withCheckedThrowingContinuation { continuation in
            let open = state.withLock { state in
                guard !state.closed else { return false }
                state.replies[id] = continuation
                return true
            }
            guard open else { return continuation.resume(throwing: BenchError("the socket is closed")) }
            send()
        }
    }

    func received(_ frame: ByteBuffer, at time: ContinuousClock.Instant) {
        if let onEvent, frame.readableBytesView.starts(with: Self.eventPrefix) { return onEvent(frame, time) }
        guard let head = try? JSONDecoder().decode(Head.self, from: Data(frame.readableBytesView)) else { return }
        switch head.type {
        case "reply":
            guard let id = head.id, let waiter = state.withLock({ $0.replies.removeValue(forKey: id) }) else { return }
            waiter.resume(returning: BenchSocket.Reply(ok: head.ok ?? false, data: Data(frame.readableBytesView), at: time))
        case "hello":
            let waiter = state.withLock { state in
                state.greeted = true
                return state.hello.take()
            }
            waiter?.resume()
        default:
            break
        }
    }

    /// Fails the wait for a reply (or, given nil, for the hello) that took too long.
    func expire(_ id: String?) {
        let failure = BenchError(id.map { "no reply to request \($0) within \(BenchSocket.timeout)" } ?? "no hello within \(BenchSocket.timeout)")
        if let id {
            state.withLock { $0.replies.removeValue(forKey: id) }?.resume(throwing: failure)
        } else {
            state.withLock { $0.hello.take() }?.resume(throwing: failure)
        }
    }

    func closed() {
        let (hello, replies) = state.withLock { state in
            state.closed = true
            defer { state.replies = [:] }
            return (state.hello.take(), state.replies.values)
        }
        hello?.resume(throwing: BenchError("the socket closed before hello"))
        for waiter in replies { waiter.resume(throwing: BenchError("the socket closed before the reply")) }
    }

    private static let eventPrefix = Array(#"{"type":"event""#.utf8)

    private struct Head: Decodable {
        var type: String
        var id: String?
        var ok: Bool?
    }
}

/// Hands text frames to the inbox, answers pings (the server closes sockets that stop answering), and tells the
/// inbox when the connection ends.
private final class FrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let inbox: SocketInbox

    init(inbox: SocketInbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            inbox.received(frame.unmaskedData, at: .now)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
