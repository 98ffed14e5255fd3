import Foundation

/// `kanava export ACCOUNT DEST`: one account's channel as a self-describing archive (JSON files and the document
/// files), for a customer who leaves or for a legal request.
///
/// The data is read in one read transaction (``ExportStore/accountArchive(_:)``), so the archive is one consistent
/// moment also while the server runs. Document files are copied after the snapshot (they are immutable and in place
/// before any row refers to them) and checked against their hash while copied. The archive is assembled in a hidden
/// directory beside the destination and renamed into place only when complete: a failed export leaves nothing behind.
public struct AccountExport: Sendable {
    let store: any ExportStore
    /// The installation's document files (`<dataDir>/files`).
    let filesRoot: URL
    let clock: any WallClock
    let audit: AuditLog

    public init(store: any ExportStore, filesRoot: URL, clock: any WallClock, audit: AuditLog) {
        self.store = store
        self.filesRoot = filesRoot
        self.clock = clock
        self.audit = audit
    }

    /// Writes `account`'s archive into `destination`, which must not exist yet. Only the system (the command line)
    /// and admins may export.
    @discardableResult
    public func export(_ account: AccountID, to destination: URL, by principal: Principal) async throws -> ExportManifest {
        guard principal.isAdmin else { throw KanavaError.forbidden }
        let manager = FileManager.default
        guard !manager.fileExists(atPath: destination.path) else {
            throw ExportError("\(destination.path) already exists; export into a new directory")
        }
        guard let archive = try await store.accountArchive(account) else {
            throw ExportError("there is no account \(account)")
        }
        let now = clock.now()
        let staging = VerifiedCopy.stagingDirectory(beside: destination, purpose: "exporting")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            let files = try copyFiles(archive, into: staging)
            let manifest = ExportManifest(archive, exportedAt: now, files: files)
            try Self.write(archive.account, "account.json", in: staging)
            try Self.write(archive.sections, "sections.json", in: staging)
            try Self.write(archive.documents, "documents.json", in: staging)
            try Self.write(archive.messages, "messages.json", in: staging)
            try Self.write(archive.notices, "notices.json", in: staging)
            try Self.write(archive.clock, "clock.json", in: staging)
            try Self.write(archive.cards, "cards.json", in: staging)
            try Self.write(archive.planner, "planner.json", in: staging)
            try Self.write(archive.feedback, "feedback.json", in: staging)
            try Self.write(archive.memos, "memos.json", in: staging)
            try Self.write(manifest, ExportManifest.fileName, in: staging)
            VerifiedCopy.syncTree(staging)
            try VerifiedCopy.move(staging, to: destination)
            await audit.record(.export, by: principal, account: account, target: "account:\(account)", detail: [
                "messages": String(archive.messages.count), "files": String(files.count),
            ])
            return manifest
        } catch let error as BackupError {
            try? manager.removeItem(at: staging)
            throw ExportError(error.description)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    /// Copies every file version's bytes once per archive path, checking each against its hash.
    private func copyFiles(_ archive: AccountArchive, into staging: URL) throws -> [ArchivedFile] {
        var copied: [String: ArchivedFile] = [:]
        for file in archive.documents.flatMap({ $0.versions.compactMap(\.file) }) where copied[file.path] == nil {
            guard DocumentFiles.isHash(file.sha256) else {
                throw ExportError("the database refers to a document file named '\(file.sha256.prefix(80))', which is not a SHA-256")
            }
            let source = filesRoot.appendingPathComponent(DocumentFiles.relativePath(file.sha256))
            let copy = try VerifiedCopy.copy(source, to: staging.appendingPathComponent(file.path))
            guard copy.sha256 == file.sha256 else {
                throw ExportError("the document file \(source.path) is damaged (its content does not match its name)")
            }
            copied[file.path] = file
        }
        return copied.values.sorted { $0.path < $1.path }
    }

    /// `files/<sha256>-<name>`: the original name with anything that could leave the directory or trouble a file
    /// system (separators, control characters, leading dots) replaced by `_`, at most 100 characters.
    static func filePath(sha256: String, name: String) -> String {
        var safe = String(name.unicodeScalars.map { scalar -> Character in
            let bad = scalar.properties.generalCategory == .control || "/\\:*?\"<>|".unicodeScalars.contains(scalar)
                || scalar.properties.isWhitespace
            return bad ? "_" : Character(scalar)
        }.prefix(100))
        while safe.hasPrefix(".") { safe.removeFirst() }
        return "files/\(sha256)-\(safe.isEmpty ? "file" : safe)"
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static func write(_ value: some Encodable, _ name: String, in directory: URL) throws {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: try encoder.encode(value)) else {
            throw ExportError("\(url.path) cannot be written")
        }
        let handle = try FileHandle(forUpdating: url)
        try handle.synchronize()
        try handle.close()
    }
}

/// Why no export was made. Nothing is left behind.
public struct ExportError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
