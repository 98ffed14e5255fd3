import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: AccountStore {
    public func createAccount(_ account: Account, sections toc: TableOfContents, clock: ClockTemplate, members: [Membership], events: (Account) throws -> [EventDraft], at time: Date) async throws -> Committed<Account> { throw KanavaError(.unavailable, "AccountStore is not on PostgreSQL yet") }
    public func updateAccount(_ account: Account, event: EventDraft, at time: Date) async throws -> Committed<Account> { throw KanavaError(.unavailable, "AccountStore is not on PostgreSQL yet") }
    public func account(_ id: AccountID) async throws -> Account? { throw KanavaError(.unavailable, "AccountStore is not on PostgreSQL yet") }
    public func accountSummaries(viewer: PersonID?, membershipsOnly: Bool) async throws -> [AccountSummary] { throw KanavaError(.unavailable, "AccountStore is not on PostgreSQL yet") }
    public func accountSummary(_ id: AccountID, viewer: PersonID?) async throws -> AccountSummary? { throw KanavaError(.unavailable, "AccountStore is not on PostgreSQL yet") }
    public func membership(of person: PersonID, in account: AccountID) async throws -> Membership? { throw KanavaError(.unavailable, "AccountStore is not on PostgreSQL yet") }
    public func members(of account: AccountID) async throws -> [Member] { throw KanavaError(.unavailable, "AccountStore is not on PostgreSQL yet") }
    public func addMember(_ membership: Membership, event: EventDraft, at time: Date) async throws -> Committed<Membership> { throw KanavaError(.unavailable, "AccountStore is not on PostgreSQL yet") }
    public func updateMember(_ membership: Membership, event: EventDraft, at time: Date) async throws -> Committed<Membership> { throw KanavaError(.unavailable, "AccountStore is not on PostgreSQL yet") }
    public func removeMember(_ person: PersonID, from account: AccountID, event: EventDraft, at time: Date) async throws -> Committed<Membership> { throw KanavaError(.unavailable, "AccountStore is not on PostgreSQL yet") }
}
