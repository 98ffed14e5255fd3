import Foundation

/// `manifest.json` of an account export: what the archive is, what each of its files means and how many records
/// each holds, so that the archive can be read without Kanava. Written last.
public struct ExportManifest: Codable, Sendable {
    public static let fileName = "manifest.json"
    /// The archive's layout; a reader can tell which version of this description applies.
    public static let currentFormat = 1

    public var format: Int
    public var kind = "kanava-account-export"
    public var account: Account
    public var exportedAt: Date
    /// The database migrations of the Kanava that wrote it (its schema version).
    public var kanavaMigrations: [String]
    /// How the data was read and how to read it.
    public var notes: [String]
    /// Every JSON file of the archive, with its meaning and counts.
    public var contents: [Entry]
    /// Every document file copied into `files/`, checked against its SHA-256 while copied.
    public var files: [ArchivedFile]

    public struct Account: Codable, Sendable {
        public var id: AccountID
        public var name: String
    }

    public struct Entry: Codable, Sendable {
        public var path: String
        public var description: String
        /// Records of each kind in the file.
        public var counts: [String: Int]
    }

    init(_ archive: AccountArchive, exportedAt: Date, files: [ArchivedFile]) {
        format = Self.currentFormat
        account = Account(id: archive.account.id, name: archive.account.name)
        self.exportedAt = exportedAt
        kanavaMigrations = archive.migrations
        self.files = files
        notes = [
            "Everything of one account's channel in Kanava at one moment: all files were read in one database transaction.",
            "Dates and times are ISO 8601 (UTC); calendar dates are YYYY-MM-DD. People appear as {id, name, email} as they were at the export; null where the person no longer exists or a bot wrote it.",
            "The archive is complete for a customer leaving or a legal request: it includes deleted messages (marked deleted), earlier texts of edited messages, private 'ask the director' conversations and the authors of anonymous feedback. The account director decides what of it to hand over.",
            "Document files are under files/ as <sha256>-<original name>; each file version in documents.json points to its path.",
        ]
        let versions = archive.documents.reduce(0) { $0 + $1.versions.count }
        let tasks = archive.planner.flatMap(\.tasks)
        contents = [
            Entry(path: "account.json", description: "The account (id, name, start date) and its members with their channel roles, sources (roster or manual), sites and cities.",
                  counts: ["members": archive.account.members.count]),
            Entry(path: "sections.json", description: "The channel's sections (template and custom) with every revision of their text (number, author, time, Markdown body), oldest first, and must-read confirmations.",
                  counts: ["sections": archive.sections.count, "revisions": archive.sections.reduce(0) { $0 + $1.revisions.count },
                           "confirmations": archive.sections.reduce(0) { $0 + $1.confirmations.count }]),
            Entry(path: "documents.json", description: "Documents pinned to sections, with every version (a file in files/ or a link), contract validity and status; removed documents included (removedAt).",
                  counts: ["documents": archive.documents.count, "versions": versions, "files": files.count]),
            Entry(path: "messages.json", description: "Chat messages, oldest first: the open chat, thread replies (threadRoot) and private 'ask the director' conversations (privateWith); edits hold the earlier texts; deleted messages are kept and marked.",
                  counts: ["messages": archive.messages.count, "deleted": archive.messages.filter(\.deleted).count,
                           "private": archive.messages.filter { $0.privateWith != nil }.count,
                           "edits": archive.messages.reduce(0) { $0 + $1.edits.count }]),
            Entry(path: "notices.json", description: "Important and urgent notices with who acknowledged them and when.",
                  counts: ["notices": archive.notices.count, "acknowledgements": archive.notices.reduce(0) { $0 + $1.acknowledgements.count }]),
            Entry(path: "clock.json", description: "The annual clock's events (recurrence as RFC 5545 RRULE) and the occurrences marked done or cancelled; unmarked occurrences were planned.",
                  counts: ["events": archive.clock.count, "marks": archive.clock.reduce(0) { $0 + $1.occurrences.count }]),
            Entry(path: "cards.json", description: "Every version of the monthly quality card; a submitted version holds the computed figures as they were submitted.",
                  counts: ["versions": archive.cards.count, "submitted": archive.cards.filter { $0.submittedAt != nil }.count]),
            Entry(path: "planner.json", description: "The planner's buckets and their tasks (deleted tasks kept with deletedAt), with checklists and comments.",
                  counts: ["buckets": archive.planner.count, "tasks": tasks.count, "comments": tasks.reduce(0) { $0 + $1.comments.count }]),
            Entry(path: "feedback.json", description: "Feedback and ideas with the answers given. The author is included also for anonymous feedback: anonymity hid the author from other members only.",
                  counts: ["feedback": archive.feedback.count, "anonymous": archive.feedback.filter(\.anonymous).count,
                           "replies": archive.feedback.reduce(0) { $0 + $1.replies.count }]),
            Entry(path: "memos.json", description: "Meeting memos (deleted ones kept with deletedAt).",
                  counts: ["memos": archive.memos.count]),
        ]
    }
}
