import Crypto
import Foundation
import GRDB
@testable import KanavaCore
import KanavaTestSupport
import Logging
import Synchronization
import Testing

/// Every table's rows of a database file, hashed per table (row order does not matter).
func tableDigests(_ path: String) throws -> [String: String] {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    defer { try? queue.close() }
    return try queue.read { db in
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        var digests: [String: String] = [:]
        for table in tables {
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)").map(\.description).sorted()
            digests[table] = SHA256.hash(data: Data(rows.joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
        }
        return digests
    }
}

@Suite("Backup and restore")
struct BackupTests {
    /// A channel with chat, a section edit and two uploaded files.
    static func populate(_ t: TestInstallation) async throws -> DocumentWorld {
        let world = try await DocumentWorld.make(t)
        _ = try await world.upload("Palvelusopimus.pdf", DocumentFixture.pdf)
        _ = try await world.upload("Liite.png", DocumentFixture.png)
        for n in 1...20 {
            _ = try await t.kanava.chat.send(world.account, MessageDraft(clientId: "m\(n)", body: "Viesti \(n) ✓"), by: world.director)
        }
        return world
    }

    static func scratch(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("kanava-\(name)-\(UUID().uuidString)")
    }

    @Test func aRestoredInstallationHoldsTheSameRowsAndFilesAndOpens() async throws {
        let backup = Self.scratch("backup")
        let restored = Self.scratch("restored")
        defer {
            try? FileManager.default.removeItem(at: backup)
            try? FileManager.default.removeItem(at: restored)
        }
        try await withInstallation { t in
            let world = try await Self.populate(t)
            let manifest = try Backup.create(dataDir: t.directory, destination: backup)
            #expect(manifest.files.count == 2)
            #expect(manifest.rows["message"] == 20)
            #expect(manifest.migrations.count == Migrations.migrator.migrations.count)

            try Restore.run(from: backup, into: restored)
            #expect(try tableDigests(restored.appendingPathComponent(Backup.databaseName).path)
                == tableDigests(Kanava.databasePath(t.kanava.config)))
            #expect(world.blobs().sorted() == (FileManager.default.enumerator(atPath: restored.appendingPathComponent("files").path)?
                .allObjects as? [String] ?? []).filter { $0.split(separator: "/").count == 3 }.sorted())

            // The restored installation starts, and serves a restored file checked against its hash.
            var config = t.kanava.config
            config.dataDir = restored.path
            let reopened = try await Kanava.open(config: config, logger: Logger(label: "restored"))
            let documents = try await reopened.documents.list(world.account, section: "contracts", for: .system("test")).documents
            #expect(documents.count == 2)
            let file = try await reopened.documents.download(world.account, document: documents[0].id, version: 1, for: .system("test"))
            #expect(file.data == DocumentFixture.pdf || file.data == DocumentFixture.png)
        }
    }

    @Test func aBackupTakenWhileWritesGoOnIsOneConsistentMoment() async throws {
        let backup = Self.scratch("backup")
        defer { try? FileManager.default.removeItem(at: backup) }
        try await withInstallation { t in
            let world = try await Self.populate(t)
            final class Count: Sendable { let value = Atomic<Int>(0) }
            let written = Count()
            let writer = Task {
                var n = 0
                while !Task.isCancelled {
                    do {
                        _ = try await t.kanava.chat.send(world.account, MessageDraft(clientId: "w\(n + 1)", body: "Jatkuva kirjoitus \(n + 1)"),
                                                         by: world.supervisor)
                        n += 1
                        written.value.store(n, ordering: .relaxed)
                    } catch where Task.isCancelled {
                        break // a send interrupted by the cancellation may or may not have been stored
                    }
                }
                return n + 1
            }
            func waitUntilWritten(_ count: Int) async throws {
                for _ in 0..<1000 where written.value.load(ordering: .relaxed) < count { try await Task.sleep(for: .milliseconds(10)) }
                #expect(written.value.load(ordering: .relaxed) >= count, "the writer wrote \(count) messages within 10 s")
            }
            try await waitUntilWritten(5)
            let manifest = try Backup.create(dataDir: t.directory, destination: backup)
            let atBackup = written.value.load(ordering: .relaxed)
            try await waitUntilWritten(atBackup + 5)
            writer.cancel()
            let sent = try await writer.value
            #expect(manifest.rows["message"]! > 20, "the backup started after the writer had written")
            #expect(manifest.rows["message"]! < 20 + sent, "the writer went on after the backup")

            // Each message in the copy has its event and search row: one moment, not a mix of two.
            let copy = try DatabaseQueue(path: backup.appendingPathComponent(Backup.databaseName).path)
            try await copy.read { db in
                let messages = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message")!
                let events = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM channel_event WHERE kind = 'message.posted'")!
                let indexed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message_search")!
                #expect(messages == events)
                #expect(messages == indexed)
                let seqs = try Int64.fetchAll(db, sql: "SELECT seq FROM channel_event WHERE account_id = ? ORDER BY seq", arguments: [world.account.rawValue])
                #expect(seqs == Array(1...Int64(seqs.count)), "no gap in the channel's stream")
            }
            try copy.close()
        }
    }

    @Test func aBackupIntoAnExistingDirectoryOrFromNowhereIsRefusedAndLeavesNothing() async throws {
        try await withInstallation { t in
            let existing = Self.scratch("existing")
            try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: existing) }
            #expect(throws: BackupError.self) { try Backup.create(dataDir: t.directory, destination: existing) }
            let nowhere = Self.scratch("nowhere")
            #expect(throws: BackupError.self) { try Backup.create(dataDir: nowhere, destination: Self.scratch("backup")) }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
                .filter { $0.hasPrefix(".\(existing.lastPathComponent)") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test func aDamagedBackupOrANonEmptyTargetIsRefusedAndTheDataDirectoryStaysAsItWas() async throws {
        let backup = Self.scratch("backup")
        let target = Self.scratch("target")
        defer {
            try? FileManager.default.removeItem(at: backup)
            try? FileManager.default.removeItem(at: target)
        }
        try await withInstallation { t in
            _ = try await Self.populate(t)
            let manifest = try Backup.create(dataDir: t.directory, destination: backup)

            // A target that holds anything is not overwritten.
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try Data("keep me".utf8).write(to: target.appendingPathComponent("note.txt"))
            #expect(throws: BackupError.self) { try Restore.run(from: backup, into: target) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["note.txt"])
            try FileManager.default.removeItem(at: target)

            // One flipped byte in a document file: refused, and no data directory appears.
            let file = backup.appendingPathComponent(manifest.files[0].path)
            var bytes = try Data(contentsOf: file)
            bytes[bytes.count - 1] ^= 0x01
            try bytes.write(to: file)
            let error = #expect(throws: BackupError.self) { try Restore.run(from: backup, into: target) }
            #expect(error?.description.contains("damaged") == true)
            #expect(!FileManager.default.fileExists(atPath: target.path))

            // A backup from a newer Kanava (a migration this one does not know) is refused.
            var newer = manifest
            newer.migrations.append("v99-from-the-future")
            try FileManager.default.removeItem(at: backup.appendingPathComponent(Backup.manifestName))
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(newer).write(to: backup.appendingPathComponent(Backup.manifestName))
            let newerError = #expect(throws: BackupError.self) { try Restore.run(from: backup, into: target) }
            #expect(newerError?.description.contains("v99-from-the-future") == true)
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }
}

@Suite("Upgrade backup")
struct UpgradeBackupTests {
    @Test func aDatabaseWithMigrationsToRunIsBackedUpBeforeTheyRunAndAnUpToDateOneIsNot() async throws {
        let directory = BackupTests.scratch("upgrade")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // An installation of an older Kanava: everything up to the bots and webhooks, with one account.
        let old = try DatabasePool(path: directory.appendingPathComponent(Backup.databaseName).path)
        let olderMigrations = Array(Migrations.migrator.migrations.prefix(7))
        try Migrations.migrator.migrate(old, upTo: olderMigrations.last!)
        try await old.write { db in
            try db.execute(sql: "INSERT INTO account (id, name, created_at) VALUES ('A1', 'Vanha asiakas', ?)", arguments: [Date()])
        }
        try old.close()

        var config = TestInstallation.config(directory: directory)
        config.dataDir = directory.path
        _ = try await Kanava.open(config: config, logger: Logger(label: "upgrade"))
        let backups = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("backups").path)
        #expect(backups.count == 1)
        let backup = directory.appendingPathComponent("backups").appendingPathComponent(backups[0])
        #expect(backups[0].hasPrefix("before-\(Migrations.migrator.migrations[7])-"))
        let manifest = try Backup.readManifest(in: backup)
        #expect(manifest.migrations == olderMigrations)
        #expect(manifest.rows["account"] == 1)

        // Opened again, now up to date: no second backup.
        _ = try await Kanava.open(config: config, logger: Logger(label: "upgrade"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("backups").path).count == 1)
    }
}
