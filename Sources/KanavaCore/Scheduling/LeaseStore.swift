import Foundation

/// Leases on scheduled work, so that with several `kanava serve` nodes on one database each job (reminders,
/// escalations, mail, roster watch) runs on one node at a time.
public protocol LeaseStore: Sendable {
    /// Takes the lease `name` for `holder`, or renews it when `holder` has it, until `duration` from now (the
    /// database's clock on PostgreSQL, so the nodes' clocks need not agree). False when another holder's lease has
    /// not yet expired.
    func acquireLease(_ name: String, holder: String, for duration: Duration) async throws -> Bool
    /// Gives the lease up early (graceful shutdown), so another node takes the job over at once.
    func releaseLease(_ name: String, holder: String) async throws
}
