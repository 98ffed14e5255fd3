import Foundation
import Logging

/// Section pages: reading (rendered safely), saving revisions with conflict detection, history and diffs,
/// the director's own sections, switching optional ones off, and must-read confirmations.
/// A section the reader may not see is `not_found`, like one that does not exist.
public struct SectionService: Sendable {
    let store: any KanavaStore
    let access: AccessPolicy
    let bus: EventBus
    let clock: any WallClock
    let renderer: MarkdownRenderer
    let maxBodyChars: Int
    let maxNameChars: Int
    let audit: AuditLog

    /// The table of contents as this principal sees it (directors and admins also see sections switched off).
    public func list(_ account: AccountID, for principal: Principal) async throws -> [Section] {
        let access = try await access.channel(account, for: principal)
        return try await store.sections(of: account).filter { section in
            section.info.isVisible(to: access) && (section.inUse || access.canManage)
        }
    }

    public func page(_ account: AccountID, key: String, for principal: Principal) async throws -> SectionPage {
        let (section, access) = try await visible(account, key, principal)
        let current = section.revision > 0 ? try await store.revision(section.revision, of: key, in: account) : nil
        var page = SectionPage(section: section, current: current, html: renderer.html(current?.body ?? ""),
                               canEdit: section.info.isEditable(by: access), confirmedRevision: nil, mustConfirm: false)
        if section.mustRead, let person = principal.person {
            page.confirmedRevision = try await store.confirmations(of: key, in: account)[person.id]?.revision
            page.mustConfirm = section.revision > 0 && (page.confirmedRevision ?? 0) < section.revision && access.role != nil
        }
        return page
    }

    /// Saves a new revision made from `baseRevision`; if someone saved in between, `conflict`.
    public func save(_ account: AccountID, key: String, body: String, baseRevision: Int, by principal: Principal) async throws -> Section {
        let (section, access) = try await visible(account, key, principal)
        guard section.info.isEditable(by: access) else { throw KanavaError.forbidden }
        guard baseRevision >= 0 else { throw KanavaError.invalid("baseRevision", "must be ≥ 0") }
        let body = try TextInput.bounded(body, field: "body", maxChars: maxBodyChars)
        let committed = try await store.saveRevision(body, of: key, in: account, base: baseRevision, author: principal.person?.id, at: clock.now()) { saved in
            try Self.event(.sectionUpdated, saved, account)
        }
        bus.publish(committed.events)
        await audit.record(.sectionSaved, by: principal, account: account, target: "section:\(key)", detail: ["revision": "\(committed.value.revision)"])
        return committed.value
    }

    public func history(_ account: AccountID, key: String, for principal: Principal) async throws -> [SectionRevision] {
        _ = try await visible(account, key, principal)
        return try await store.revisions(of: key, in: account)
    }

    /// The lines from revision `from` to `to` (0: the empty text). The revision numbers are judged after the section's
    /// visibility, so a section the caller may not see is 404 whatever the query says.
    public func diff(_ account: AccountID, key: String, from: Int?, to: Int?, for principal: Principal) async throws -> SectionDiff {
        _ = try await visible(account, key, principal)
        guard let from, from >= 0 else { throw KanavaError.invalid("from", "must be a revision number ≥ 0") }
        guard let to, to >= 0 else { throw KanavaError.invalid("to", "must be a revision number ≥ 0") }
        func text(_ revision: Int) async throws -> String {
            if revision == 0 { return "" }
            guard let found = try await store.revision(revision, of: key, in: account) else {
                throw KanavaError.invalid("revision", "\(revision) does not exist")
            }
            return found.body
        }
        return SectionDiff(from: from, to: to, lines: LineDiff.diff(try await text(from), try await text(to)))
    }

    /// A director's own section, numbered after the template's.
    public func addCustom(_ account: AccountID, title: String, by principal: Principal) async throws -> Section {
        _ = try await access.manage(account, for: principal)
        let title = try TextInput.required(title, field: "title", maxChars: maxNameChars)
        let committed = try await store.addCustomSection(title: title, to: account, at: clock.now()) { _ in
            try EventDraft(channel: account, kind: .sectionsChanged, payload: [String: String]())
        }
        bus.publish(committed.events)
        await audit.record(.sectionAdded, by: principal, account: account, target: "section:\(committed.value.key)")
        return committed.value
    }

    /// Marks an optional section as not used (or used again); the template's required ones cannot be.
    public func setInUse(_ account: AccountID, key: String, inUse: Bool, by principal: Principal) async throws -> Section {
        _ = try await access.manage(account, for: principal)
        guard let section = try await store.storedSection(key, in: account) else { throw KanavaError.notFound("section \(key)") }
        guard !section.required || inUse else { throw KanavaError.invalid("inUse", "section \(section.number) \(section.title) is required by the template") }
        let event = try EventDraft(channel: account, kind: .sectionsChanged, payload: [String: String]())
        let committed = try await store.setInUse(inUse, key: key, in: account, at: clock.now(), event: event)
        bus.publish(committed.events)
        await audit.record(.sectionUseChanged, by: principal, account: account, target: "section:\(key)", detail: ["inUse": "\(inUse)"])
        return committed.value
    }

    /// Confirms having read `revision` of a must-read section (it must be the current one).
    public func confirm(_ account: AccountID, key: String, revision: Int, by principal: Principal) async throws {
        let (section, access) = try await visible(account, key, principal)
        guard let person = principal.person, access.role != nil else { throw KanavaError.forbidden }
        guard section.mustRead else { throw KanavaError.invalid("section", "\(section.title) is not a must-read section") }
        let event = try EventDraft(channel: account, kind: .mustReadConfirmed,
                                   payload: MustReadEventData(key: key, revision: revision, person: PersonRef(person)),
                                   visibleTo: [.accountDirector])
        let committed = try await store.confirmRead(key, in: account, person: person.id, revision: revision, at: clock.now(), event: event)
        bus.publish(committed.events)
    }

    /// Who has confirmed the current revision and who has not (directors and admins).
    public func readers(_ account: AccountID, key: String, by principal: Principal) async throws -> MustReadStatus {
        let access = try await access.manage(account, for: principal)
        guard let section = try await store.storedSection(key, in: account), section.mustRead else { throw KanavaError.notFound("must-read section \(key)") }
        let confirmations = try await store.confirmations(of: key, in: account)
        var status = MustReadStatus(revision: section.revision, confirmed: [], pending: [])
        for member in try await store.members(of: account) {
            let memberAccess = ChannelAccess(account: access.account, person: member.person.id, role: member.role, isAdmin: false)
            guard section.info.isVisible(to: memberAccess) else { continue }
            if let confirmation = confirmations[member.person.id], confirmation.revision == section.revision, section.revision > 0 {
                status.confirmed.append(.init(person: member.person, at: confirmation.at))
            } else {
                status.pending.append(member.person)
            }
        }
        status.confirmed = FinnishCollation.sorted(status.confirmed, by: \.person.name)
        status.pending = FinnishCollation.sorted(status.pending, by: \.name)
        return status
    }

    private func visible(_ account: AccountID, _ key: String, _ principal: Principal) async throws -> (Section, ChannelAccess) {
        let access = try await access.channel(account, for: principal)
        // Hidden from readers: sections they may not see, and sections switched off (directors still see those).
        guard let section = try await store.storedSection(key, in: account), section.info.isVisible(to: access),
              section.inUse || access.canManage
        else { throw KanavaError.notFound("section \(key.prefix(40))") }
        return (section, access)
    }

    static func event(_ kind: EventKind, _ section: Section, _ account: AccountID) throws -> EventDraft {
        try EventDraft(channel: account, kind: kind,
                       payload: SectionEventData(key: section.key, number: section.number, title: section.title, revision: section.revision),
                       visibleTo: section.restrictedTo)
    }
}

/// The data of `must_read.confirmed` events (seen by directors).
public struct MustReadEventData: Codable, Sendable {
    public var key: String
    public var revision: Int
    public var person: PersonRef
}

/// Applies the table-of-contents template to channels and publishes what changed.
public struct TemplateService: Sendable {
    public let toc: TableOfContents
    /// The events a new channel's annual clock starts with (see `TemplateService+AnnualClock.swift`).
    public let annualClock: ClockTemplate
    let store: any KanavaStore
    let bus: EventBus
    let clock: any WallClock
    let logger: Logger

    /// Brings the given channels (nil: all) in line with the template.
    @discardableResult
    public func apply(to accounts: [AccountID]? = nil) async throws -> [TemplateChange] {
        let committed = try await store.applyTemplate(toc, to: accounts, at: clock.now())
        bus.publish(committed.events)
        if accounts == nil, !committed.value.isEmpty {
            logger.info("template applied", metadata: ["channels": "\(committed.value.count)"])
        }
        return committed.value
    }

    /// Channels whose sections differ from the template: switched off, retired from it, or added by the director.
    public func drift() async throws -> [(account: AccountID, notes: [String])] {
        var report: [(AccountID, [String])] = []
        for summary in try await store.accountSummaries(viewer: nil, membershipsOnly: false).sorted(by: { $0.id < $1.id }) {
            let sections = try await store.sections(of: summary.id)
            let keys = Set(sections.map(\.key))
            var notes: [String] = []
            for section in toc.sections where !keys.contains(section.key) { notes.append("missing \(section.number) \(section.title) (run kanava template apply)") }
            for section in sections {
                if section.origin == .custom { notes.append("own section \(section.number) \(section.title)") }
                if !section.inUse { notes.append("not used: \(section.number) \(section.title)") }
                if section.origin == .template && !section.inTemplate { notes.append("no longer in the template: \(section.title) (kept)") }
            }
            if !notes.isEmpty { report.append((summary.id, notes)) }
        }
        return report
    }
}
