import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A keep-alive HTTP/1.1 connection of one signed-in person: one request at a time, as a browser tab's fetches
/// mostly are. Requests carry the person's cookie, and their CSRF token when they change something.
public final class BenchHTTP: Sendable {
    private let channel: any Channel
    private let person: BenchPerson
    private let port: Int

    public static func connect(port: Int, person: BenchPerson, group: any EventLoopGroup) async throws -> BenchHTTP {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return BenchHTTP(channel: channel, person: person, port: port)
    }

    private init(channel: any Channel, person: BenchPerson, port: Int) {
        self.channel = channel
        self.person = person
        self.port = port
    }

    /// A response: its status and body.
    public struct Response: Sendable {
        public var status: Int
        public var body: Data
    }

    /// Sends one request and waits for its whole response.
    public func request(_ method: HTTPMethod, _ path: String, json: (any Encodable & Sendable)? = nil) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
        head.headers.add(name: "Cookie", value: person.cookie)
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try JSONEncoder().encode(json))
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "X-CSRF-Token", value: person.csrfToken)
        }
        head.headers.add(name: "Content-Length", value: String(body?.readableBytes ?? 0))
        let promise = channel.eventLoop.makePromise(of: Response.self)
        // A response that takes too long ends the connection, which fails the request.
        let deadline = channel.eventLoop.scheduleTask(in: BenchSocket.timeout) { [channel] in channel.close(promise: nil) }
        defer { deadline.cancel() }
        channel.writeAndFlush(Exchange(head: head, body: body, response: promise), promise: nil)
        return try await promise.futureResult.get()
    }

    public func close() {
        channel.close(promise: nil)
    }
}

/// A request with the promise of its response.
private struct Exchange {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var response: EventLoopPromise<BenchHTTP.Response>
}

/// Writes an exchange's request and completes its promise with the response that follows.
private final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    private var waiting: EventLoopPromise<BenchHTTP.Response>?
    private var status = 0
    private var body = ByteBuffer()

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard waiting == nil else {
            return exchange.response.fail(BenchError("one request at a time on a bench HTTP connection"))
        }
        waiting = exchange.response
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            let response = BenchHTTP.Response(status: status, body: Data(body.readableBytesView))
            waiting.take()?.succeed(response)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        waiting.take()?.fail(BenchError("the HTTP connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        waiting.take()?.fail(error)
        context.close(promise: nil)
    }
}
