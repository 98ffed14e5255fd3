import Foundation

/// Computes the ``QualityFigures`` of one account and month from what Kanava knows: the membership history, the
/// roster history, the annual clock, urgent notices and their acknowledgements, the planner, must-reads and the
/// feedback box. ``QualityFigures`` says what each figure counts.
public struct CardFigureCalculator: Sendable {
    let store: any KanavaStore
    let annualClock: AnnualClockService
    let clock: any WallClock

    public init(store: any KanavaStore, annualClock: AnnualClockService, clock: any WallClock) {
        self.store = store
        self.annualClock = annualClock
        self.clock = clock
    }

    /// The figures as they stood at the month's end (its last millisecond: the store keeps milliseconds), or now
    /// for the current month. Every "up to" below includes ``QualityFigures/asOf``.
    public func figures(_ account: AccountID, month: CardMonth) async throws -> QualityFigures {
        let asOf = min(month.end.addingTimeInterval(-0.001), clock.now())
        let steps = try await store.membershipSteps(in: account, through: asOf)
        let members = Self.members(at: asOf, steps)

        let clockYear = try await annualClock.figures(account, year: month.year)
        var yearToDate = ClockFigures.Count()
        for entry in clockYear.months where entry.month <= month.month { yearToDate.add(entry.count) }

        let counts = try await store.feedbackCounts(in: account, at: asOf)
        return QualityFigures(
            asOf: asOf,
            sites: Set(members.values.flatMap(\.sites).filter { !$0.isEmpty }).count,
            supervisors: members.values.count { $0.role == .supervisor },
            supervisorChanges: try await store.supervisorDepartures(in: account, year: month.year, month: month.month),
            clock: QualityFigures.Clock(month: clockYear.months[month.month - 1].count, yearToDate: yearToDate),
            notices: try await notices(account, month: month, asOf: asOf, steps: steps),
            overduePlannerTasks: try await store.overduePlannerTaskCount(in: account, asOf: LocalDate.inHelsinki(asOf)),
            openMustReads: try await store.openMustReadCount(in: account),
            feedback: QualityFigures.Feedback(new: counts[.new] ?? 0, inProgress: counts[.inProgress] ?? 0,
                                              done: counts[.done] ?? 0, declined: counts[.declined] ?? 0))
    }

    /// Urgent notices sent in the month and not withdrawn by `asOf`: who owed an acknowledgement (the members but the
    /// sender, at `asOf` or at the notice's expiry if earlier) and who had given it by then.
    private func notices(_ account: AccountID, month: CardMonth, asOf: Date, steps: [MembershipStep]) async throws -> QualityFigures.Notices {
        let sent = try await store.urgentNotices(in: account, sentFrom: month.start, until: month.end).filter { notice in
            notice.sentAt <= asOf && (notice.withdrawnAt.map { $0 > asOf } ?? true)
        }
        var required = 0
        var minutes: [Double] = []
        for notice in sent {
            let until = min(asOf, notice.expiresAt ?? asOf)
            for person in Self.members(at: until, steps).keys where person != notice.author {
                required += 1
                if let at = notice.acknowledgements[person], at <= until { minutes.append(at.timeIntervalSince(notice.sentAt) / 60) }
            }
        }
        return QualityFigures.Notices(sent: sent.count, required: required, acknowledged: minutes.count,
                                      rate: required > 0 ? Double(minutes.count) / Double(required) : nil, medianMinutes: Self.median(minutes))
    }

    /// The channel's members at `instant`, replayed from its membership changes.
    static func members(at instant: Date, _ steps: [MembershipStep]) -> [PersonID: MembershipStep] {
        var members: [PersonID: MembershipStep] = [:]
        for step in steps where step.at <= instant {
            members[step.person] = step.kind == .left ? nil : step
        }
        return members
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

extension ClockFigures.Count {
    mutating func add(_ other: ClockFigures.Count) {
        planned += other.planned
        done += other.done
        cancelled += other.cancelled
    }
}
