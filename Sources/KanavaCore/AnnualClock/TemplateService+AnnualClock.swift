import Foundation

extension TemplateService {
    /// Gives the given channels (nil: all) the annual-clock template's events they do not have yet, and publishes them.
    /// Done on every start (`kanava serve`), by `kanava template apply`, and when an account gets a start date (its
    /// anniversary). Events already made from the template are not changed, and deleted ones do not come back.
    @discardableResult
    public func applyAnnualClock(to accounts: [AccountID]? = nil) async throws -> [ClockEvent] {
        let committed = try await store.applyClockTemplate(annualClock, to: accounts, at: clock.now(), events: AnnualClockService.events(.clockCreated))
        bus.publish(committed.events)
        if !committed.value.isEmpty {
            logger.info("annual-clock template applied", metadata: ["events": "\(committed.value.count)", "channels": "\(Set(committed.value.map(\.account)).count)"])
        }
        return committed.value
    }
}
