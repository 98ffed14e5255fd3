import Foundation

/// Builds a write's events from the message as the transaction left it.
public typealias MessageEvents = @Sendable (Message) throws -> [EventDraft]

/// The outcome of storing a message: a retried send (same author or bot, and client id) returns the message stored
/// the first time, with no new events.
public struct PostedMessage: Sendable {
    public var message: Message
    public var duplicate: Bool
}

public protocol ChatStore: Sendable {
    /// Stores a message (a reply also bumps its root's reply count), or finds the one stored earlier under the same
    /// author (or bot) and client id.
    func postMessage(_ new: NewMessage, at time: Date, events: @escaping MessageEvents) async throws -> Committed<PostedMessage>
    /// Replaces a message's text, keeping the old text as an edit.
    func editMessage(_ id: MessageID, in account: AccountID, body: String, mentions: [PersonRef], by editor: PersonID?, at time: Date,
                     events: @escaping MessageEvents) async throws -> Committed<Message>
    /// Marks a message deleted (its text is kept).
    func deleteMessage(_ id: MessageID, in account: AccountID, by person: PersonID?, at time: Date,
                       events: @escaping MessageEvents) async throws -> Committed<Message>
    /// A message of `account`, deleted or not, with its full text.
    func message(_ id: MessageID, in account: AccountID) async throws -> Message?
    /// Messages of a timeline older than `before` (nil: the newest), oldest first, at most `limit`.
    func messages(in account: AccountID, _ timeline: Timeline, before: MessageID?, limit: Int) async throws -> MessagePage
    /// Earlier texts of a message, oldest first.
    func edits(of id: MessageID) async throws -> [MessageEdit]
    /// The account's "ask the director" conversations, most recent first.
    func conversations(in account: AccountID) async throws -> [Conversation]
    /// Moves the person's read marker forward to `upTo` (never back).
    func markRead(_ account: AccountID, person: PersonID, upTo: MessageID) async throws
    /// Unread messages per channel for a person: newer than their read marker and their joining, not their own,
    /// not deleted, visible to them.
    func unreadCounts(for person: PersonID) async throws -> [AccountID: Int]
}
