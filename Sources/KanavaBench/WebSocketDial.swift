import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// Opens Kanava's `/ws` on a loopback port as a WebSocket client, with SwiftNIO's upgrader: for `kanava bench`'s
/// sockets and the tests' client.
///
/// Every wait has an end. The channel does not allow half-closure, so a server that closes the connection during the
/// upgrade fails it at once; one that never answers fails it after `upgradeTimeout`, whether or not NIO's negotiation
/// ever completes. (swift-websocket's client allows half-closure and then waits for the answer for ever.)
public enum WebSocketDial {
    /// Connects to `127.0.0.1:port`, asks for the upgrade with `headers` (besides `Host`), and returns the upgraded
    /// channel, to which `upgraded` has added the frame handlers. Throws when the connection fails, the server refuses
    /// the upgrade, or it does not answer within `upgradeTimeout`.
    public static func open(port: Int, headers extra: [(String, String)], upgradeTimeout: TimeAmount, group: any EventLoopGroup,
                            upgraded: @escaping @Sendable (any Channel) throws -> Void) async throws -> any Channel {
        let (channel, negotiation) = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    (channel, try configureUpgrade(channel, port: port, headers: extra, upgraded: upgraded))
                }
            }
        do {
            guard try await bounded(negotiation, on: channel, timeout: upgradeTimeout) else {
                throw BenchError("the server refused the WebSocket upgrade")
            }
            return channel
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// The HTTP/1 pipeline that asks for the upgrade and, once upgraded, hands the channel to `upgraded`.
    private static func configureUpgrade(_ channel: any Channel, port: Int, headers extra: [(String, String)],
                                         upgraded: @escaping @Sendable (any Channel) throws -> Void) throws -> EventLoopFuture<Bool> {
        let upgrader = NIOTypedWebSocketClientUpgrader<Bool>(maxFrameSize: 1 << 22) { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                try upgraded(channel)
                return true
            }
        }
        var headers = HTTPHeaders([("Host", "127.0.0.1:\(port)")])
        headers.add(contentsOf: extra)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<Bool>(
            upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/ws", headers: headers),
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(false) })
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
        // The server's hello can come in the same read as its 101 response: keep those bytes.
        pipeline.leftOverBytesStrategy = .forwardBytes
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
    }

    /// The negotiation's outcome, or a failure (and a closed channel) after `timeout`.
    private static func bounded(_ negotiation: EventLoopFuture<Bool>, on channel: any Channel, timeout: TimeAmount) async throws -> Bool {
        let outcome = channel.eventLoop.makePromise(of: Bool.self)
        let settled = Atomic<Bool>(false)
        let expiry = channel.eventLoop.scheduleTask(in: timeout) {
            guard settled.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
            outcome.fail(BenchError("no answer to the WebSocket upgrade within \(timeout)"))
            channel.close(promise: nil)
        }
        negotiation.whenComplete { result in
            guard settled.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
            expiry.cancel()
            outcome.completeWith(result)
        }
        return try await outcome.futureResult.get()
    }
}
