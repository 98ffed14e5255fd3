import ArgumentParser
import Foundation
import KanavaCore

/// `kanava backup DEST`: a consistent copy of the installation, also while the server runs and takes writes.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the database and document files into a new directory (safe while the server runs).",
        discussion: "Exit codes: 0 done; 1 no backup was made (the reason is printed; nothing is left behind)."
    )

    @OptionGroup var installation: InstallationOptions
    @Argument(help: "The directory to create for the backup; it must not exist yet.") var destination: String

    func run() throws {
        let config = try installation.loadConfig()
        try refusePostgres(config, "back up a PostgreSQL installation with pg_dump or pg_basebackup, and data_dir's files/ beside it")
        let started = ContinuousClock.now
        do {
            let manifest = try Backup.create(dataDir: URL(fileURLWithPath: config.dataDir), destination: URL(fileURLWithPath: destination))
            let elapsed = started.duration(to: .now)
            say("Backed up into \(destination) in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow))): "
                + "database \(manifest.database.size) bytes, \(manifest.files.count) document files (\(manifest.fileBytes) bytes), "
                + "\(manifest.migrations.count) migrations.")
        } catch let error as BackupError {
            FileHandle.standardError.write(Data("kanava: backup failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `kanava restore SRC`: a backup into an empty data directory (the server must not be running on it).
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into the configured data directory, which must be empty or missing.",
        discussion: """
            Every file is checked against the backup's manifest before anything is put in place. Migrations newer \
            than the backup run when the server next starts. Exit codes: 0 restored; 1 nothing restored (the reason \
            is printed; the data directory is as it was).
            """
    )

    @OptionGroup var installation: InstallationOptions
    @Argument(help: "A directory made by `kanava backup`.") var source: String

    func run() throws {
        let config = try installation.loadConfig()
        try refusePostgres(config, "restore a PostgreSQL installation with pg_restore (or from its base backup), and data_dir's files/ beside it")
        do {
            let manifest = try Restore.run(from: URL(fileURLWithPath: source), into: URL(fileURLWithPath: config.dataDir))
            say("Restored the backup of \(manifest.createdAt.formatted(.iso8601)) into \(config.dataDir): "
                + "\(manifest.rows.values.reduce(0, +)) rows, \(manifest.files.count) document files.")
        } catch let error as BackupError {
            FileHandle.standardError.write(Data("kanava: restore failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `backup` and `restore` work on the SQLite file; a PostgreSQL installation has PostgreSQL's own tools.
private func refusePostgres(_ config: KanavaConfig, _ advice: String) throws {
    guard config.database.isPostgres else { return }
    FileHandle.standardError.write(Data("kanava: this installation is on PostgreSQL (database.url): \(advice); see docs/operations.md\n".utf8))
    throw ExitCode(1)
}
