import ArgumentParser
import KanavaCore

/// `kanava template apply|drift`: the table of contents every channel is made from (`config/toc.yaml`).
struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Apply the table-of-contents template to every channel, or list the channels that deviate from it.",
        subcommands: [Apply.self, Drift.self]
    )

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring every channel in line with the template, and give it the annual-clock events it lacks (also done on every start)."
        )
        @OptionGroup var installation: InstallationOptions

        func run() async throws {
            let kanava = try await installation.open()
            let changes = try await kanava.templates.apply()
            if changes.isEmpty { say("Every channel already follows the template.") }
            for change in changes {
                say("\(change.account): added \(change.added.count), updated \(change.updated.count), no longer in the template \(change.retired.count)")
            }
            let clockEvents = try await kanava.templates.applyAnnualClock()
            for (account, events) in Dictionary(grouping: clockEvents, by: \.account).sorted(by: { $0.key < $1.key }) {
                say("\(account): annual clock: added \(events.map(\.title).joined(separator: ", "))")
            }
        }
    }

    struct Drift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List channels that deviate from the template, and how.")
        @OptionGroup var installation: InstallationOptions

        func run() async throws {
            let kanava = try await installation.open()
            let drift = try await kanava.templates.drift()
            if drift.isEmpty { say("No channel deviates from the template.") }
            for (account, notes) in drift {
                say(account.rawValue)
                for note in notes { say("  \(note)") }
            }
        }
    }
}
