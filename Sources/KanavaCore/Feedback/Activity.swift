import Foundation

/// One member's activity in one channel in a calendar year (Helsinki time), as counted for the yearly list.
public struct MemberActivity: Codable, Sendable, Hashable {
    public var person: PersonRef
    public var role: ChannelRole
    /// Chat messages written (open chat, threads, "ask the director"), not deleted; bots' never count.
    public var messages: Int
    /// Urgent notices acknowledged.
    public var acknowledgements: Int
    /// Feedback items and ideas left, anonymous ones included (only directors and admins see this list).
    public var feedback: Int
    /// The three added up: what the list is ranked by.
    public var total: Int

    public init(person: PersonRef, role: ChannelRole, messages: Int, acknowledgements: Int, feedback: Int) {
        self.person = person
        self.role = role
        self.messages = messages
        self.acknowledgements = acknowledgements
        self.feedback = feedback
        total = messages + acknowledgements + feedback
    }

    /// Most active first; equal totals by messages, then by name in Finnish order.
    static func moreActive(_ a: MemberActivity, _ b: MemberActivity) -> Bool {
        if a.total != b.total { return a.total > b.total }
        if a.messages != b.messages { return a.messages > b.messages }
        if a.person.name != b.person.name { return FinnishCollation.precedes(a.person.name, b.person.name) }
        return a.person.id < b.person.id
    }
}

/// A channel's most active members in a year.
public struct ChannelActivity: Codable, Sendable, Hashable {
    public struct AccountRef: Codable, Sendable, Hashable {
        public var id: AccountID
        public var name: String
        public init(id: AccountID, name: String) {
            self.id = id
            self.name = name
        }
    }

    public var account: AccountRef
    /// At most ``FeedbackService/activityTop``, most active first; members with no activity are left out.
    public var members: [MemberActivity]

    public init(account: AccountRef, members: [MemberActivity]) {
        self.account = account
        self.members = members
    }
}

/// The yearly "most active members" list: per channel the viewer directs (admins: every channel), in Finnish order.
public struct ActivityReport: Codable, Sendable {
    public var year: Int
    public var channels: [ChannelActivity]
}
