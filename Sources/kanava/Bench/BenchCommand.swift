import ArgumentParser
import Foundation
import KanavaCore
import Logging

/// `kanava bench …`: performance measured on this machine, reported with the machine and build stated.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Kanava on this machine (use a release build: swift run -c release kanava bench …).",
        subcommands: [RosterBench.self]
    )
}

struct RosterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Validate and apply a generated roster from empty, re-sync it unchanged, and sync it with 1 % turnover."
    )

    @Option(help: "Data rows in the generated roster.") var rows = 100_000
    @Option(help: "Accounts in the generated roster.") var accounts = 2_000
    @Option(help: "Random seed (same seed, same file).") var seed: UInt64 = 9
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Flag(help: "Only generate and parse the roster (for profilers such as callgrind).") var parseOnly = false

    struct Result: Encodable {
        var machine: Machine
        var rows: Int
        var accounts: Int
        var bytes: Int
        var memberships: Int
        var firstApplySeconds: Double
        var unchangedResyncSeconds: Double
        var turnoverSyncSeconds: Double
        var turnoverAdded: Int
        var turnoverRemoved: Int
        /// Where an unchanged re-sync spends its time.
        var phases: Phases
    }

    struct Phases: Encodable {
        var parseSeconds: Double
        var snapshotSeconds: Double
        var planSeconds: Double
    }

    func run() async throws {
        let lines = RosterGenerator(accounts: accounts, rows: rows, seed: seed).lines()
        let data = RosterGenerator.data(lines)
        if parseOnly {
            let (roster, seconds) = try await timed { try RosterParser().parse(data) }
            say(String(format: "parsed and validated %d rows into %d memberships in %.3f s (%@)", roster.dataRows, roster.memberships.count, seconds, Machine.current.description))
            return
        }
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

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kanava-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = KanavaConfig()
        config.dataDir = directory.path
        config.roster.maxBytes = max(config.roster.maxBytes, data.count * 2)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let kanava = try await Kanava.open(config: config, logger: logger)
        let bus = Task { try await kanava.bus.run() }
        defer { bus.cancel() }

        let (first, firstSeconds) = try await timed { try await kanava.roster.sync(data: data, source: "bench", by: .system("bench")) }
        guard first.status == .applied else { throw ValidationError("the generated roster was not applied: \(first.status) \(first.errors.prefix(3))") }
        let (again, againSeconds) = try await timed { try await kanava.roster.sync(data: data, source: "bench", by: .system("bench")) }
        guard again.status == .unchanged else { throw ValidationError("re-sync was not a no-op: \(again.status)") }
        let (roster, parseSeconds) = try await timed { try RosterParser().parse(data) }
        let (snapshot, snapshotSeconds) = try await timed { try await kanava.store.rosterSnapshot() }
        let (_, planSeconds) = try await timed { RosterPlan(roster: roster, snapshot: snapshot) }
        let phases = Phases(parseSeconds: parseSeconds, snapshotSeconds: snapshotSeconds, planSeconds: planSeconds)
        let (moved, movedSeconds) = try await timed {
            try await kanava.roster.sync(data: RosterGenerator.data(turnover), source: "bench", by: .system("bench"))
        }

        let result = Result(
            machine: Machine.current, rows: lines.count - 1, accounts: accounts, bytes: data.count,
            memberships: first.counts.membershipsAdded, firstApplySeconds: firstSeconds, unchangedResyncSeconds: againSeconds,
            turnoverSyncSeconds: movedSeconds, turnoverAdded: moved.counts.membershipsAdded, turnoverRemoved: moved.counts.membershipsRemoved,
            phases: phases
        )
        if json {
            say(String(decoding: try EventCoding.encoder.encode(result), as: UTF8.self))
        } else {
            say("kanava bench roster — \(result.machine.description)")
            say("  roster: \(result.rows) rows, \(accounts) accounts, \(result.bytes / 1024) KiB → \(result.memberships) memberships")
            say(String(format: "  first apply from empty (validate + plan + one transaction): %8.3f s", firstSeconds))
            say(String(format: "  re-sync, nothing changed (validate + plan, no writes):     %8.3f s", againSeconds))
            say(String(format: "    of which: parse and validate %.3f s, read stored state %.3f s, compare %.3f s", parseSeconds, snapshotSeconds, planSeconds))
            say(String(format: "  sync with %d supervisor changes (+%d −%d):            %8.3f s", changed, moved.counts.membershipsAdded, moved.counts.membershipsRemoved, movedSeconds))
        }
    }

    private func timed<T>(_ body: () async throws -> T) async throws -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        let elapsed = start.duration(to: .now)
        return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

/// What the figures were measured on.
struct Machine: Encodable, CustomStringConvertible {
    var cores: Int
    var memoryGiB: Int
    var build: String
    var os: String

    static var current: Machine {
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        return Machine(
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: Int((Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824).rounded()),
            build: build, os: ProcessInfo.processInfo.operatingSystemVersionString
        )
    }

    var description: String { "\(cores) cores, \(memoryGiB) GiB, \(build) build" }
}
