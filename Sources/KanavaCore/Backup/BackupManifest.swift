import Foundation

/// `manifest.json` of a backup: what it holds and how to check it. Written last, so a directory with a manifest
/// is a finished backup.
public struct BackupManifest: Codable, Sendable, Equatable {
    /// The layout of the backup directory; a restore refuses formats it does not know.
    public static let currentFormat = 1

    public var format: Int
    public var createdAt: Date
    /// The migrations the database had when it was copied. A newer Kanava runs the rest when it opens a restored
    /// installation; an older one refuses a backup with migrations it does not know.
    public var migrations: [String]
    /// Rows per table at the moment of the copy (all tables, FTS shadow tables included).
    public var rows: [String: Int]
    /// `kanava.sqlite`.
    public var database: Entry
    /// Every document file the database refers to, as `files/ab/cd/<sha256>`.
    public var files: [Entry]

    /// One file of the backup.
    public struct Entry: Codable, Sendable, Equatable {
        /// Relative to the backup directory (and to the data directory it restores into).
        public var path: String
        public var size: Int64
        public var sha256: String
    }

    public var fileBytes: Int64 { files.reduce(0) { $0 + $1.size } }
}

/// Why a backup or restore did not happen. Nothing is left half-done: a failed backup leaves no directory behind,
/// a failed restore leaves the data directory as it was.
public struct BackupError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
