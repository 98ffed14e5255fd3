import Foundation
import GRDB

/// `kanava backup`: a consistent copy of a running installation (the embedded SQLite store and its document files).
///
/// The database is copied with `VACUUM INTO`, which reads one snapshot in a single read transaction: the server
/// keeps taking writes meanwhile (WAL mode), and the copy holds exactly what was committed when it started.
/// Document files are immutable and named by their hash, and a file is in place before any row refers to it, so
/// copying the files the snapshot refers to (after the snapshot) finds every one of them. Each is checked against
/// its hash while it is copied. The backup is assembled in a hidden directory beside the destination and renamed
/// into place only when complete, with `manifest.json` written last.
public enum Backup {
    public static let databaseName = "kanava.sqlite"
    public static let manifestName = "manifest.json"

    /// Backs up the installation in `dataDir` into `destination`, which must not exist yet.
    @discardableResult
    public static func create(dataDir: URL, destination: URL, now: Date = Date()) throws -> BackupManifest {
        let manager = FileManager.default
        let source = dataDir.appendingPathComponent(databaseName)
        guard manager.fileExists(atPath: source.path) else {
            throw BackupError("there is no installation in \(dataDir.path) (\(databaseName) is missing)")
        }
        guard !manager.fileExists(atPath: destination.path) else {
            throw BackupError("\(destination.path) already exists; back up into a new directory")
        }
        let staging = VerifiedCopy.stagingDirectory(beside: destination, purpose: "partial")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            let copy = staging.appendingPathComponent(databaseName)
            try snapshot(source, into: copy)
            let contents = try DatabaseContents.read(copy)
            let files = try contents.fileHashes.map { sha256 in
                let path = "files/" + DocumentFiles.relativePath(sha256)
                let copied = try VerifiedCopy.copy(dataDir.appendingPathComponent(path), to: staging.appendingPathComponent(path))
                guard copied.sha256 == sha256 else {
                    throw BackupError("the document file \(path) in the data directory is damaged (its content does not match its name)")
                }
                return BackupManifest.Entry(path: path, size: copied.size, sha256: sha256)
            }
            let database = try VerifiedCopy.hash(copy)
            let manifest = BackupManifest(
                format: BackupManifest.currentFormat, createdAt: now, migrations: contents.migrations, rows: contents.rows,
                database: .init(path: databaseName, size: database.size, sha256: database.sha256), files: files
            )
            try write(manifest, to: staging.appendingPathComponent(manifestName))
            VerifiedCopy.syncTree(staging)
            try VerifiedCopy.move(staging, to: destination)
            return manifest
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    /// Copies the committed state of the database at `source` into a new file at `copy`.
    private static func snapshot(_ source: URL, into copy: URL) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        do {
            let queue = try DatabaseQueue(path: source.path, configuration: configuration)
            try queue.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copy.path]) }
            try queue.close()
        } catch let error as DatabaseError {
            throw BackupError("the database could not be copied: \(error.message ?? error.description)")
        }
    }

    static func write(_ manifest: BackupManifest, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(manifest)
        guard FileManager.default.createFile(atPath: url.path, contents: data) else { throw BackupError("\(url.path) cannot be written") }
        let handle = try FileHandle(forUpdating: url)
        try handle.synchronize()
        try handle.close()
    }

    static func readManifest(in directory: URL) throws -> BackupManifest {
        let url = directory.appendingPathComponent(manifestName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw BackupError("\(directory.path) is not a finished Kanava backup (\(manifestName) is missing)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(BackupManifest.self, from: data)
        } catch {
            throw BackupError("\(url.path) cannot be read: \(error)")
        }
    }
}

/// What a database copy holds, read from the copy itself (never from the live database).
struct DatabaseContents {
    var migrations: [String]
    var rows: [String: Int]
    var fileHashes: [String]

    /// Opens `url` read-only, checks its integrity and reads its migrations, row counts and referenced files.
    static func read(_ url: URL) throws -> DatabaseContents {
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: url.path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard integrity == ["ok"] else {
                    throw BackupError("the database copy fails its integrity check: \(integrity.prefix(3).joined(separator: "; "))")
                }
                let migrations = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
                    """)
                var rows: [String: Int] = [:]
                for table in tables {
                    rows[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
                }
                let hashes = try String.fetchAll(db, sql: """
                    SELECT DISTINCT file_sha256 FROM document_version WHERE file_sha256 IS NOT NULL ORDER BY file_sha256
                    """)
                guard let bad = hashes.first(where: { !DocumentFiles.isHash($0) }) else {
                    return DatabaseContents(migrations: migrations, rows: rows, fileHashes: hashes)
                }
                throw BackupError("the database refers to a document file named '\(bad.prefix(80))', which is not a SHA-256")
            }
        } catch let error as DatabaseError {
            throw BackupError("the database copy cannot be read: \(error.message ?? error.description)")
        }
    }
}
