import Foundation

/// `kanava restore`: a backup made by ``Backup`` back into an empty data directory.
///
/// Everything is checked before the data directory is touched: the manifest's format and migrations (a backup
/// from a newer Kanava is refused), the database's hash, integrity and row counts, and every document file's
/// hash. The copy is assembled beside the data directory and renamed into place, so a failed restore leaves no
/// half installation. Migrations newer than the backup run when the installation is next opened.
public enum Restore {
    @discardableResult
    public static func run(from backup: URL, into dataDir: URL) throws -> BackupManifest {
        let manager = FileManager.default
        let manifest = try Backup.readManifest(in: backup)
        guard manifest.format <= BackupManifest.currentFormat else {
            throw BackupError("the backup has format \(manifest.format); this Kanava reads format \(BackupManifest.currentFormat) and older")
        }
        let known = Set(Migrations.migrator.migrations)
        if let unknown = manifest.migrations.first(where: { !known.contains($0) }) {
            throw BackupError("the backup comes from a newer Kanava (migration \(unknown)); restore it with that version or newer")
        }
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: dataDir.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, (try manager.contentsOfDirectory(atPath: dataDir.path)).isEmpty else {
                throw BackupError("\(dataDir.path) is not an empty directory; restore only into an empty data directory")
            }
        }
        let staging = VerifiedCopy.stagingDirectory(beside: dataDir, purpose: "restoring")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            for entry in [manifest.database] + manifest.files {
                guard isSafe(entry.path) else { throw BackupError("the manifest names a file outside the backup: \(entry.path)") }
                let copied = try VerifiedCopy.copy(backup.appendingPathComponent(entry.path), to: staging.appendingPathComponent(entry.path))
                guard copied.sha256 == entry.sha256, copied.size == entry.size else {
                    throw BackupError("\(entry.path) in the backup is damaged (its size or content does not match the manifest)")
                }
            }
            let contents = try DatabaseContents.read(staging.appendingPathComponent(Backup.databaseName))
            guard contents.rows == manifest.rows, contents.migrations == manifest.migrations else {
                throw BackupError("the database in the backup does not hold what its manifest says")
            }
            VerifiedCopy.syncTree(staging)
            if manager.fileExists(atPath: dataDir.path) { try manager.removeItem(at: dataDir) }
            try VerifiedCopy.move(staging, to: dataDir)
            return manifest
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    /// A relative path that stays inside the directory it is relative to.
    private static func isSafe(_ path: String) -> Bool {
        !path.hasPrefix("/") && !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." || $0.isEmpty })
    }
}
