import ArgumentParser
import Foundation
import KanavaCore
import Logging

/// `kanava migrate --from sqlite:PATH --to postgres://…`: moves an installation from its SQLite file to PostgreSQL.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy an installation's SQLite database into an empty PostgreSQL database, and verify the copy.",
        discussion: """
            Stop the server first. The copy is one transaction: it lands whole or not at all. Afterwards every table's \
            row count and SHA-256 over its rows are read back from both databases and compared; they are printed. Then \
            set database.url to the PostgreSQL URL (uploaded files stay in data_dir). Exit codes: 0 copied and \
            verified; 1 nothing copied (the reason is printed).
            """
    )

    @Option(help: "The SQLite database: sqlite:PATH (e.g. sqlite:data/kanava.sqlite).") var from: String
    @Option(help: "The PostgreSQL database: postgres://user:password@host:5432/name (it must be empty).") var to: String

    func run() async throws {
        guard from.hasPrefix("sqlite:"), from.count > "sqlite:".count else {
            throw ValidationError("--from must be sqlite:PATH, e.g. sqlite:data/kanava.sqlite")
        }
        let target: PostgresURL
        do {
            target = try PostgresURL(to)
        } catch {
            throw ValidationError("--to: \(error.message)")
        }
        var logger = Logger(label: "kanava-migrate")
        logger.logLevel = .warning
        let started = ContinuousClock.now
        do {
            let reports = try await SQLiteToPostgres(source: String(from.dropFirst("sqlite:".count)), target: target, logger: logger).run()
            for report in reports {
                say("\(report.table.padding(toLength: 26, withPad: " ", startingAt: 0)) \(String(report.rows).leftPadded(9))  sha256 \(report.sha256.prefix(16))")
            }
            let rows = reports.map(\.rows).reduce(0, +)
            say("Copied and verified \(reports.count) tables, \(rows) rows, into \(target) in "
                + started.duration(to: .now).formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)) + ".")
        } catch {
            FileHandle.standardError.write(Data("kanava: migrate failed, nothing was copied: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
