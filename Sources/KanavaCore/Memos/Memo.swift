import Foundation

/// A meeting memo's database id.
public typealias MemoID = RowID<Memo>

/// Dated meeting notes (steering group, development meeting) in a channel's memos section.
/// The body is Markdown, stored as written; the sections feature renders it to safe HTML.
public struct Memo: Codable, Sendable, Hashable, Identifiable {
    public var id: MemoID
    public var account: AccountID
    public var title: String
    public var meetingDate: LocalDate
    public var participants: [String]
    public var body: String
    public var author: PersonRef?
    public var createdAt: Date
    public var editedAt: Date?
    public var editedBy: PersonRef?

    public init(id: MemoID, account: AccountID, title: String, meetingDate: LocalDate, participants: [String], body: String,
                author: PersonRef?, createdAt: Date, editedAt: Date?, editedBy: PersonRef?) {
        self.id = id
        self.account = account
        self.title = title
        self.meetingDate = meetingDate
        self.participants = participants
        self.body = body
        self.author = author
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.editedBy = editedBy
    }

    public var summary: MemoSummary { MemoSummary(self) }
}

/// A memo without its body: list items and the data of `memo.*` events (a client fetches the body when shown).
public struct MemoSummary: Codable, Sendable, Hashable, Identifiable {
    public var id: MemoID
    public var account: AccountID
    public var title: String
    public var meetingDate: LocalDate
    public var participants: [String]
    public var author: PersonRef?
    public var createdAt: Date
    public var editedAt: Date?
    public var editedBy: PersonRef?

    public init(_ memo: Memo) {
        id = memo.id
        account = memo.account
        title = memo.title
        meetingDate = memo.meetingDate
        participants = memo.participants
        author = memo.author
        createdAt = memo.createdAt
        editedAt = memo.editedAt
        editedBy = memo.editedBy
    }

    /// Newest meeting first; on the same day, the later written first.
    public static func newestFirst(_ a: MemoSummary, _ b: MemoSummary) -> Bool {
        if a.meetingDate != b.meetingDate { return a.meetingDate > b.meetingDate }
        if a.createdAt != b.createdAt { return a.createdAt > b.createdAt }
        return a.id > b.id
    }
}

/// `memo.*` events carry the ``MemoSummary`` as their data, visible to the roles that may see the memos section.
extension EventKind {
    public static let memoCreated: EventKind = "memo.created"
    public static let memoUpdated: EventKind = "memo.updated"
    public static let memoDeleted: EventKind = "memo.deleted"
}
