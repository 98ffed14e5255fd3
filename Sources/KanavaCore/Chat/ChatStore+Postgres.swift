import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: ChatStore {
    public func postMessage(_ new: NewMessage, at time: Date, events: @escaping MessageEvents) async throws -> Committed<PostedMessage> { throw KanavaError(.unavailable, "ChatStore is not on PostgreSQL yet") }
    public func editMessage(_ id: MessageID, in account: AccountID, body: String, mentions: [PersonRef], by editor: PersonID?, at time: Date, events: @escaping MessageEvents) async throws -> Committed<Message> { throw KanavaError(.unavailable, "ChatStore is not on PostgreSQL yet") }
    public func deleteMessage(_ id: MessageID, in account: AccountID, by person: PersonID?, at time: Date, events: @escaping MessageEvents) async throws -> Committed<Message> { throw KanavaError(.unavailable, "ChatStore is not on PostgreSQL yet") }
    public func message(_ id: MessageID, in account: AccountID) async throws -> Message? { throw KanavaError(.unavailable, "ChatStore is not on PostgreSQL yet") }
    public func messages(in account: AccountID, _ timeline: Timeline, before: MessageID?, limit: Int) async throws -> MessagePage { throw KanavaError(.unavailable, "ChatStore is not on PostgreSQL yet") }
    public func edits(of id: MessageID) async throws -> [MessageEdit] { throw KanavaError(.unavailable, "ChatStore is not on PostgreSQL yet") }
    public func conversations(in account: AccountID) async throws -> [Conversation] { throw KanavaError(.unavailable, "ChatStore is not on PostgreSQL yet") }
    public func markRead(_ account: AccountID, person: PersonID, upTo: MessageID) async throws { throw KanavaError(.unavailable, "ChatStore is not on PostgreSQL yet") }
    public func unreadCounts(for person: PersonID) async throws -> [AccountID: Int] { throw KanavaError(.unavailable, "ChatStore is not on PostgreSQL yet") }
}
