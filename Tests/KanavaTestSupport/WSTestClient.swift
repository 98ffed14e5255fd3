import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization

/// A real WebSocket client of a test server: sends JSON frames, and lets a test await the frames it gets.
///
/// Frames are read from one task at a time (as a test does), which is why the iterator needs no lock.
public final class WSTestClient: @unchecked Sendable {
    public typealias Frame = [String: Any]

    private var frames: AsyncStream<String>.Iterator
    private let outgoing: AsyncStream<String>.Continuation
    private let connection: Task<Void, any Error>
    private let nextID = Atomic<Int>(0)

    /// Connects with a session cookie and waits for the server's `hello`.
    /// `readsAfterHello: false` makes a stalled client that never reads again (a slow consumer).
    public static func connect(port: Int, cookie: String?, origin: String? = nil, readsAfterHello: Bool = true) async throws -> (client: WSTestClient, hello: Frame) {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        if let origin { headers[.origin] = origin }
        let (incoming, incomingContinuation) = AsyncStream.makeStream(of: String.self)
        let (outgoing, outgoingContinuation) = AsyncStream.makeStream(of: String.self)
        var logger = Logger(label: "ws-test-client")
        logger.logLevel = .critical
        let configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 22, additionalHeaders: headers, autoPing: .disabled)
        let connection = Task {
            defer { incomingContinuation.finish() }
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws", configuration: configuration, logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in outgoing { try await outbound.write(.text(text)) }
                    }
                    group.addTask {
                        var messages = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
                        while let message = try await messages.next() {
                            if case .text(let text) = message { incomingContinuation.yield(text) }
                            if !readsAfterHello { try await Task.sleep(for: .seconds(3600)) }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
        let client = WSTestClient(frames: incoming.makeAsyncIterator(), outgoing: outgoingContinuation, connection: connection)
        let hello = try await client.next(timeout: 5)
        guard hello["type"] as? String == "hello" else { throw TestFailure("expected hello, got \(hello)") }
        return (client, hello)
    }

    private init(frames: AsyncStream<String>.Iterator, outgoing: AsyncStream<String>.Continuation, connection: Task<Void, any Error>) {
        self.frames = frames
        self.outgoing = outgoing
        self.connection = connection
    }

    /// Sends a raw text frame.
    public func sendText(_ text: String) {
        outgoing.yield(text)
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
    public func next(timeout: Double = 5) async throws -> Frame {
        let text = try await withTimeout(timeout, "waiting for a WebSocket frame") { [self] in
            try await self.nextText()
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestFailure("frame is not a JSON object: \(text)")
        }
        return object
    }

    /// Frames until one matches, returning it and the frames skipped on the way.
    public func next(where matches: (Frame) -> Bool, timeout: Double = 5) async throws -> (match: Frame, skipped: [Frame]) {
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
    public func reply(to id: String, timeout: Double = 5) async throws -> (reply: Frame, before: [Frame]) {
        let (reply, before) = try await next(where: { $0["type"] as? String == "reply" && $0["id"] as? String == id }, timeout: timeout)
        return (reply, before)
    }

    /// True when no frame arrives within `seconds`.
    public func isQuiet(for seconds: Double) async -> Bool {
        (try? await next(timeout: seconds)) == nil
    }

    /// Whether the server has closed the connection (no more frames will come).
    public func waitUntilClosed(timeout: Double = 5) async throws {
        _ = try await withTimeout(timeout, "waiting for the server to close the socket") { [self] in
            while try await self.nextTextOrNil() != nil {}
        }
    }

    /// Closes the connection the polite way.
    public func close() async {
        outgoing.finish()
        _ = await connection.result
    }

    /// Drops the connection without a close handshake (a network cut).
    public func drop() async {
        connection.cancel()
        _ = await connection.result
    }

    private func nextText() async throws -> String {
        guard let text = try await nextTextOrNil() else { throw TestFailure("the WebSocket was closed") }
        return text
    }

    private func nextTextOrNil() async throws -> String? {
        await frames.next()
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
