import ArgumentParser
import Foundation
import KanavaCore

/// `kanava roster sync|history|show`: the billing system's roster file.
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Sync memberships from the billing system's roster file.",
        discussion: """
            Exit codes of `roster sync`: 0 applied, nothing to change, or dry run; 1 the file has errors \
            (nothing applied); 2 refused by the mass-removal guard (nothing applied; --force overrides); \
            3 the file could not be read.
            """,
        subcommands: [Sync.self, History.self, Show.self]
    )

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a roster file and apply it in one transaction, or not at all.")
        @OptionGroup var installation: InstallationOptions
        @Argument(help: "The roster CSV file.") var file: String
        @Flag(help: "Validate and show what would change; write nothing.") var dryRun = false
        @Flag(help: "Apply even if it removes an unusually large share of members (or the file has no rows).") var force = false
        @Flag(help: "Print the outcome as JSON.") var json = false
        @Flag(help: "List every change, not only the counts.") var verbose = false

        func run() async throws {
            let kanava = try await installation.open()
            let outcome: RosterService.Outcome
            do {
                outcome = try await kanava.roster.sync(file: file, by: .system("cli"), dryRun: dryRun, force: force)
            } catch let error as KanavaError where error.code == .notFound {
                FileHandle.standardError.write(Data("kanava: \(error.message)\n".utf8))
                throw ExitCode(3)
            }
            if json {
                var report = outcome
                if !verbose { report.changes = [] }
                say(String(decoding: try EventCoding.encoder.encode(report), as: UTF8.self))
            } else {
                printSummary(outcome)
            }
            switch outcome.status {
            case .applied, .unchanged, .dryRun: return
            case .rejected: throw ExitCode(1)
            case .refused: throw ExitCode(2)
            }
        }

        private func printSummary(_ outcome: RosterService.Outcome) {
            let c = outcome.counts
            switch outcome.status {
            case .applied: say("Applied \(file) (\(outcome.format ?? ""), \(outcome.dataRows) rows); sync #\(outcome.record?.id ?? 0).")
            case .unchanged: say("No changes: memberships already match \(file) (\(outcome.dataRows) rows).")
            case .dryRun: say("Dry run of \(file) (\(outcome.format ?? ""), \(outcome.dataRows) rows): nothing was written.")
            case .rejected: say("Refused: \(file) has \(outcome.errors.count) error(s); nothing was applied.")
            case .refused: say("Refused: \(outcome.refusal ?? ""). Nothing was applied.")
            }
            if outcome.status != .rejected {
                say("  people created \(c.peopleCreated), accounts created \(c.accountsCreated), renamed \(c.accountsRenamed)")
                say("  memberships added \(c.membershipsAdded), removed \(c.membershipsRemoved), roles changed \(c.rolesChanged), sites changed \(c.placesChanged)")
                if c.manualKept > 0 { say("  \(c.manualKept) listed people were added by hand and were left as they are") }
            }
            for error in outcome.errors { say("  error: \(error)") }
            for warning in outcome.warnings { say("  warning: \(warning)") }
            if verbose { for change in outcome.changes { say("  " + describe(change)) } }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recorded syncs, newest first.")
        @OptionGroup var installation: InstallationOptions
        @Option(help: "How many.") var limit = 20

        func run() async throws {
            let kanava = try await installation.open()
            for record in try await kanava.roster.history(limit: limit, by: .system("cli")) {
                let c = record.summary.counts
                let what = record.outcome == .applied
                    ? "+\(c.membershipsAdded) -\(c.membershipsRemoved) ~\(c.rolesChanged) accounts +\(c.accountsCreated)"
                    : (record.summary.refusal ?? "\(record.summary.errors.count) error(s)")
                say("#\(record.id)\t\(record.at.formatted(.iso8601))\t\(record.outcome.rawValue)\(record.forced ? " (forced)" : "")\t\(record.actor)\t\(record.source)\t\(what)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one sync with every change it made.")
        @OptionGroup var installation: InstallationOptions
        @Argument(help: "The sync's number.") var id: Int64

        func run() async throws {
            let kanava = try await installation.open()
            let (record, changes) = try await kanava.roster.detail(id, by: .system("cli"))
            say("#\(record.id) \(record.outcome.rawValue) at \(record.at.formatted(.iso8601)) by \(record.actor) from \(record.source) (sha256 \(record.fileHash.prefix(16))…)")
            if let refusal = record.summary.refusal { say("  refused: \(refusal)") }
            for error in record.summary.errors { say("  error: \(error)") }
            for warning in record.summary.warnings { say("  warning: \(warning)") }
            for change in changes { say("  " + describe(change)) }
        }
    }
}

/// One change as a line of text.
private func describe(_ change: RosterChange) -> String {
    let who = change.email.map { " \($0)" } ?? ""
    let role = change.role.map { " as \($0.rawValue)" } ?? ""
    let previous = change.previousRole.map { " (was \($0.rawValue))" } ?? ""
    let detail = change.detail.flatMap { $0.isEmpty ? nil : " — \($0)" } ?? ""
    return "\(change.kind.rawValue) \(change.account)\(who)\(role)\(previous)\(detail)"
}
