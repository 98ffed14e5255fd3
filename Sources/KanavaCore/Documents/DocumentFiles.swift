import Crypto
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Uploaded files, stored once per content under `<data_dir>/files/ab/cd/abcd…` (the SHA-256 of the bytes).
///
/// An upload is streamed into `files/tmp/` (the hash is only known at the end) while it is hashed and
/// counted; once checked it is fsynced and renamed into place, and the directory is fsynced, so a crash
/// leaves either no file or the whole file, never half of one. `files/tmp/` is inside `files/`, on the same
/// file system, so the rename is atomic. The database refers to a file only after it is in place; a file
/// whose database write then fails is an unreferenced leftover, never a broken reference.
///
/// Every read checks the bytes against the hash: a damaged or missing file is logged as an error and
/// reported as `internal`; damaged bytes are never served.
public struct DocumentFiles: Sendable {
    public let root: URL
    let logger: Logger

    public init(root: URL, logger: Logger) throws {
        self.root = root
        self.logger = logger
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        removeStaleUploads(olderThan: 24 * 3600)
    }

    var tmp: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    /// A received upload waiting in `files/tmp/` to be checked and kept (or discarded).
    public struct Staged: Sendable {
        public var url: URL
        public var sha256: String
        public var size: Int64
    }

    /// Streams `bytes` into a temporary file, refusing (and deleting) it as soon as it passes `limit` bytes.
    func receive<Bytes: AsyncSequence>(_ bytes: Bytes, limit: Int) async throws -> Staged where Bytes.Element == Data {
        let url = tmp.appendingPathComponent("upload-\(UUID().uuidString)")
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o640)
        guard descriptor >= 0 else {
            throw KanavaError(.unavailable, "the upload cannot be stored right now (\(String(cString: strerror(errno))))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var hasher = SHA256()
        var size = 0
        do {
            for try await chunk in bytes {
                size += chunk.count
                if size > limit {
                    throw KanavaError(.payloadTooLarge, "the file is larger than \(limit) bytes (limits.max_upload_bytes)")
                }
                hasher.update(data: chunk)
                try handle.write(contentsOf: chunk)
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        return Staged(url: url, sha256: hasher.finalize().hex, size: Int64(size))
    }

    /// Checks the staged bytes against the type the name promised (see ``FileType``).
    func verify(_ staged: Staged, as type: FileType) throws {
        let handle = try FileHandle(forReadingFrom: staged.url)
        defer { try? handle.close() }
        try FileType.verify(handle, size: staged.size, as: type)
    }

    func discard(_ staged: Staged) {
        try? FileManager.default.removeItem(at: staged.url)
    }

    /// Moves a checked upload into place; identical content already stored is kept as it is (and the
    /// upload dropped), unless the stored copy is damaged, which the new one then replaces.
    func keep(_ staged: Staged) throws {
        let destination = path(staged.sha256)
        let directory = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: destination.path) {
                if (try? readVerified(staged.sha256, size: staged.size)) != nil {
                    discard(staged)
                    return
                }
                logger.warning("replacing a damaged stored file with an identical upload", metadata: ["sha256": "\(staged.sha256)"])
            }
            guard rename(staged.url.path, destination.path) == 0 else {
                throw KanavaError(.unavailable, "the upload cannot be stored right now (\(String(cString: strerror(errno))))")
            }
            // The rename and any new directories are durable before the database refers to the file.
            Self.fsyncDirectory(directory)
            Self.fsyncDirectory(directory.deletingLastPathComponent())
            Self.fsyncDirectory(root)
        } catch {
            discard(staged)
            throw error
        }
    }

    /// The bytes of a stored file, checked against their hash.
    func read(_ sha256: String, size: Int64, context: String) throws -> Data {
        do {
            return try readVerified(sha256, size: size)
        } catch let problem as Problem {
            logger.error("a stored file failed its check and was not served", metadata: [
                "sha256": "\(sha256)", "problem": "\(problem.description)", "document": "\(context)",
            ])
            throw KanavaError(.internal, "the stored file is damaged or missing, so it was not sent; an administrator must restore it from a backup")
        }
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    private func readVerified(_ sha256: String, size: Int64) throws -> Data {
        guard Self.isHash(sha256) else { throw Problem(description: "not a SHA-256 name") }
        guard let data = FileManager.default.contents(atPath: path(sha256).path) else { throw Problem(description: "the file is missing") }
        guard Int64(data.count) == size else { throw Problem(description: "the file has \(data.count) bytes, not \(size)") }
        guard SHA256.hash(data: data).hex == sha256 else { throw Problem(description: "the content does not match its hash") }
        return data
    }

    /// `files/ab/cd/abcd…`
    func path(_ sha256: String) -> URL {
        root.appendingPathComponent(Self.relativePath(sha256))
    }

    /// `ab/cd/abcd…`: where a file with this hash lives under the files directory (also in backups).
    static func relativePath(_ sha256: String) -> String {
        let chars = Array(sha256)
        return "\(String(chars[0..<2]))/\(String(chars[2..<4]))/\(sha256)"
    }

    static func isHash(_ value: String) -> Bool {
        value.utf8.count == 64 && value.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func fsyncDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    /// Uploads interrupted by a crash leave files in `tmp/`; nothing refers to them.
    private func removeStaleUploads(olderThan seconds: TimeInterval) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: tmp.path) else { return }
        for name in names where name.hasPrefix("upload-") {
            let url = tmp.appendingPathComponent(name)
            if let modified = try? manager.attributesOfItem(atPath: url.path)[.modificationDate] as? Date,
               modified.timeIntervalSinceNow < -seconds {
                try? manager.removeItem(at: url)
            }
        }
    }
}
