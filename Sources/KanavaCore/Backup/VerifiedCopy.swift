import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies files in chunks while hashing them, and makes the copies durable: what backup and restore are made of.
enum VerifiedCopy {
    private static let chunk = 1 << 20

    /// Copies `source` to `destination` (which must not exist), fsyncs it, and returns its size and SHA-256.
    static func copy(_ source: URL, to destination: URL) throws -> (size: Int64, sha256: String) {
        guard let input = FileHandle(forReadingAtPath: source.path) else {
            throw BackupError("\(source.path) cannot be read")
        }
        defer { try? input.close() }
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(destination.path, O_WRONLY | O_CREAT | O_EXCL, 0o640)
        guard descriptor >= 0 else {
            throw BackupError("\(destination.path) cannot be created: \(String(cString: strerror(errno)))")
        }
        let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        defer { try? output.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let data = try input.read(upToCount: chunk), !data.isEmpty {
            hasher.update(data: data)
            try output.write(contentsOf: data)
            size += Int64(data.count)
        }
        try output.synchronize()
        return (size, hasher.finalize().hex)
    }

    /// The size and SHA-256 of a file, read in chunks.
    static func hash(_ url: URL) throws -> (size: Int64, sha256: String) {
        guard let input = FileHandle(forReadingAtPath: url.path) else { throw BackupError("\(url.path) cannot be read") }
        defer { try? input.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let data = try input.read(upToCount: chunk), !data.isEmpty {
            hasher.update(data: data)
            size += Int64(data.count)
        }
        return (size, hasher.finalize().hex)
    }

    /// Makes the entries of `directory` (and of every directory below it) durable.
    static func syncTree(_ directory: URL) {
        let manager = FileManager.default
        if let enumerator = manager.enumerator(at: directory, includingPropertiesForKeys: [.isDirectoryKey]) {
            for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
                DocumentFiles.fsyncDirectory(url)
            }
        }
        DocumentFiles.fsyncDirectory(directory)
    }

    /// Renames `from` to `to` (same file system) and makes the rename durable.
    static func move(_ from: URL, to: URL) throws {
        guard rename(from.path, to.path) == 0 else {
            throw BackupError("\(from.path) cannot be renamed to \(to.path): \(String(cString: strerror(errno)))")
        }
        DocumentFiles.fsyncDirectory(to.deletingLastPathComponent())
    }

    /// A hidden working directory beside `target`, on the same file system so that it can be renamed into place.
    static func stagingDirectory(beside target: URL, purpose: String) -> URL {
        target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(purpose)-\(UUID().uuidString)")
    }
}
