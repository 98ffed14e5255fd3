import ArgumentParser
import Foundation
import KanavaCore
import KanavaServer
import Logging

@main
struct KanavaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kanava",
        abstract: "Kanava: the team messaging hub for national key accounts.",
        subcommands: [Serve.self, User.self, RosterCommand.self, TemplateCommand.self, BackupCommand.self, RestoreCommand.self, BenchCommand.self, ExportCommand.self, ErasePersonCommand.self, MigrateCommand.self]
    )
}

/// Options every command that opens the installation shares.
struct InstallationOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (KANAVA_… environment variables override it).")
    var config = "config/kanava.yaml"

    /// Loads configuration and opens the installation, with logs on standard error. A bad configuration or
    /// template file stops here with its file, line, key and problem, and exit code 78 (EX_CONFIG).
    func open(clock: any WallClock = SystemClock()) async throws -> Kanava {
        let config = try loadConfig()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
            return handler
        }
        do {
            return try await Kanava.open(config: config, clock: clock, logger: Logger(label: "kanava"))
        } catch let error as ConfigError {
            throw configurationFailure(error)
        }
    }

    /// The configuration alone, for commands that work on the data directory without opening the installation.
    func loadConfig() throws -> KanavaConfig {
        do {
            return try ConfigLoader().load(path: config, required: config != "config/kanava.yaml")
        } catch {
            throw configurationFailure(error)
        }
    }

    private func configurationFailure(_ error: ConfigError) -> ExitCode {
        FileHandle.standardError.write(Data("kanava: configuration error: \(error)\n".utf8))
        return ExitCode(78)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server.")

    @OptionGroup var installation: InstallationOptions

    @Flag(help: "Seed a demo installation on first start (accounts, people; passwords are printed once).")
    var demo = false

    func run() async throws {
        let kanava = try await installation.open()
        if demo {
            let credentials = try await DemoSeeder(kanava: kanava).seedIfEmpty()
            if !credentials.isEmpty {
                say("Demo installation created. Sign in with (printed only this once):")
                for credential in credentials {
                    say("  \(credential.email.padding(toLength: 30, withPad: " ", startingAt: 0)) \(credential.password)   \(credential.role), \(credential.name)")
                }
            }
        }
        // A template change reaches every existing channel when the server starts (the annual clock: what is missing).
        try await kanava.templates.apply()
        try await kanava.templates.applyAnnualClock()
        let scheme = kanava.config.server.tls.enabled ? "https" : "http"
        let app = try KanavaServer.buildApplication(kanava: kanava) { channel in
            let port = channel.localAddress?.port ?? kanava.config.server.port
            say("Kanava is listening on \(scheme)://\(kanava.config.server.host):\(port)")
        }
        try await app.runService()
    }
}

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage people who sign in with a password.",
        subcommands: [Add.self, SetPassword.self, SetRole.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a person; prints a generated password unless --password-stdin.")
        @OptionGroup var installation: InstallationOptions
        @Option(help: "E-mail address (the person's identity).") var email: String
        @Option(help: "Display name.") var name: String
        @Flag(help: "Make the person an admin (pääkäyttäjä).") var admin = false
        @Flag(help: "Make the person a board member (johtoryhmä).") var board = false
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func validate() throws {
            if admin && board { throw ValidationError("choose at most one of --admin and --board") }
        }

        func run() async throws {
            let kanava = try await installation.open()
            let password = try readPassword(fromStdin: passwordStdin)
            let person = try await kanava.people.add(
                email: email, name: name, globalRole: admin ? .admin : board ? .board : nil,
                password: password.value, by: .system("cli")
            )
            say("Added \(person.email) (id \(person.id))\(person.globalRole.map { " as \($0.rawValue)" } ?? "").")
            if password.generated { say("Password: \(password.value)") }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-password", abstract: "Set a new password and end the person's sessions.")
        @OptionGroup var installation: InstallationOptions
        @Option(help: "E-mail address.") var email: String
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            let kanava = try await installation.open()
            let password = try readPassword(fromStdin: passwordStdin)
            try await kanava.people.setPassword(email: email, password: password.value, by: .system("cli"))
            say("Password set for \(email); their sessions have ended.")
            if password.generated { say("Password: \(password.value)") }
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Set or clear a person's global role.")
        @OptionGroup var installation: InstallationOptions
        @Option(help: "E-mail address.") var email: String
        @Option(help: "admin, board or none.") var role: String

        func run() async throws {
            guard role == "none" || GlobalRole(rawValue: role) != nil else { throw ValidationError("--role must be admin, board or none") }
            let kanava = try await installation.open()
            let person = try await kanava.people.setGlobalRole(email: email, role: GlobalRole(rawValue: role), by: .system("cli"))
            say("\(person.email): \(person.globalRole?.rawValue ?? "no global role")")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List people.")
        @OptionGroup var installation: InstallationOptions

        func run() async throws {
            let kanava = try await installation.open()
            for person in try await kanava.people.list(by: .system("cli")) {
                say("\(person.id)\t\(person.email)\t\(person.name)\t\(person.globalRole?.rawValue ?? "-")")
            }
        }
    }
}

/// A password from standard input, or a generated one to print.
private func readPassword(fromStdin: Bool) throws -> (value: String, generated: Bool) {
    guard fromStdin else { return (DemoSeeder.password(), true) }
    guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("no password on standard input")
    }
    return (line, false)
}

/// Writes a line to standard output at once (unbuffered, so it reaches a log file before a crash or kill).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
