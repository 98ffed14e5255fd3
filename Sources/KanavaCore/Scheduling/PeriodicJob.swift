import Foundation
import Logging
import ServiceLifecycle

/// A server job that runs a round every `interval`, on one node at a time (``ExclusiveSchedule``): the annual
/// clock's reminders, the urgent notices' follow-up, the mail outbox and the roster watch. A failed round is logged
/// and the next one tries again; at shutdown the node gives its lease up, so another node goes on at once.
public struct PeriodicJob: Service {
    let schedule: ExclusiveSchedule
    let interval: Duration
    /// Run a round at start (mail, roster) or only after the first interval (reminders, follow-up).
    let startAtOnce: Bool
    let logger: Logger
    let round: @Sendable () async throws -> Void

    public init(schedule: ExclusiveSchedule, interval: Duration, startAtOnce: Bool, logger: Logger, round: @escaping @Sendable () async throws -> Void) {
        self.schedule = schedule
        self.interval = interval
        self.startAtOnce = startAtOnce
        self.logger = logger
        self.round = round
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                if !startAtOnce { try await Task.sleep(for: interval) }
                while !Task.isCancelled {
                    if await schedule.mayRun() {
                        do {
                            try await round()
                        } catch {
                            logger.warning("a scheduled job failed; trying again next round", metadata: ["job": "\(schedule.job)", "error": "\(error)"])
                        }
                    }
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {}
        await schedule.release()
    }
}
