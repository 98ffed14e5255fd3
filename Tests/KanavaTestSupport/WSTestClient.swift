import Foundation
import KanavaBench
import NIOCore
import NIOPosix
import NIOWebSocket
import Synchronization

/// A real WebSocket client of a test server: sends JSON frames, and lets a test await the frames it gets.
///
/// It owns its connection (``WebSocketDial``, as `kanava bench`'s sockets): every wait is bounded, and ``drop()``
/// cuts the connection at once. (swift-websocket's client, used before, allows half-closure; a server that dies after
/// reading the upgrade request but before answering it left that client waiting for the answer for ever, cancellation
/// or not. A crash test that kills its server at random moments hung on it.)
public final class WSTestClient: Sendable {
    public typealias Frame = [String: Any]

    private let channel: any Channel
    private let frames: Inbox
    private let nextID = Atomic<Int>(0)

    /// How long ``close()`` waits for the server to end the connection after the close frame.
    static let closeTimeout = TimeAmount.seconds(5)

    /// Connects with a session cookie and waits for the server's `hello`.
    /// `pausesAfter: n` stops reading from the socket after n frames until ``resumeReading()`` (a slow consumer).
    /// It sends `Origin: ws://127.0.0.1`, as non-browser clients do; see ``HTTPSession/webSocketHandshake(origin:)``
    /// for handshakes with a browser's Origin.
    public static func connect(port: Int, cookie: String?, pausesAfter: Int? = nil) async throws -> (client: WSTestClient, hello: Frame) {
        let frames = Inbox()
        var headers = [("Origin", "ws://127.0.0.1")]
        if let cookie { headers.append(("Cookie", cookie)) }
        let channel = try await WebSocketDial.open(port: port, headers: headers, upgradeTimeout: .seconds(10),
                                                   group: MultiThreadedEventLoopGroup.singleton) { channel in
            try channel.pipeline.syncOperations.addHandlers(
                NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16, maxAccumulatedFrameSize: 1 << 22),
                FrameHandler(frames: frames, pausesAfter: pausesAfter))
        }
        let client = WSTestClient(channel: channel, frames: frames)
        do {
            let hello = try await client.next(timeout: 5)
            guard hello["type"] as? String == "hello" else { throw TestFailure("expected hello, got \(hello)") }
            return (client, hello)
        } catch {
            await client.drop()
            throw error
        }
    }

    private init(channel: any Channel, frames: Inbox) {
        self.channel = channel
        self.frames = frames
    }

    /// Lets a client made with `pausesAfter` read again.
    public func resumeReading() {
        channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
    }

    /// Sends a raw text frame.
    public func sendText(_ text: String) {
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text)), promise: nil)
    }

    /// Sends a request with a fresh id and returns the id.
    @discardableResult
    public func send(_ type: String, _ fields: [String: Any] = [:]) throws -> String {
        let id = "r\(nextID.add(1, ordering: .relaxed).newValue)"
        var frame = fields
        frame["type"] = type
        frame["id"] = id
        sendText(String(decoding: try JSONSerialization.data(withJSONObject: frame), as: UTF8.self))
        return id
    }

    /// Subscribes and returns the reply's per-channel results (events of the backlog arrive before it).
    public func subscribe(_ channels: [(String, Int64?)]) throws -> String {
        try send("subscribe", ["channels": channels.map { channel, after -> [String: Any] in
            var entry: [String: Any] = ["channel": channel]
            if let after { entry["after"] = after }
            return entry
        }])
    }

    /// The next frame, or a timeout error; nil-safe against a closed connection.
    public func next(timeout: Double = 10) async throws -> Frame {
        let text = try await withTimeout(timeout, "waiting for a WebSocket frame") { [self] in
            try await self.nextText()
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestFailure("frame is not a JSON object: \(text)")
        }
        return object
    }

    /// Frames until one matches, returning it and the frames skipped on the way.
    public func next(where matches: (Frame) -> Bool, timeout: Double = 10) async throws -> (match: Frame, skipped: [Frame]) {
        var skipped: [Frame] = []
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw TimeoutError(what: "waiting for a matching frame (skipped \(skipped.count))", seconds: timeout) }
            let frame = try await next(timeout: Double(remaining.components.seconds) + 0.001 + Double(remaining.components.attoseconds) / 1e18)
            if matches(frame) { return (frame, skipped) }
            skipped.append(frame)
        }
    }

    /// The reply to request `id`, with the frames (events) that came before it.
    public func reply(to id: String, timeout: Double = 10) async throws -> (reply: Frame, before: [Frame]) {
        let (reply, before) = try await next(where: { $0["type"] as? String == "reply" && $0["id"] as? String == id }, timeout: timeout)
        return (reply, before)
    }

    /// True when no frame arrives within `seconds`.
    public func isQuiet(for seconds: Double) async -> Bool {
        (try? await next(timeout: seconds)) == nil
    }

    /// Reads until the server has closed the connection; returns the frames that came before.
    @discardableResult
    public func waitUntilClosed(timeout: Double = 10) async throws -> [String] {
        try await withTimeout(timeout, "waiting for the server to close the socket") { [self] in
            var frames: [String] = []
            while let text = await self.frames.next() { frames.append(text) }
            return frames
        }
    }

    /// Closes the connection the polite way: a close frame, then the server ends the connection (or, after
    /// ``closeTimeout``, this client does).
    public func close() async {
        var code = ByteBuffer()
        code.write(webSocketErrorCode: .normalClosure)
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: code), promise: nil)
        let cutOff = channel.eventLoop.scheduleTask(in: Self.closeTimeout) { [channel] in channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        cutOff.cancel()
    }

    /// Drops the connection without a close handshake (a network cut).
    public func drop() async {
        channel.close(promise: nil)
        try? await channel.closeFuture.get()
    }

    private func nextText() async throws -> String {
        guard let text = await frames.next() else { throw TestFailure("the WebSocket was closed") }
        return text
    }
}

extension WSTestClient.Frame {
    /// `frame["data"]["person"]["id"]`-style access for assertions.
    public func value(_ path: String...) -> Any? {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }
}

/// Hands text frames to the inbox, answers pings and the server's close, and ends the inbox with the connection.
private final class FrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let frames: Inbox
    /// Stop reading after this many frames (a slow consumer), until `autoRead` is switched on again.
    private let pausesAfter: Int?
    private var count = 0

    init(frames: Inbox, pausesAfter: Int?) {
        self.frames = frames
        self.pausesAfter = pausesAfter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            frames.push(String(buffer: frame.unmaskedData))
            count += 1
            if count == pausesAfter { try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false) }
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(reply)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        frames.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
