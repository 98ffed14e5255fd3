import Foundation
import Logging

/// Decides, before each round of a periodic job, whether this node runs it: the node that holds the job's lease
/// does, and renews it by running. When that node stops or dies, its lease runs out and another node's next round
/// takes it over, so rounds go on and no round runs on two nodes at once.
public struct ExclusiveSchedule: Sendable {
    let leases: any LeaseStore
    /// The job: `clock-reminders`, `notice-follow-up`, `mail`, `roster-watch`.
    public let job: String
    /// This node (``Kanava/node``).
    public let holder: String
    /// How long a lease lasts without renewal: three rounds, at least 15 seconds.
    public let term: Duration
    let logger: Logger

    public init(leases: any LeaseStore, job: String, holder: String, interval: Duration, logger: Logger) {
        self.leases = leases
        self.job = job
        self.holder = holder
        self.term = max(interval * 3, .seconds(15))
        self.logger = logger
    }

    /// True when this node holds the lease for the coming round; false when another node has it or the database
    /// cannot be asked (better a round skipped than run twice).
    public func mayRun() async -> Bool {
        do {
            return try await leases.acquireLease(job, holder: holder, for: term)
        } catch {
            logger.warning("could not take the lease of a scheduled job; skipping this round", metadata: ["job": "\(job)", "error": "\(error)"])
            return false
        }
    }

    /// Hands the job over at shutdown.
    public func release() async {
        try? await leases.releaseLease(job, holder: holder)
    }
}
