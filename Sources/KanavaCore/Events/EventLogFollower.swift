import Foundation
import Logging
import ServiceLifecycle

/// Hands the bus the events that other processes commit to the same database: another `kanava serve` node on
/// PostgreSQL, or a `kanava roster sync` run from the command line beside the server. The store says how it hears
/// of them (``EventLogStore/followHeads(_:)``: LISTEN/NOTIFY on PostgreSQL, polling on SQLite); the bus reads the
/// events themselves from the log by sequence number, so a notification lost with a connection costs nothing: when
/// following starts again, every channel's head is read and what was missed is caught up.
public struct EventLogFollower: Service {
    let log: any EventLogStore
    let bus: EventBus
    let logger: Logger

    public init(log: any EventLogStore, bus: EventBus, logger: Logger) {
        self.log = log
        self.bus = bus
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var delay = Duration.milliseconds(250)
            while !Task.isCancelled {
                do {
                    try await log.followHeads { channel, head in bus.publishHead(channel, head) }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("lost track of other nodes' events; catching up when following again",
                                   metadata: ["error": "\(error)", "retry_in": "\(delay)"])
                    try await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(10))
                    continue
                }
            }
        }
    }
}
