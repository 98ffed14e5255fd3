import Foundation
import KanavaCore

/// Scenario 5: a generated roster applied to an empty installation, re-synced unchanged, then synced with 1 % of
/// the supervisor rows replaced. It runs in this process (no server: a roster sync is a command and a service).
public struct RosterScenario: Sendable {
    public var rows: Int
    public var accounts: Int
    public var seed: UInt64

    public init(rows: Int = 100_000, accounts: Int = 2_000, seed: UInt64 = 9) {
        self.rows = rows
        self.accounts = accounts
        self.seed = seed
    }

    public struct Result: ScenarioResult {
        public static let scenario = "roster"
        public static let runsInProcess = true
        public var rows: Int
        public var accounts: Int
        public var bytes: Int
        public var memberships: Int
        public var firstApplySeconds: Double
        public var unchangedResyncSeconds: Double
        public var turnoverSyncSeconds: Double
        public var turnoverChanges: Int
        public var turnoverAdded: Int
        public var turnoverRemoved: Int
        /// Where an unchanged re-sync spends its time.
        public var phases: Phases
        /// Memberships in the database after the turnover sync, and what the roster said there should be.
        public var membershipsStored: Int
        public var membershipsExpected: Int

        public struct Phases: Encodable, Sendable {
            public var parseSeconds: Double
            public var snapshotSeconds: Double
            public var planSeconds: Double
        }

        public var nothingLost: Bool { membershipsStored == membershipsExpected }

        public var table: BenchTable {
            BenchTable(columns: ["step", "figure"], rows: [
                ["roster", "\(rows) rows, \(accounts) accounts, \(bytes / 1024) KiB → \(memberships) memberships"],
                ["first apply from empty (validate + plan + one transaction)", Figure.seconds(firstApplySeconds)],
                ["re-sync, nothing changed (validate + plan, no writes)", Figure.seconds(unchangedResyncSeconds)],
                ["  of which parse and validate", Figure.seconds(phases.parseSeconds)],
                ["  of which read stored state", Figure.seconds(phases.snapshotSeconds)],
                ["  of which compare", Figure.seconds(phases.planSeconds)],
                ["sync with \(turnoverChanges) supervisor changes (+\(turnoverAdded) −\(turnoverRemoved))", Figure.seconds(turnoverSyncSeconds)],
                ["memberships stored afterwards", "\(membershipsStored)/\(membershipsExpected)"],
            ])
        }
    }

    /// Only generates and parses the roster (for profilers such as callgrind); returns the memberships and seconds.
    public func parseOnly() throws -> (memberships: Int, seconds: Double) {
        let data = RosterGenerator.data(RosterGenerator(accounts: accounts, rows: rows, seed: seed).lines())
        let start = ContinuousClock.now
        let roster = try RosterParser().parse(data)
        return (roster.memberships.count, start.duration(to: .now).seconds)
    }

    public func run(_ launcher: ServerLauncher) async throws -> Result {
        let lines = RosterGenerator(accounts: accounts, rows: rows, seed: seed).lines()
        let data = RosterGenerator.data(lines)
        var turnover = lines
        // 1 % of supervisor rows get a new person: a supervisor change at that site.
        var changed = 0
        for index in turnover.indices where turnover[index].hasSuffix(";supervisor") && index % 100 == 7 {
            var fields = turnover[index].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            fields[4] = "uusi.\(index)@yritys.example"
            fields[5] = "Uusi Esimies \(index)"
            turnover[index] = fields.joined(separator: ";")
            changed += 1
        }
        return try await BenchInstallation.make(launcher.database) { installation in
            var config = try launcher.config(installation)
            config.roster.maxBytes = max(config.roster.maxBytes, data.count * 2)
            return try await Kanava.using(config) { kanava in
                try await measure(kanava, rows: lines.count - 1, data: data, turnover: turnover, changed: changed)
            }
        }
    }

    /// Applies the roster `data` (`rows` data rows) from empty, re-syncs it unchanged, then syncs `turnover`
    /// (`changed` supervisor changes).
    private func measure(_ kanava: Kanava, rows: Int, data: Data, turnover: [String], changed: Int) async throws -> Result {
        let bus = Task { try await kanava.bus.run() }
        defer { bus.cancel() }

        let (first, firstSeconds) = try await timed { try await kanava.roster.sync(data: data, source: "bench", by: .system("bench")) }
        guard first.status == .applied else { throw BenchError("the generated roster was not applied: \(first.status) \(first.errors.prefix(3))") }
        let (again, againSeconds) = try await timed { try await kanava.roster.sync(data: data, source: "bench", by: .system("bench")) }
        guard again.status == .unchanged else { throw BenchError("re-sync was not a no-op: \(again.status)") }
        let (roster, parseSeconds) = try await timed { try RosterParser().parse(data) }
        let (snapshot, snapshotSeconds) = try await timed { try await kanava.store.rosterSnapshot() }
        let (_, planSeconds) = try await timed { RosterPlan(roster: roster, snapshot: snapshot) }
        let turnoverData = RosterGenerator.data(turnover)
        let (moved, movedSeconds) = try await timed { try await kanava.roster.sync(data: turnoverData, source: "bench", by: .system("bench")) }
        let expected = try RosterParser().parse(turnoverData).memberships.count
        let stored = try await kanava.store.rosterSnapshot().memberships.count

        return Result(
            rows: rows, accounts: accounts, bytes: data.count, memberships: first.counts.membershipsAdded,
            firstApplySeconds: firstSeconds, unchangedResyncSeconds: againSeconds, turnoverSyncSeconds: movedSeconds,
            turnoverChanges: changed, turnoverAdded: moved.counts.membershipsAdded, turnoverRemoved: moved.counts.membershipsRemoved,
            phases: .init(parseSeconds: parseSeconds, snapshotSeconds: snapshotSeconds, planSeconds: planSeconds),
            membershipsStored: stored, membershipsExpected: expected
        )
    }

    private func timed<T>(_ body: () async throws -> T) async throws -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, start.duration(to: .now).seconds)
    }
}
