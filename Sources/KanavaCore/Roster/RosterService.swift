import Crypto
import Foundation
import Logging

/// Syncs roster-sourced memberships from the billing system's export. All or nothing: a file with any
/// error changes nothing; a valid file is applied in one transaction, recorded, and published.
public struct RosterService: Sendable {
    let store: any KanavaStore
    let bus: EventBus
    let clock: any WallClock
    let parser: RosterParser
    let removalGuard: RemovalGuard
    let maxBytes: Int
    let templates: TemplateService
    let logger: Logger
    let audit: AuditLog

    /// What became of a sync; the HTTP API and `kanava roster sync --json` return it as it is.
    public struct Outcome: Sendable, Encodable {
        public enum Status: String, Sendable, Codable {
            /// Applied and recorded.
            case applied
            /// Valid, and nothing differs: nothing was written.
            case unchanged
            /// Valid; what it would change is in `changes`, and nothing was written.
            case dryRun = "dry_run"
            /// The file has errors (`errors`); nothing changed.
            case rejected
            /// Valid, but refused by the mass-removal guard (`refusal`); nothing changed.
            case refused
        }

        public var status: Status
        /// The audit record (applied, rejected and refused syncs are recorded; dry runs are not).
        public var record: RosterSyncRecord?
        public var format: String?
        public var dataRows: Int
        public var counts: RosterCounts
        public var changes: [RosterChange]
        public var warnings: [RosterIssue]
        public var errors: [RosterIssue]
        public var refusal: String?
        public var fileHash: String

        enum CodingKeys: String, CodingKey {
            case status, record = "sync", format, dataRows, counts, changes, warnings, errors, refusal, fileHash
        }
    }

    /// Reads and syncs a file, refusing one larger than `roster.max_bytes` before reading it.
    public func sync(file path: String, by principal: Principal, dryRun: Bool = false, force: Bool = false) async throws -> Outcome {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { throw KanavaError(.notFound, "roster file \(path) cannot be read") }
        if size > maxBytes {
            return try await reject([RosterIssue(line: nil, problem: "the file is \(size) bytes; the limit is \(maxBytes) (roster.max_bytes)")],
                                    hash: Self.sizeHash(size), source: path, by: principal, dryRun: dryRun, force: force)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw KanavaError(.notFound, "roster file \(path) cannot be read") }
        return try await sync(data: data, source: path, by: principal, dryRun: dryRun, force: force)
    }

    public func sync(data: Data, source: String, by principal: Principal, dryRun: Bool = false, force: Bool = false) async throws -> Outcome {
        guard principal.isAdmin else { throw KanavaError.forbidden }
        if data.count > maxBytes {
            return try await reject([RosterIssue(line: nil, problem: "the file is \(data.count) bytes; the limit is \(maxBytes) (roster.max_bytes)")],
                                    hash: Self.hash(data), source: source, by: principal, dryRun: dryRun, force: force)
        }
        // Reading and indexing the stored state, and hashing the file, overlap with parsing (this task).
        async let stored = RosterPlan.StoredIndex(try await store.rosterSnapshot())
        async let fileHash = Self.hash(data)
        let roster: Roster
        do {
            roster = try parser.parse(data)
        } catch {
            _ = try? await stored
            return try await reject(error.issues, hash: await fileHash, source: source, by: principal, dryRun: dryRun, force: force)
        }
        let hash = await fileHash

        let plan = RosterPlan(roster: roster, stored: try await stored)
        let changes = Self.changes(plan)
        let counts = RosterCounts(plan)
        var outcome = Outcome(status: .unchanged, record: nil, format: roster.format, dataRows: roster.dataRows, counts: counts,
                              changes: changes, warnings: roster.warnings, errors: [], refusal: nil, fileHash: hash)
        if plan.isEmpty, roster.dataRows > 0 { return outcome }

        let now = clock.now()
        var record = RosterSyncRecord(
            id: 0, at: now, source: source, fileHash: hash, actor: principal.label, forced: force, outcome: .applied,
            summary: .init(format: roster.format, dataRows: roster.dataRows, counts: counts, warnings: roster.warnings, errors: [], refusal: nil)
        )
        if let refusal = removalGuard.refusal(for: plan, dataRows: roster.dataRows), !force {
            outcome.status = .refused
            outcome.refusal = refusal
            if !dryRun {
                record.outcome = .refused
                record.summary.refusal = refusal
                outcome.record = try await store.recordRosterSync(record)
                logger.warning("roster sync refused by the removal guard", metadata: ["source": "\(source)", "reason": "\(refusal)"])
                await audit.record(.rosterSync, by: principal, target: "roster_sync:\(outcome.record?.id ?? 0)",
                                   detail: ["outcome": "refused", "source": String(source.suffix(200)), "reason": refusal])
            }
            return outcome
        }
        if dryRun {
            outcome.status = .dryRun
            return outcome
        }
        if plan.isEmpty { return outcome }  // a forced empty file with nothing to remove

        let committed = try await store.applyRoster(plan, sections: templates.toc, clock: templates.annualClock, record: record, changes: changes, at: now) { people in
            try Self.events(plan, people)
        }
        bus.publish(committed.events)
        outcome.status = .applied
        outcome.record = committed.value
        logger.info("roster sync applied", metadata: [
            "source": "\(source)", "by": "\(principal.label)", "added": "\(counts.membershipsAdded)",
            "removed": "\(counts.membershipsRemoved)", "roles": "\(counts.rolesChanged)", "accounts": "\(counts.accountsCreated)",
        ])
        await audit.record(.rosterSync, by: principal, target: "roster_sync:\(committed.value.id)", detail: [
            "outcome": "applied", "source": String(source.suffix(200)), "forced": "\(force)", "added": "\(counts.membershipsAdded)",
            "removed": "\(counts.membershipsRemoved)", "rolesChanged": "\(counts.rolesChanged)", "accountsCreated": "\(counts.accountsCreated)",
        ])
        return outcome
    }

    /// The SHA-256 a sync records for a file's bytes.
    static func hash(_ data: Data) -> String {
        SHA256.hash(data: data).hex
    }

    /// What a sync records instead of a hash for a file refused by its size before it was read.
    static func sizeHash(_ size: Int) -> String { "size:\(size)" }

    /// Recent syncs, newest first (admins).
    public func history(limit: Int, by principal: Principal) async throws -> [RosterSyncRecord] {
        guard principal.isAdmin else { throw KanavaError.forbidden }
        return try await store.rosterSyncs(limit: limit)
    }

    public func detail(_ id: Int64, by principal: Principal) async throws -> (record: RosterSyncRecord, changes: [RosterChange]) {
        guard principal.isAdmin else { throw KanavaError.forbidden }
        guard let found = try await store.rosterSync(id) else { throw KanavaError.notFound("roster sync \(id)") }
        return found
    }

    // MARK: - Building the sync

    private func reject(_ issues: [RosterIssue], hash: String, source: String, by principal: Principal, dryRun: Bool, force: Bool) async throws -> Outcome {
        var outcome = Outcome(status: .rejected, record: nil, format: nil, dataRows: 0, counts: RosterCounts(), changes: [],
                              warnings: [], errors: issues, refusal: nil, fileHash: hash)
        guard !dryRun else { return outcome }
        let record = RosterSyncRecord(
            id: 0, at: clock.now(), source: source, fileHash: hash, actor: principal.label, forced: force, outcome: .refused,
            summary: .init(format: nil, dataRows: 0, counts: RosterCounts(), warnings: [], errors: Array(issues.prefix(1000)), refusal: nil)
        )
        outcome.record = try await store.recordRosterSync(record)
        logger.warning("roster file rejected", metadata: ["source": "\(source)", "errors": "\(issues.count)", "first": "\(issues.first?.description ?? "")"])
        await audit.record(.rosterSync, by: principal, target: "roster_sync:\(outcome.record?.id ?? 0)",
                           detail: ["outcome": "rejected", "source": String(source.suffix(200)), "errors": "\(issues.count)"])
        return outcome
    }

    /// The audit trail of a plan, in a stable order.
    static func changes(_ plan: RosterPlan) -> [RosterChange] {
        var changes: [RosterChange] = []
        for account in plan.newAccounts { changes.append(RosterChange(kind: .accountCreated, account: account.id, detail: account.name)) }
        for rename in plan.renames { changes.append(RosterChange(kind: .accountRenamed, account: rename.account, detail: "\(rename.from) → \(rename.to)")) }
        for addition in plan.additions {
            changes.append(RosterChange(kind: .added, account: addition.account, email: addition.email, role: addition.role, detail: addition.sites.joined(separator: ", ")))
        }
        for removal in plan.removals {
            changes.append(RosterChange(kind: .removed, account: removal.account, email: removal.emailKey, role: removal.role))
        }
        for change in plan.roleChanges {
            changes.append(RosterChange(kind: .roleChanged, account: change.membership.account, email: change.membership.emailKey,
                                        role: change.role, previousRole: change.membership.role))
        }
        for change in plan.placeChanges {
            changes.append(RosterChange(kind: .placesChanged, account: change.membership.account, email: change.membership.emailKey,
                                        role: change.membership.role, detail: change.sites.joined(separator: ", ")))
        }
        return changes
    }

    /// The events a plan appends: channel creation and renames, and one `membership.*` event per change.
    static func events(_ plan: RosterPlan, _ people: RosterPeople) throws -> [EventDraft] {
        var drafts: [EventDraft] = []
        for account in plan.newAccounts {
            drafts.append(try EventDraft(channel: account.id, kind: .accountCreated, payload: AccountEventData(id: account.id, name: account.name, startDate: nil)))
        }
        for rename in plan.renames {
            drafts.append(try EventDraft(channel: rename.account, kind: .accountUpdated, payload: AccountEventData(id: rename.account, name: rename.to, startDate: nil)))
        }
        func membershipEvent(_ kind: EventKind, _ person: PersonRef, _ membership: Membership) throws -> EventDraft {
            try AccountService.event(kind, membership, person)
        }
        for addition in plan.additions {
            let person = try people.person(addition.email)
            drafts.append(try membershipEvent(.membershipAdded, person, Membership(
                account: addition.account, person: person.id, role: addition.role, source: .roster,
                sites: addition.sites, cities: addition.cities, joinedAt: Date())))
        }
        for removal in plan.removals {
            drafts.append(try membershipEvent(.membershipRemoved, try people.person(removal.emailKey), removal.membership))
        }
        for change in plan.roleChanges {
            var membership = change.membership.membership
            membership.role = change.role
            drafts.append(try membershipEvent(.membershipChanged, try people.person(change.membership.emailKey), membership))
        }
        for change in plan.placeChanges {
            var membership = change.membership.membership
            membership.sites = change.sites
            membership.cities = change.cities
            drafts.append(try membershipEvent(.membershipChanged, try people.person(change.membership.emailKey), membership))
        }
        return drafts
    }
}

extension StoredMembership {
    var membership: Membership {
        Membership(account: account, person: person, role: role, source: source, sites: sites, cities: cities, joinedAt: Date())
    }
}
