import Foundation
import Logging
import ServiceLifecycle

/// Notices events that another process committed to the same database (a `kanava roster sync` run from
/// the command line while the server runs) and hands them to the bus, so open sockets see them too.
public struct EventLogFollower: Service {
    let log: any EventLogStore
    let bus: EventBus
    let interval: Duration
    let logger: Logger

    public init(log: any EventLogStore, bus: EventBus, interval: Duration = .seconds(1), logger: Logger) {
        self.log = log
        self.bus = bus
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var seen: [AccountID: Int64] = [:]
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do {
                    for (channel, head) in try await log.heads() where seen[channel] != head {
                        bus.publishHead(channel, head)
                        seen[channel] = head
                    }
                } catch {
                    logger.warning("could not read the channels' heads", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
