import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization

/// A real WebSocket client of a test server: sends JSON frames, and lets a test await the frames it gets.
public final class WSTestClient: Sendable {
    public typealias Frame = [String: Any]

    private let frames: Inbox
    private let outgoing: AsyncStream<String>.Continuation
    private let resume: AsyncStream<Void>.Continuation
    private let connection: Task<Void, any Error>
    private let nextID = Atomic<Int>(0)

    /// Connects with a session cookie and waits for the server's `hello`.
    /// `pausesAfter: n` stops reading from the socket after n frames until ``resumeReading()`` (a slow consumer).
    /// (The underlying client always sends `Origin: ws://host`; see ``HTTPSession/webSocketHandshake(origin:)``
    /// for handshakes with a browser's Origin.)
    public static func connect(port: Int, cookie: String?, pausesAfter: Int? = nil) async throws -> (client: WSTestClient, hello: Frame) {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        let incoming = Inbox()
        let (outgoing, outgoingContinuation) = AsyncStream.makeStream(of: String.self)
        let (resume, resumeContinuation) = AsyncStream.makeStream(of: Void.self)
        var logger = Logger(label: "ws-test-client")
        logger.logLevel = .critical
        let configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 22, additionalHeaders: headers, autoPing: .disabled)
        let connection = Task {
            defer { incoming.finish() }
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws", configuration: configuration, logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in outgoing { try await outbound.write(.text(text)) }
                    }
                    group.addTask {
                        var messages = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
                        var count = 0
                        while let message = try await messages.next() {
                            if case .text(let text) = message { incoming.push(text) }
                            count += 1
                            if count == pausesAfter { for await _ in resume { break } }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
        let client = WSTestClient(frames: incoming, outgoing: outgoingContinuation, resume: resumeContinuation, connection: connection)
        do {
            let hello = try await client.next(timeout: 5)
            guard hello["type"] as? String == "hello" else { throw TestFailure("expected hello, got \(hello)") }
            return (client, hello)
        } catch {
            // Report why the connection failed (a refused upgrade), not just that no hello came.
            if case .failure(let reason) = await connection.result { throw reason }
            throw error
        }
    }

    private init(frames: Inbox, outgoing: AsyncStream<String>.Continuation, resume: AsyncStream<Void>.Continuation, connection: Task<Void, any Error>) {
        self.frames = frames
        self.outgoing = outgoing
        self.resume = resume
        self.connection = connection
    }

    /// Lets a client made with `pausesAfter` read again.
    public func resumeReading() {
        resume.yield()
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
    public func waitUntilClosed(timeout: Double = 5) async throws -> [String] {
        try await withTimeout(timeout, "waiting for the server to close the socket") { [self] in
            var frames: [String] = []
            while let text = await self.frames.next() { frames.append(text) }
            return frames
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
