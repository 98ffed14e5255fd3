import Foundation
import Logging

/// Chases unacknowledged urgent notices: reminds members at an interval (live in the browser when they are
/// connected, by e-mail when not), and after a set time escalates them to the regional directors of their cities
/// and tells the sender.
///
/// Each round reads the state from the database and records what it did there (with the mails and events, in one
/// transaction per notice), so a restart neither repeats nor forgets a reminder. The server runs ``round()`` every
/// `notices.check_seconds` on one node (a ``PeriodicJob``); tests call it directly with a manual clock.
public struct NoticeFollowUp: Sendable {
    let store: any KanavaStore
    let bus: EventBus
    let clock: any WallClock
    let presence: Presence
    let mail: NoticeMail?
    let remindEvery: TimeInterval
    let escalateAfter: TimeInterval
    let logger: Logger

    public init(store: any KanavaStore, bus: EventBus, clock: any WallClock, presence: Presence, mail: NoticeMail?,
                config: KanavaConfig.Notices, logger: Logger) {
        self.store = store
        self.bus = bus
        self.clock = clock
        self.presence = presence
        self.mail = mail
        remindEvery = config.remindEveryMinutes * 60
        escalateAfter = config.escalateAfterMinutes * 60
        self.logger = logger
    }

    /// What one round did.
    public struct Report: Sendable, Equatable {
        public var remindedLive = 0
        public var remindedByMail = 0
        public var escalated = 0
        public init() {}
    }

    public func round() async throws -> Report {
        let now = clock.now()
        var report = Report()
        let candidates = try await store.followUpCandidates(at: now)
        for (_, owing) in Dictionary(grouping: candidates, by: \.notice.id).sorted(by: { $0.key < $1.key }) {
            guard let notice = owing.first?.notice else { continue }
            var record = FollowUpRecord(notice: notice.id, reminded: [], escalated: [], mails: [], events: [])
            for member in owing {
                let owingSince = max(notice.createdAt, member.joinedAt)
                if now.timeIntervalSince(member.lastRemindedAt ?? owingSince) >= remindEvery {
                    record.reminded.append(member.person.id)
                    let reminder = NoticeReminder(notice: notice.id, person: member.person.id, title: notice.title, reminders: member.reminders + 1)
                    if presence.isConnected(member.person.id) {
                        // Only the member (and admins) see it: no role may, the subject may.
                        record.events.append(try EventDraft(channel: notice.account, kind: .noticeReminder, payload: reminder, visibleTo: [], subject: member.person.id))
                        report.remindedLive += 1
                    } else if let mail {
                        record.mails.append(mail.reminder(notice, to: member))
                        report.remindedByMail += 1
                    }
                }
                if member.escalatedAt == nil, now.timeIntervalSince(owingSince) >= escalateAfter {
                    record.escalated.append(member.person.id)
                }
            }
            if !record.escalated.isEmpty {
                let escalated = owing.filter { record.escalated.contains($0.person.id) }
                let directors = try await store.members(of: notice.account).filter { $0.role == .regionalDirector }
                let data = Self.route(escalated, to: directors, notice: notice)
                record.events.append(try EventDraft(channel: notice.account, kind: .noticeEscalated, payload: data, visibleTo: [.accountDirector, .regionalDirector]))
                if let mail { record.mails += mail.escalation(notice, data, directors: directors) }
                report.escalated += escalated.count
                logger.notice("urgent notice escalated", metadata: [
                    "account": "\(notice.account)", "notice": "\(notice.id)", "members": "\(escalated.count)",
                    "regionalDirectors": "\(data.escalations.count)", "unrouted": "\(data.unrouted.count)",
                ])
            }
            guard !record.reminded.isEmpty || !record.escalated.isEmpty else { continue }
            bus.publish(try await store.recordFollowUp(record, at: now))
        }
        return report
    }

    /// Each escalated member goes to every regional director who shares one of their cities; members no regional
    /// director covers are `unrouted` (the sender still hears of them).
    static func route(_ members: [FollowUpCandidate], to directors: [Member], notice: Notice) -> NoticeEscalated {
        var escalations: [NoticeEscalated.Escalation] = []
        var routed = Set<PersonID>()
        for director in directors {
            let cities = Set(director.cities.map { $0.lowercased() })
            let people = members.filter { member in member.person.id != director.person.id && member.cities.contains { cities.contains($0.lowercased()) } }
            guard !people.isEmpty else { continue }
            escalations.append(.init(regionalDirector: director.person, people: people.map(\.person)))
            routed.formUnion(people.map(\.person.id))
        }
        return NoticeEscalated(notice: notice.id, title: notice.title, escalations: escalations,
                               unrouted: members.filter { !routed.contains($0.person.id) }.map(\.person))
    }
}
