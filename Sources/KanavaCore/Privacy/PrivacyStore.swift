import Foundation

public protocol PrivacyStore: Sendable {
    /// Anonymises a person in one transaction (see ``PersonErasure``): the person row, their sessions, memberships
    /// (appending a `membership.removed` event per channel), calendar feed, mails to them, read markers, their e-mail in
    /// the roster history, and their name and e-mail inside stored event data and message mentions. With `dryRun` the
    /// same work is done and rolled back, so the counts are exactly what a real run would change.
    func erasePerson(_ id: PersonID, as erased: PersonRef, at time: Date, dryRun: Bool) async throws -> Committed<ErasureCounts>
}

/// What an erasure changed (or, in a dry run, would change).
public struct ErasureCounts: Codable, Sendable, Equatable {
    public var memberships = 0
    public var sessions = 0
    public var calendarFeeds = 0
    /// Mails to the person in the outbox (queued or sent), deleted.
    public var mails = 0
    /// Roster history lines that named their e-mail.
    public var rosterEntries = 0
    public var readMarkers = 0
    /// Stored channel events whose data named them (now naming the erased person).
    public var events = 0
    /// Messages whose stored mentions named them.
    public var mentions = 0

    public init() {}

    /// For the audit log's detail: counts only, never the e-mail or the name.
    public var detail: [String: String] {
        ["memberships": String(memberships), "sessions": String(sessions), "calendar_feeds": String(calendarFeeds), "mails": String(mails),
         "roster_entries": String(rosterEntries), "read_markers": String(readMarkers), "events": String(events), "mentions": String(mentions)]
    }
}
