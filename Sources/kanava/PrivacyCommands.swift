import ArgumentParser
import Foundation
import KanavaCore

/// `kanava export ACCOUNT DEST`: one account's channel as a self-describing archive (also while the server runs).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export one account's channel (sections, documents, messages, clock, cards, …) as JSON and files into a new directory.",
        discussion: """
            For a customer who leaves or a legal request. The archive includes private conversations, deleted messages \
            and the authors of anonymous feedback: the account director decides what to hand over. Exit codes: 0 done; \
            1 no export was made (the reason is printed; nothing is left behind).
            """
    )

    @OptionGroup var installation: InstallationOptions
    @Argument(help: "The account's id.") var account: String
    @Argument(help: "The directory to create for the archive; it must not exist yet.") var destination: String

    func run() async throws {
        let kanava = try await installation.open()
        do {
            let manifest = try await kanava.exports.export(try AccountID.parse(account), to: URL(fileURLWithPath: destination), by: .system("cli"))
            let counts = manifest.contents.map { entry in
                "\(entry.path): " + entry.counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            }
            say("Exported \(manifest.account.id) (\(manifest.account.name)) into \(destination):")
            for line in counts { say("  \(line)") }
        } catch let error as ExportError {
            throw failure("export failed: \(error)")
        } catch let error as KanavaError {
            throw failure("export failed: \(error.message)")
        }
    }
}

/// `kanava erase-person EMAIL`: a GDPR erasure request.
struct ErasePersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase-person",
        abstract: "Erase a person (GDPR): remove their personal data and attribute what they wrote to \"Poistettu henkilö\".",
        discussion: """
            Their sessions end, their memberships are removed (open sockets are cut), calendar feed, read markers and \
            mails to them are deleted, and their e-mail leaves the roster history. Messages, section revisions, \
            documents, acknowledgements and feedback are kept as the company's records. Recorded in the audit log. \
            Exit codes: 0 erased (or already erased, or a dry run); 1 nothing was changed (the reason is printed).
            """
    )

    @OptionGroup var installation: InstallationOptions
    @Argument(help: "The person's e-mail address.") var email: String
    @Flag(help: "Show what would be changed, and change nothing.") var dryRun = false

    func run() async throws {
        let kanava = try await installation.open()
        do {
            switch try await kanava.erasure.erase(email: email, dryRun: dryRun, by: .system("cli")) {
            case .alreadyErased(let id):
                say("Person \(id) is already erased; nothing to do.")
            case .erased(let id, let counts):
                say("\(dryRun ? "Dry run: would erase" : "Erased") person \(id) (now \(PersonErasure.erasedEmail(id))): "
                    + "\(counts.memberships) memberships, \(counts.sessions) sessions, \(counts.calendarFeeds) calendar feeds, "
                    + "\(counts.mails) mails, \(counts.rosterEntries) roster history lines, \(counts.readMarkers) read markers, "
                    + "\(counts.events) stored events, \(counts.mentions) mentions.")
            }
        } catch let error as KanavaError {
            throw failure("erase-person failed: \(error.message)")
        }
    }
}

/// Prints `message` on standard error; the exit code 1 to throw.
private func failure(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("kanava: \(message)\n".utf8))
    return ExitCode(1)
}
