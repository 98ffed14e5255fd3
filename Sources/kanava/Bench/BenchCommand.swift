import ArgumentParser
import Foundation
import KanavaBench
import KanavaCore

/// `kanava bench …`: performance measured on this machine, reported with the machine and build stated.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Kanava on this machine (use a release build: swift build -c release, then .build/release/kanava bench …).",
        discussion: """
            Each scenario makes a fresh installation in a temporary directory (and, with --database-url, a database of its \
            own on that PostgreSQL server), starts this binary's `kanava serve` on it on a loopback port (--nodes of them), \
            and drives it with WebSocket and HTTP clients in this process. Figures in docs/benchmarks.md.
            """,
        subcommands: [ConnectionsBench.self, FanoutBench.self, IngestBench.self, MixedBench.self, RosterBench.self, AllBench.self]
    )
}

/// Options every scenario shares.
struct BenchOptions: ParsableArguments {
    @Option(help: "The configuration file the server starts with (the benchmark points it at its own data and port).")
    var config = "config/kanava.yaml"
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "The server to start instead of this binary, given `serve --config FILE` (a script can run kanava under a profiler).")
    var server: String?
    @Option(name: .customLong("database-url"), help: ArgumentHelp(
        "A PostgreSQL server to measure on instead of SQLite (also KANAVA_BENCH_DATABASE_URL).",
        discussion: "postgres://user@host:port/postgres: each scenario creates a database of its own there (the user needs CREATEDB) and drops it afterwards."
    ))
    var databaseURL: String?
    @Option(help: "kanava serve nodes per installation, on one database; clients are spread over them round-robin (more than 1 needs --database-url).")
    var nodes = 1

    func validate() throws {
        let launcher = try launcher
        do { try launcher.check() } catch { throw ValidationError(error.description) }
    }

    var launcher: ServerLauncher {
        get throws {
            ServerLauncher(executable: URL(fileURLWithPath: server ?? "/proc/self/exe").resolvingSymlinksInPath(), configPath: config,
                           workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath), database: try database, nodes: nodes)
        }
    }

    /// `--database-url`, else `KANAVA_BENCH_DATABASE_URL`; SQLite when neither names one.
    private var database: BenchDatabase {
        get throws {
            guard let url = databaseURL ?? ProcessInfo.processInfo.environment["KANAVA_BENCH_DATABASE_URL"], !url.isEmpty else { return .sqlite }
            do {
                return .postgres(try PostgresURL(url))
            } catch {
                throw ValidationError("--database-url: \(error.message)")
            }
        }
    }

    /// Prints the result; fails the command when something acknowledged was missing.
    func report<Result: ScenarioResult>(_ result: Result, machine: Machine) throws {
        let report = BenchReport(result, machine: machine, launcher: try launcher)
        say(json ? try report.json() : report.text)
        if !result.nothingLost { throw ExitCode(1) }
    }
}

struct ConnectionsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "connections", abstract: "Idle signed-in sockets subscribed to their channels: server memory per socket, connect rate.")
    @OptionGroup var options: BenchOptions
    @Option(parsing: .upToNextOption, help: "Socket counts, one run each.") var clients = [1_000, 10_000]

    func run() async throws {
        let machine = Machine.current
        try options.report(try await ConnectionsScenario(counts: clients).run(options.launcher), machine: machine)
    }
}

struct FanoutBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fanout", abstract: "An urgent notice to a channel whose members are all connected: delivery latency.")
    @OptionGroup var options: BenchOptions
    @Option(parsing: .upToNextOption, help: "Channel sizes (connected members), one run each.") var members = [1_000, 10_000]
    @Option(help: "Notices per channel size.") var rounds = 5

    func run() async throws {
        let machine = Machine.current
        try options.report(try await FanoutScenario(memberCounts: members, rounds: rounds).run(options.launcher), machine: machine)
    }
}

struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "Concurrent senders posting as fast as acknowledged, then a paced run: durable messages/s and ack latency.")
    @OptionGroup var options: BenchOptions
    @Option(parsing: .upToNextOption, help: "Sender counts, one closed-loop run each.") var senders = [1, 10, 100]
    @Option(help: "Seconds per run.") var seconds = 10
    @Option(help: "Messages a second in the paced run.") var rate = 1_000

    func run() async throws {
        let machine = Machine.current
        try options.report(try await IngestScenario(senderCounts: senders, duration: .seconds(seconds), pacedRate: rate).run(options.launcher), machine: machine)
    }
}

struct MixedBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mixed", abstract: "A working day compressed: p99 of each request type.")
    @OptionGroup var options: BenchOptions
    @Option var accounts = 100
    @Option(help: "Members per account.") var members = 50
    @Option(help: "Connected members per account.") var connected = 10
    @Option(help: "Seconds the day lasts.") var seconds = 30
    @Option(help: "Mean seconds between one person's actions.") var think = 5.0

    func run() async throws {
        let machine = Machine.current
        let scenario = MixedScenario(accounts: accounts, membersPerAccount: members, connectedPerAccount: connected,
                                     duration: .seconds(seconds), thinkTime: .seconds(think))
        try options.report(try await scenario.run(options.launcher), machine: machine)
    }
}

struct RosterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Validate and apply a generated roster from empty, re-sync it unchanged, and sync it with 1 % turnover."
    )
    @OptionGroup var options: BenchOptions
    @Option(help: "Data rows in the generated roster.") var rows = 100_000
    @Option(help: "Accounts in the generated roster.") var accounts = 2_000
    @Option(help: "Random seed (same seed, same file).") var seed: UInt64 = 9
    @Flag(help: "Only generate and parse the roster (for profilers such as callgrind).") var parseOnly = false

    func run() async throws {
        let machine = Machine.current
        let scenario = RosterScenario(rows: rows, accounts: accounts, seed: seed)
        if parseOnly {
            let (memberships, seconds) = try scenario.parseOnly()
            return say(String(format: "parsed and validated %d rows into %d memberships in %.3f s (%@)", rows, memberships, seconds, machine.description))
        }
        try options.report(try await scenario.run(options.launcher), machine: machine)
    }
}

struct AllBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "all", abstract: "Every scenario with its default sizes, one after another.")
    @OptionGroup var options: BenchOptions

    func run() async throws {
        let machine = Machine.current
        let launcher = try options.launcher
        var lost = false
        func report<Result: ScenarioResult>(_ result: Result) throws {
            do { try options.report(result, machine: machine) } catch { lost = true }
        }
        try report(try await ConnectionsScenario(counts: [1_000, 10_000]).run(launcher))
        try report(try await FanoutScenario(memberCounts: [1_000, 10_000]).run(launcher))
        try report(try await IngestScenario(senderCounts: [1, 10, 100]).run(launcher))
        try report(try await MixedScenario().run(launcher))
        try report(try await RosterScenario().run(launcher))
        if lost { throw ExitCode(1) }
    }
}
