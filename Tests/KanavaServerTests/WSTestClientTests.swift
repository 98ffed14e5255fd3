import KanavaTestSupport
import NIOCore
import NIOPosix
import Testing

/// The tests' WebSocket client must fail, not hang, when its server goes away at the worst moment: a crash test kills
/// servers at random, and one wait without an end stalls the whole run until CI's time limit.
@Suite struct WSTestClientTests {
    /// A server that reads the upgrade request and closes the connection without answering (as a server killed at that
    /// moment does).
    @Test(.timeLimit(.minutes(1))) func aServerThatDiesDuringTheUpgradeFailsTheConnect() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(CloseOnRead()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { try await WSTestClient.connect(port: port, cookie: nil) }
        #expect(started.duration(to: .now) < .seconds(5), "the connect failed when the connection ended, not at a timeout")
        try await server.close()
    }

    /// A server that accepts the connection and never reads or answers: the connect gives up after its bound.
    @Test(.timeLimit(.minutes(1))) func aServerThatNeverAnswersFailsTheConnectInTime() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(.autoRead, value: false)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { try await WSTestClient.connect(port: port, cookie: nil) }
        #expect(started.duration(to: .now) < .seconds(20))
        try await server.close()
    }
}

private final class CloseOnRead: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.close(promise: nil)
    }
}
