import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Failures of the connection itself, turned into ``SMTPError`` by the step that met them.
enum SMTPConnectionError: Error {
    case timedOut
    case closed
    case malformedReply(SMTPReplyParser.ParseError)
    /// Replies the client did not ask for piled up.
    case unexpectedReplies
    /// The server sent more after its STARTTLS reply, before the TLS handshake: possibly an injection attempt.
    case inputBeforeTLS
}

/// One TCP connection to the server: write a command, wait for its reply, switch to TLS, close.
///
/// Every wait has the step timeout: it covers writing the command too, so a server that stops reading
/// cannot hang the client. Cancelling the waiting task closes the connection.
struct SMTPConnection: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<SMTPReplyHandler>

    /// Connects to `host`:`port`, with TLS from the start if `implicitTLS` is given.
    static func connect(
        host: String, port: Int, timeout: Duration, implicitTLS: NIOSSLContext?, serverHostname: String?,
        group: any EventLoopGroup
    ) async throws -> SMTPConnection {
        let timeout = TimeAmount(timeout)
        return try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        let tls = try NIOSSLClientHandler(context: implicitTLS, serverHostname: serverHostname)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    let handler = SMTPReplyHandler(eventLoop: channel.eventLoop, timeout: timeout)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    return SMTPConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
                }
            }
    }

    /// True if the peer is on this machine (127.0.0.0/8 or ::1), where plain text never leaves the host.
    var isLoopbackPeer: Bool {
        guard let address = channel.remoteAddress?.ipAddress else { return false }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    /// Waits for the next reply without sending anything (the greeting).
    func readReply() async throws -> SMTPReply {
        try await exchange(nil)
    }

    /// Sends `bytes` and waits for the reply.
    func send(_ bytes: ByteBuffer) async throws -> SMTPReply {
        try await exchange(bytes)
    }

    /// Sends `bytes` without waiting for the write or a reply; a ``close()`` right after still lets them out
    /// if the socket takes them.
    func sendAndForget(_ bytes: ByteBuffer) {
        channel.writeAndFlush(bytes, promise: nil)
    }

    private func exchange(_ bytes: ByteBuffer?) async throws -> SMTPReply {
        let channel = self.channel, handler = self.handler
        return try await withTaskCancellationHandler {
            try await channel.eventLoop.flatSubmit {
                // Ask for the reply before writing, so that the timeout also covers a write that never completes.
                let reply = handler.value.nextReply()
                if let bytes {
                    channel.writeAndFlush(bytes).whenFailure { handler.value.fail($0) }
                }
                return reply
            }.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// Puts TLS under the conversation after the server's `220` to `STARTTLS` and returns once the handshake
    /// has completed (the certificate checked). Anything the server sent after that reply would be read as if
    /// it had come over TLS, so it is refused.
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws {
        let channel = self.channel, handler = self.handler
        try await withTaskCancellationHandler {
            try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
                guard !handler.value.hasBufferedInput else {
                    return channel.eventLoop.makeFailedFuture(SMTPConnectionError.inputBeforeTLS)
                }
                // Wait first: the handshake starts as soon as the handler is added.
                let handshake = handler.value.handshakeCompleted()
                do {
                    let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                    try channel.pipeline.syncOperations.addHandler(tls, position: .first)
                } catch {
                    handler.value.fail(error)
                }
                return handshake
            }.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// Closes the connection; safe to call more than once.
    func close() async {
        try? await channel.close()
    }
}

/// Turns the bytes the server sends into replies and hands them out one at a time, on the event loop; also
/// tells when a TLS handshake has completed.
///
/// The first failure (connection closed, error, timeout, malformed reply) sticks: it fails the waiting
/// request and every later one, and closes the channel.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// What the one waiting request waits for.
    private enum Waiter {
        case reply(EventLoopPromise<SMTPReply>)
        case handshake(EventLoopPromise<Void>)

        func fail(_ error: any Error) {
            switch self {
            case .reply(let promise): promise.fail(error)
            case .handshake(let promise): promise.fail(error)
            }
        }
    }

    /// More replies than this waiting unasked-for is a protocol violation (the client does not pipeline).
    private static let maximumQueuedReplies = 8

    private let eventLoop: any EventLoop
    private let timeout: TimeAmount
    private var parser = SMTPReplyParser()
    private var replies = CircularBuffer<SMTPReply>()
    private var waiter: (waiter: Waiter, timer: Scheduled<Void>)?
    private var failure: (any Error)?
    private var context: ChannelHandlerContext?

    init(eventLoop: any EventLoop, timeout: TimeAmount) {
        self.eventLoop = eventLoop
        self.timeout = timeout
    }

    /// True if bytes or replies have arrived that nobody has asked for yet.
    var hasBufferedInput: Bool { parser.hasBufferedInput || !replies.isEmpty }

    /// The next reply, failing with ``SMTPConnectionError/timedOut`` if it does not come within the timeout.
    func nextReply() -> EventLoopFuture<SMTPReply> {
        if let reply = replies.popFirst() { return eventLoop.makeSucceededFuture(reply) }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        wait(for: .reply(promise))
        return promise.futureResult
    }

    /// Succeeds when the TLS handler below reports a completed handshake; fails like ``nextReply()``.
    func handshakeCompleted() -> EventLoopFuture<Void> {
        if let failure { return eventLoop.makeFailedFuture(failure) }
        let promise = eventLoop.makePromise(of: Void.self)
        wait(for: .handshake(promise))
        return promise.futureResult
    }

    private func wait(for waiter: Waiter) {
        precondition(self.waiter == nil, "one request at a time")
        let timer = eventLoop.assumeIsolated().scheduleTask(in: timeout) { self.fail(SMTPConnectionError.timedOut) }
        self.waiter = (waiter, timer)
    }

    /// Fails the waiting request and all later ones with `error` (unless something failed first), and closes.
    func fail(_ error: any Error) {
        if failure == nil { failure = error }
        if let waiter {
            self.waiter = nil
            waiter.timer.cancel()
            waiter.waiter.fail(failure ?? error)
        }
        context?.close(promise: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parser.append(unwrapInboundIn(data))
        do {
            while let reply = try parser.nextReply() {
                if let waiter, case .reply(let promise) = waiter.waiter {
                    self.waiter = nil
                    waiter.timer.cancel()
                    promise.succeed(reply)
                } else if replies.count < Self.maximumQueuedReplies {
                    replies.append(reply)
                } else {
                    fail(SMTPConnectionError.unexpectedReplies)
                    return
                }
            }
        } catch {
            fail(SMTPConnectionError.malformedReply(error))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent,
           let waiter, case .handshake(let promise) = waiter.waiter {
            self.waiter = nil
            waiter.timer.cancel()
            promise.succeed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPConnectionError.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
    }
}

extension SMTPError {
    /// Classifies a failure of the connection met at `stage`.
    init(stage: Stage, cause: any Error) {
        switch cause {
        case let error as SMTPError:
            self = error
        case SMTPConnectionError.timedOut, ChannelError.connectTimeout:
            self.init(stage: stage, kind: .timedOut, detail: "no answer in time")
        case SMTPConnectionError.malformedReply(let problem):
            self.init(stage: stage, kind: .protocolViolation, detail: "malformed reply: \(problem)")
        case SMTPConnectionError.unexpectedReplies:
            self.init(stage: stage, kind: .protocolViolation, detail: "the server sent replies nobody asked for")
        case SMTPConnectionError.inputBeforeTLS:
            self.init(stage: stage, kind: .protocolViolation, detail: "the server sent data before the TLS handshake")
        case SMTPConnectionError.closed, NIOSSLError.uncleanShutdown:
            self.init(stage: stage, kind: .connectionFailed, detail: "the server closed the connection")
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            self.init(stage: stage, kind: .tls, detail: "TLS failed: \(cause)")
        default:
            self.init(stage: stage, kind: .connectionFailed, detail: "\(cause)")
        }
    }
}
