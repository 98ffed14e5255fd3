import Foundation
import Logging

/// A memo as received (validated by the service).
public struct MemoInput: Sendable {
    public var title: String?
    /// `YYYY-MM-DD`.
    public var meetingDate: String?
    public var participants: [String]?
    /// Markdown.
    public var body: String?

    public init(title: String? = nil, meetingDate: String? = nil, participants: [String]? = nil, body: String? = nil) {
        self.title = title
        self.meetingDate = meetingDate
        self.participants = participants
        self.body = body
    }
}

/// A channel's memos, newest meeting first.
public struct MemoList: Codable, Sendable {
    /// Whether the viewer may write, edit and delete memos.
    public var canEdit: Bool
    public var memos: [MemoSummary]
}

/// Meeting memos of a channel's memos section (key `memos`). Who may read and write them follows that section:
/// a member who may not see it gets `not_found`, as for a memo that does not exist.
public struct MemoService: Sendable {
    public static let sectionKey = "memos"
    public static let maxBodyChars = 100_000
    public static let maxParticipants = 100

    let store: any KanavaStore
    let access: AccessPolicy
    let sections: any SectionDirectory
    let bus: EventBus
    let clock: any WallClock
    let maxNameChars: Int
    let logger: Logger

    public init(store: any KanavaStore, access: AccessPolicy, sections: any SectionDirectory, bus: EventBus, clock: any WallClock,
                maxNameChars: Int, logger: Logger) {
        self.store = store
        self.access = access
        self.sections = sections
        self.bus = bus
        self.clock = clock
        self.maxNameChars = maxNameChars
        self.logger = logger
    }

    public func list(_ account: AccountID, for principal: Principal) async throws -> MemoList {
        let (access, section) = try await memosSection(account, for: principal)
        return MemoList(canEdit: section.isEditable(by: access), memos: try await store.memos(in: account).sorted(by: MemoSummary.newestFirst))
    }

    public func memo(_ account: AccountID, _ id: MemoID, for principal: Principal) async throws -> (memo: Memo, canEdit: Bool) {
        let (access, section) = try await memosSection(account, for: principal)
        guard let memo = try await store.memo(id, in: account) else { throw KanavaError.notFound("memo \(id)") }
        return (memo, section.isEditable(by: access))
    }

    /// Writes a memo: `title` and `meetingDate` are required; participants and body may be empty.
    public func create(_ account: AccountID, _ input: MemoInput, by principal: Principal) async throws -> Memo {
        let section = try await editableSection(account, by: principal)
        guard let title = input.title else { throw KanavaError.invalid("title", "is required") }
        guard let date = input.meetingDate else { throw KanavaError.invalid("meetingDate", "is required (YYYY-MM-DD)") }
        let new = NewMemo(
            account: account, title: try TextInput.required(title, field: "title", maxChars: maxNameChars),
            meetingDate: try LocalDate.parse(date, field: "meetingDate"),
            participants: try participants(input.participants ?? []), body: try Self.body(input.body ?? ""),
            author: principal.person?.id
        )
        let committed = try await store.createMemo(new, at: clock.now(), events: Self.events(.memoCreated, section: section))
        bus.publish(committed.events)
        logger.info("memo written", metadata: ["account": "\(account)", "memo": "\(committed.value.id)", "by": "\(principal.label)"])
        return committed.value
    }

    /// Changes the given fields of a memo.
    public func update(_ account: AccountID, _ id: MemoID, _ input: MemoInput, by principal: Principal) async throws -> Memo {
        let section = try await editableSection(account, by: principal)
        guard var memo = try await store.memo(id, in: account) else { throw KanavaError.notFound("memo \(id)") }
        let before = memo
        if let title = input.title { memo.title = try TextInput.required(title, field: "title", maxChars: maxNameChars) }
        if let date = input.meetingDate { memo.meetingDate = try LocalDate.parse(date, field: "meetingDate") }
        if let participants = input.participants { memo.participants = try self.participants(participants) }
        if let body = input.body { memo.body = try Self.body(body) }
        guard memo != before else { return memo }
        let committed = try await store.updateMemo(memo, editor: principal.person?.id, at: clock.now(), events: Self.events(.memoUpdated, section: section))
        bus.publish(committed.events)
        return committed.value
    }

    public func delete(_ account: AccountID, _ id: MemoID, by principal: Principal) async throws {
        let section = try await editableSection(account, by: principal)
        let committed = try await store.deleteMemo(id, in: account, by: principal.person?.id, at: clock.now(), events: Self.events(.memoDeleted, section: section))
        bus.publish(committed.events)
        logger.info("memo deleted", metadata: ["account": "\(account)", "memo": "\(id)", "by": "\(principal.label)"])
    }

    // MARK: - Steps

    static func events(_ kind: EventKind, section: SectionInfo) -> MemoEvents {
        { memo in [try EventDraft(channel: memo.account, kind: kind, payload: memo.summary, visibleTo: section.restrictedTo)] }
    }

    private func memosSection(_ account: AccountID, for principal: Principal) async throws -> (ChannelAccess, SectionInfo) {
        let access = try await access.channel(account, for: principal)
        guard let section = try await sections.section(Self.sectionKey, in: account), section.isVisible(to: access) else {
            throw KanavaError.notFound("section \(Self.sectionKey)")
        }
        return (access, section)
    }

    private func editableSection(_ account: AccountID, by principal: Principal) async throws -> SectionInfo {
        let (access, section) = try await memosSection(account, for: principal)
        guard section.isEditable(by: access) else { throw KanavaError.forbidden }
        return section
    }

    private func participants(_ names: [String]) throws -> [String] {
        guard names.count <= Self.maxParticipants else { throw KanavaError.invalid("participants", "must be at most \(Self.maxParticipants) names") }
        return try names.map { try TextInput.required($0, field: "participants", maxChars: maxNameChars) }
    }

    /// Markdown as written, with Windows line ends made `\n`; at most ``maxBodyChars`` characters.
    static func body(_ text: String) throws -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return try TextInput.bounded(normalised, field: "body", maxChars: maxBodyChars)
    }
}
