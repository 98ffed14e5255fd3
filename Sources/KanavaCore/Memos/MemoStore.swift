import Foundation

/// A memo to write.
public struct NewMemo: Sendable {
    public var account: AccountID
    public var title: String
    public var meetingDate: LocalDate
    public var participants: [String]
    public var body: String
    public var author: PersonID?

    public init(account: AccountID, title: String, meetingDate: LocalDate, participants: [String], body: String, author: PersonID?) {
        self.account = account
        self.title = title
        self.meetingDate = meetingDate
        self.participants = participants
        self.body = body
        self.author = author
    }
}

/// Builds a write's events from the memo as the transaction left it.
public typealias MemoEvents = @Sendable (Memo) throws -> [EventDraft]

public protocol MemoStore: Sendable {
    func createMemo(_ new: NewMemo, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo>
    /// Stores `memo`'s title, date, participants and body, marking it edited by `editor` at `time`.
    func updateMemo(_ memo: Memo, editor: PersonID?, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo>
    /// Deletes a memo from view (its text is kept, marked deleted).
    func deleteMemo(_ id: MemoID, in account: AccountID, by person: PersonID?, at time: Date, events: @escaping MemoEvents) async throws -> Committed<Memo>
    /// A memo of `account` that is not deleted.
    func memo(_ id: MemoID, in account: AccountID) async throws -> Memo?
    /// The account's memos without their bodies, newest meeting first.
    func memos(in account: AccountID) async throws -> [MemoSummary]
}
