import Foundation
import GRDB

/// Before a new Kanava migrates an existing database, it backs the installation up, so an upgrade that goes wrong
/// can be undone with `kanava restore` and the previous binary.
public enum UpgradeBackup {
    /// Backs up the installation in `dataDir` into `dataDir/backups/before-<migration>-<time>` when its database
    /// exists and this Kanava has migrations it lacks; nil when there is nothing to migrate (or no database yet).
    public static func ifNeeded(dataDir: URL, now: Date = Date()) throws -> URL? {
        let database = dataDir.appendingPathComponent(Backup.databaseName)
        guard FileManager.default.fileExists(atPath: database.path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: database.path, configuration: configuration)
        let pending: String? = try queue.read { db in
            let applied = try Migrations.migrator.appliedIdentifiers(db)
            guard !applied.isEmpty else { return nil }
            return Migrations.migrator.migrations.first { !applied.contains($0) }
        }
        try queue.close()
        guard let pending else { return nil }
        let stamp = now.formatted(.iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false)
            .timeSeparator(.omitted))
        let destination = dataDir.appendingPathComponent("backups", isDirectory: true).appendingPathComponent("before-\(pending)-\(stamp)")
        try Backup.create(dataDir: dataDir, destination: destination, now: now)
        return destination
    }
}
