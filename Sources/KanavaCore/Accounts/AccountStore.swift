import Foundation

public protocol AccountStore: Sendable {
    /// Creates the account, its channel with the template's sections and annual clock, and its first members, appending `events`.
    func createAccount(_ account: Account, sections toc: TableOfContents, clock: ClockTemplate, members: [Membership],
                       events: (Account) throws -> [EventDraft], at time: Date) async throws -> Committed<Account>
    func updateAccount(_ account: Account, event: EventDraft, at time: Date) async throws -> Committed<Account>
    func account(_ id: AccountID) async throws -> Account?
    /// Account list rows with the viewer's role in each: only the viewer's memberships, or every account.
    func accountSummaries(viewer: PersonID?, membershipsOnly: Bool) async throws -> [AccountSummary]
    func accountSummary(_ id: AccountID, viewer: PersonID?) async throws -> AccountSummary?
    func membership(of person: PersonID, in account: AccountID) async throws -> Membership?
    func members(of account: AccountID) async throws -> [Member]
    /// Adds a membership; an existing membership of the same person is a conflict.
    func addMember(_ membership: Membership, event: EventDraft, at time: Date) async throws -> Committed<Membership>
    func updateMember(_ membership: Membership, event: EventDraft, at time: Date) async throws -> Committed<Membership>
    func removeMember(_ person: PersonID, from account: AccountID, event: EventDraft, at time: Date) async throws -> Committed<Membership>
}
