import Foundation
import Logging

/// Feedback or an idea as received (validated by the service). On an edit, nil leaves a field as it is.
public struct FeedbackInput: Sendable {
    /// `feedback` or `idea`.
    public var kind: String?
    public var body: String?
    /// Only when posting: hidden from other members (never from the director and admins).
    public var anonymous: Bool?

    public init(kind: String? = nil, body: String? = nil, anonymous: Bool? = nil) {
        self.kind = kind
        self.body = body
        self.anonymous = anonymous
    }
}

/// An answer as received: a text, a status, or both.
public struct FeedbackAnswerInput: Sendable {
    public var body: String?
    /// `new`, `in_progress`, `done` or `declined`.
    public var status: String?

    public init(body: String? = nil, status: String? = nil) {
        self.body = body
        self.status = status
    }
}

/// The feedback box of a channel's feedback section (key `feedback`), and the yearly list of the most active members.
///
/// Every member who may see the section reads the box and leaves feedback or ideas; an anonymous item shows its author
/// only to the author themself, the channel's director and admins (``FeedbackItem/author``), and its events never carry
/// the author (``FeedbackEventData``). The author may change or withdraw an item until it is answered or its status set.
/// The director and admins answer, each answer a text and/or a new status kept as the item's history.
public struct FeedbackService: Sendable {
    public static let sectionKey = "feedback"
    public static let maxBodyChars = 4_000
    public static let maxPageSize = 100
    public static let defaultPageSize = 50
    public static let maxRepliesPerItem = 100
    /// At most 20 items per person per channel in any 24 hours.
    public static let rateLimit = FeedbackRateLimit(maxItems: 20, window: 24 * 3600)
    /// How many members the yearly list shows per channel.
    public static let activityTop = 20
    public static let firstActivityYear = 2000

    let store: any KanavaStore
    let access: AccessPolicy
    let sections: any SectionDirectory
    let bus: EventBus
    let clock: any WallClock
    let logger: Logger

    public init(store: any KanavaStore, access: AccessPolicy, sections: any SectionDirectory, bus: EventBus, clock: any WallClock, logger: Logger) {
        self.store = store
        self.access = access
        self.sections = sections
        self.bus = bus
        self.clock = clock
        self.logger = logger
    }

    // MARK: - Reading

    /// A page of the box, newest first: items with `status` (nil: any) older than `before` (nil: the newest),
    /// at most `limit` (nil: ``defaultPageSize``; 1–``maxPageSize``).
    public func list(_ account: AccountID, status: FeedbackStatus? = nil, before: FeedbackID? = nil, limit: Int? = nil,
                     for principal: Principal) async throws -> FeedbackPage {
        let (access, _) = try await feedbackSection(account, for: principal)
        let limit = limit ?? Self.defaultPageSize
        guard (1...Self.maxPageSize).contains(limit) else { throw KanavaError.invalid("limit", "must be 1–\(Self.maxPageSize)") }
        let entries = try await store.feedbackEntries(in: account, status: status, before: before, limit: limit + 1)
        let counts = try await store.feedbackCounts(in: account, at: clock.now())
        return FeedbackPage(
            items: entries.prefix(limit).map { Self.view($0, for: access) }, hasMore: entries.count > limit,
            canPost: access.person != nil && access.role != nil, canAnswer: access.canManage,
            counts: Dictionary(uniqueKeysWithValues: FeedbackStatus.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
        )
    }

    public func item(_ account: AccountID, _ id: FeedbackID, for principal: Principal) async throws -> FeedbackItem {
        let (access, _) = try await feedbackSection(account, for: principal)
        guard let entry = try await store.feedbackEntry(id, in: account) else { throw KanavaError.notFound("feedback \(id)") }
        return Self.view(entry, for: access)
    }

    // MARK: - Members

    /// Leaves feedback or an idea: `kind` and `body` are required; `anonymous` defaults to false.
    public func post(_ account: AccountID, _ input: FeedbackInput, by principal: Principal) async throws -> FeedbackItem {
        let (access, section) = try await feedbackSection(account, for: principal)
        guard let person = principal.person, access.role != nil else {
            throw KanavaError(.forbidden, "only members of the channel leave feedback in it")
        }
        guard let kind = input.kind else { throw KanavaError.invalid("kind", "is required (feedback or idea)") }
        guard let body = input.body else { throw KanavaError.invalid("body", "is required") }
        let new = NewFeedback(account: account, author: person.id, kind: try FeedbackKind.parse(kind), anonymous: input.anonymous ?? false,
                              body: try Self.body(body))
        let committed = try await store.createFeedback(new, at: clock.now(), limit: Self.rateLimit, events: Self.events(.feedbackCreated, section: section))
        bus.publish(committed.events)
        logger.info("feedback left", metadata: ["account": "\(account)", "feedback": "\(committed.value.id)",
                                                "by": "\(new.anonymous ? "anonymous" : principal.label)"])
        return Self.view(committed.value, for: access)
    }

    /// Changes the kind and/or text of the viewer's own item while it is still new and unanswered.
    /// Anonymity is chosen once: earlier events of a named item already said who wrote it.
    public func edit(_ account: AccountID, _ id: FeedbackID, _ input: FeedbackInput, by principal: Principal) async throws -> FeedbackItem {
        let (access, section) = try await feedbackSection(account, for: principal)
        guard input.anonymous == nil else {
            throw KanavaError.invalid("anonymous", "cannot be changed after posting; withdraw the feedback and leave it again")
        }
        guard input.kind != nil || input.body != nil else { throw KanavaError.invalid("body", "give the new text or kind") }
        guard let entry = try await store.feedbackEntry(id, in: account) else { throw KanavaError.notFound("feedback \(id)") }
        guard let person = principal.person, entry.author?.id == person.id else {
            throw KanavaError(.forbidden, "only the author may change their feedback")
        }
        let kind = try input.kind.map { try FeedbackKind.parse($0) } ?? entry.kind
        let body = try input.body.map { try Self.body($0) } ?? entry.body
        guard kind != entry.kind || body != entry.body else { return Self.view(entry, for: access) }
        let committed = try await store.updateFeedback(id, in: account, author: person.id, kind: kind, body: body, at: clock.now(),
                                                       events: Self.events(.feedbackUpdated, section: section))
        bus.publish(committed.events)
        return Self.view(committed.value, for: access)
    }

    /// Withdraws the viewer's own item while it is still new and unanswered: it is deleted, nothing is kept.
    public func withdraw(_ account: AccountID, _ id: FeedbackID, by principal: Principal) async throws {
        let (_, section) = try await feedbackSection(account, for: principal)
        guard let person = principal.person else { throw KanavaError(.forbidden, "only the author may withdraw their feedback") }
        let committed = try await store.deleteFeedback(id, in: account, author: person.id, at: clock.now()) { entry in
            [try EventDraft(channel: account, kind: .feedbackDeleted, payload: FeedbackDeletedData(id: entry.id, account: account),
                            visibleTo: section.restrictedTo)]
        }
        bus.publish(committed.events)
        logger.info("feedback withdrawn", metadata: ["account": "\(account)", "feedback": "\(id)"])
    }

    // MARK: - The director

    /// Answers an item (the director and admins): a text, a new status, or both; each answer is kept under the item.
    public func answer(_ account: AccountID, _ id: FeedbackID, _ input: FeedbackAnswerInput, by principal: Principal) async throws -> FeedbackItem {
        let (access, section) = try await feedbackSection(account, for: principal)
        guard access.canManage else { throw KanavaError(.forbidden, "only the channel's director and admins answer feedback") }
        let body = try Self.body(input.body ?? "", required: false)
        let status = try input.status.map { try FeedbackStatus.parse($0) }
        guard let entry = try await store.feedbackEntry(id, in: account) else { throw KanavaError.notFound("feedback \(id)") }
        let newStatus = status == entry.status ? nil : status
        guard !body.isEmpty || newStatus != nil else {
            if let status { throw KanavaError.invalid("status", "is already \(status.rawValue); write an answer or choose another status") }
            throw KanavaError.invalid("body", "an answer needs a text or a new status")
        }
        let reply = NewFeedbackReply(author: principal.person?.id, body: body, status: newStatus)
        let committed = try await store.answerFeedback(id, in: account, reply: reply, maxReplies: Self.maxRepliesPerItem, at: clock.now()) { answered in
            [try EventDraft(channel: account, kind: .feedbackAnswered, payload: FeedbackEventData(answered, reply: answered.replies.last),
                            visibleTo: section.restrictedTo)]
        }
        bus.publish(committed.events)
        logger.info("feedback answered", metadata: ["account": "\(account)", "feedback": "\(id)", "by": "\(principal.label)",
                                                    "status": "\(committed.value.status.rawValue)"])
        return Self.view(committed.value, for: access)
    }

    /// The most active members of `year` (nil: this year in Finland; 2000 up to this year) in each channel the viewer
    /// directs, or every channel for an admin; anyone else `forbidden`. Account directors themselves are not ranked.
    public func activity(year: Int?, for principal: Principal) async throws -> ActivityReport {
        let thisYear = LocalDate.inHelsinki(clock.now()).year
        let year = year ?? thisYear
        guard (Self.firstActivityYear...thisYear).contains(year) else {
            throw KanavaError.invalid("year", "must be a year \(Self.firstActivityYear)–\(thisYear)")
        }
        let director: PersonID?
        switch principal {
        case .system: director = nil
        case .person(let person): director = person.isAdmin ? nil : person.id
        }
        let start = LocalDate(year: year, month: 1, day: 1)!.startInHelsinki
        let end = LocalDate(year: year + 1, month: 1, day: 1)!.startInHelsinki
        let channels = try await store.memberActivity(directedBy: director, from: start, until: end)
        guard director == nil || !channels.isEmpty else {
            throw KanavaError(.forbidden, "the list of most active members is for account directors and admins")
        }
        let ranked = channels.map { channel in
            ChannelActivity(account: channel.account, members: Array(channel.members
                .filter { $0.role != .accountDirector && $0.total > 0 }
                .sorted(by: MemberActivity.moreActive)
                .prefix(Self.activityTop)))
        }
        return ActivityReport(year: year, channels: FinnishCollation.sorted(ranked) { "\($0.account.name) \($0.account.id)" })
    }

    // MARK: - Steps

    /// The item as `access` may see it: an anonymous item's author only for the author, the director and admins.
    static func view(_ entry: FeedbackEntry, for access: ChannelAccess) -> FeedbackItem {
        let mine = entry.author != nil && entry.author?.id == access.person
        return FeedbackItem(
            id: entry.id, account: entry.account, author: !entry.anonymous || mine || access.canManage ? entry.author : nil,
            kind: entry.kind, anonymous: entry.anonymous, body: entry.body, status: entry.status, createdAt: entry.createdAt,
            updatedAt: entry.updatedAt, replies: entry.replies, mine: mine, canEdit: mine && entry.isOpenToAuthor
        )
    }

    static func events(_ kind: EventKind, section: SectionInfo) -> FeedbackEvents {
        { entry in [try EventDraft(channel: entry.account, kind: kind, payload: FeedbackEventData(entry), visibleTo: section.restrictedTo)] }
    }

    private func feedbackSection(_ account: AccountID, for principal: Principal) async throws -> (ChannelAccess, SectionInfo) {
        let access = try await access.channel(account, for: principal)
        guard let section = try await sections.section(Self.sectionKey, in: account), section.isVisible(to: access) else {
            throw KanavaError.notFound("section \(Self.sectionKey)")
        }
        return (access, section)
    }

    /// The text trimmed, Windows line ends made `\n`; at most ``maxBodyChars`` characters; not empty when `required`.
    static func body(_ text: String, required: Bool = true) throws -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        if required { return try TextInput.required(normalised, field: "body", maxChars: maxBodyChars) }
        return try TextInput.bounded(normalised.trimmingCharacters(in: .whitespacesAndNewlines), field: "body", maxChars: maxBodyChars)
    }
}
