import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A scripted TCP server on 127.0.0.1 for misbehaving-server cases: it sends `greeting` (if any) on each
/// connection and answers each line it receives with `reply(line)` (nothing if nil), counting connections
/// opened and closed. With no greeting and no replies it accepts and stays silent.
struct FakeServer: Sendable {
    let port: Int
    private let counts: Counts

    var opened: Int { counts.opened }
    var closed: Int { counts.closed }

    /// Starts a server, runs `body` with it and closes it afterwards.
    static func with<T>(
        greeting: String? = nil, reply: @escaping @Sendable (String) -> String? = { _ in nil },
        _ body: (FakeServer) async throws -> T
    ) async throws -> T {
        let counts = Counts()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Script(counts: counts, greeting: greeting, reply: reply))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = FakeServer(port: channel.localAddress?.port ?? 0, counts: counts)
        do {
            let result = try await body(server)
            try? await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private final class Counts: Sendable {
        private let state = Mutex((opened: 0, closed: 0))
        var opened: Int { state.withLock { $0.opened } }
        var closed: Int { state.withLock { $0.closed } }
        func open() { state.withLock { $0.opened += 1 } }
        func close() { state.withLock { $0.closed += 1 } }
    }

    private final class Script: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let counts: Counts
        let greeting: String?
        let reply: @Sendable (String) -> String?
        private var pending = ""

        init(counts: Counts, greeting: String?, reply: @escaping @Sendable (String) -> String?) {
            self.counts = counts
            self.greeting = greeting
            self.reply = reply
        }

        func channelActive(context: ChannelHandlerContext) {
            counts.open()
            if let greeting { context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: greeting)), promise: nil) }
        }

        func channelInactive(context: ChannelHandlerContext) { counts.close() }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += String(buffer: unwrapInboundIn(data))
            while let newline = pending.firstIndex(of: "\r\n") {
                let line = String(pending[..<newline])
                pending = String(pending[pending.index(after: newline)...])
                if let answer = reply(line) { context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil) }
            }
        }
    }
}

/// A loopback port with nothing listening on it (bound once to pick it, then released).
func closedPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}

/// Keeps every log line, to check what the client logs (and what it must never log).
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    /// A logger at debug level writing into this recorder.
    func logger() -> Logger {
        var logger = Logger(label: "kanava.mail.test") { _ in Handler(recorder: self) }
        logger.logLevel = .debug
        return logger
    }

    fileprivate func record(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.record("\(event.level) \(event.message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
    }
}
