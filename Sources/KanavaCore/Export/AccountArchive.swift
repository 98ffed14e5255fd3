import Foundation

/// Everything of one account's channel, read in one consistent snapshot (see ``ExportStore``) and written by
/// ``AccountExport`` as the archive's JSON files. The types mirror the archive: each top-level property is one file.
///
/// People are named as ``PersonRef`` (id, name, e-mail) as they are at the time of the export; nil where the person
/// no longer exists (or, for a bot's message, never was one).
public struct AccountArchive: Sendable {
    /// The migrations the database had: which Kanava schema the snapshot was read from.
    public var migrations: [String]
    public var account: AccountFile
    public var sections: [ArchivedSection]
    public var documents: [ArchivedDocument]
    public var messages: [ArchivedMessage]
    public var notices: [ArchivedNotice]
    public var clock: [ArchivedClockEvent]
    public var cards: [ArchivedCard]
    public var planner: [ArchivedBucket]
    public var feedback: [ArchivedFeedback]
    public var memos: [ArchivedMemo]
}

/// `account.json`.
public struct AccountFile: Codable, Sendable {
    public var id: AccountID
    public var name: String
    public var startDate: String?
    public var createdAt: Date
    public var members: [ArchivedMember]
}

public struct ArchivedMember: Codable, Sendable {
    public var person: PersonRef
    public var role: String
    /// `roster` or `manual`.
    public var source: String
    public var sites: [String]
    public var cities: [String]
    public var joinedAt: Date
}

/// A section with its whole history, oldest revision first.
public struct ArchivedSection: Codable, Sendable {
    public var key: String
    public var number: Int
    public var title: String
    public var titleEn: String?
    /// `template` or `custom`.
    public var origin: String
    public var required: Bool
    public var mustRead: Bool
    /// Comma-separated channel roles that may read it; nil: every member.
    public var restrictedTo: String?
    /// Comma-separated channel roles that may edit it.
    public var editableBy: String
    public var inUse: Bool
    public var inTemplate: Bool
    /// The number of the current revision (0: never written).
    public var currentRevision: Int
    public var revisions: [Revision]
    /// Who confirmed having read a must-read section, and which revision.
    public var confirmations: [Confirmation]

    public struct Revision: Codable, Sendable {
        public var number: Int
        public var author: PersonRef?
        public var at: Date
        public var body: String
    }

    public struct Confirmation: Codable, Sendable {
        public var person: PersonRef?
        public var revision: Int
        public var at: Date
    }
}

public struct ArchivedDocument: Codable, Sendable {
    public var id: Int64
    public var section: String
    public var title: String
    /// `general` or `contract`.
    public var kind: String
    /// `file` or `link`.
    public var source: String
    /// A contract's stored status (`draft`, `in_force`, `superseded`); "expired" follows from `validUntil`.
    public var contractStatus: String?
    public var validFrom: String?
    public var validUntil: String?
    public var createdBy: PersonRef?
    public var createdAt: Date
    public var updatedAt: Date
    /// Set when the document was unpinned (it is kept).
    public var removedAt: Date?
    public var removedBy: PersonRef?
    /// Oldest first.
    public var versions: [Version]

    public struct Version: Codable, Sendable {
        public var number: Int
        /// A stored file's bytes in the archive; nil for a link.
        public var file: ArchivedFile?
        public var url: String?
        public var addedBy: PersonRef?
        public var addedAt: Date
    }
}

public struct ArchivedFile: Codable, Sendable {
    /// `files/<sha256>-<safe original name>`, relative to the archive.
    public var path: String
    public var name: String
    public var contentType: String?
    public var size: Int64
    public var sha256: String
}

public struct ArchivedMessage: Codable, Sendable {
    public var id: Int64
    public var author: PersonRef?
    /// A bot's or the reminder bot's name, when no person posted it.
    public var authorName: String?
    /// The thread's first message, for a reply.
    public var threadRoot: Int64?
    /// The member of a private "ask the director" conversation; nil for the channel's open chat.
    public var privateWith: PersonRef?
    public var body: String
    public var mentions: [PersonRef]
    public var createdAt: Date
    public var editedAt: Date?
    public var deleted: Bool
    public var deletedAt: Date?
    public var deletedBy: PersonRef?
    /// Earlier texts, oldest first: the body before each edit.
    public var edits: [Edit]

    public struct Edit: Codable, Sendable {
        public var body: String
        public var replacedAt: Date
        public var replacedBy: PersonRef?
    }
}

public struct ArchivedNotice: Codable, Sendable {
    public var id: Int64
    public var author: PersonRef?
    /// `important` or `urgent`.
    public var priority: String
    public var title: String
    public var body: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var withdrawnAt: Date?
    public var withdrawnBy: PersonRef?
    public var acknowledgements: [Acknowledgement]

    public struct Acknowledgement: Codable, Sendable {
        public var person: PersonRef?
        public var at: Date
    }
}

public struct ArchivedClockEvent: Codable, Sendable {
    public var id: Int64
    /// The annual clock template's key, for an event the template made.
    public var templateKey: String?
    public var title: String
    public var description: String
    public var kind: String
    /// The channel role (or `board`) responsible for it.
    public var owner: String
    public var startDate: String
    /// RFC 5545 RRULE text; nil for a single date.
    public var recurrence: String?
    public var leadDays: Int
    public var createdAt: Date
    public var updatedAt: Date?
    public var deletedAt: Date?
    /// Occurrences marked done or cancelled; an occurrence without a mark was (or is) planned.
    public var occurrences: [Mark]

    public struct Mark: Codable, Sendable {
        public var date: String
        public var status: String
        public var note: String?
        public var markedBy: PersonRef?
        public var markedAt: Date
    }
}

public struct ArchivedCard: Codable, Sendable {
    public var month: String
    public var version: Int
    public var status: String?
    public var summary: String
    public var asks: String
    public var customerSatisfaction: Double?
    public var auditScore: Double?
    public var openComplaints: Int?
    public var monthlyBillingCents: Int?
    /// The computed figures as they stood when the version was submitted; nil for a draft.
    public var figures: QualityFigures?
    public var createdBy: PersonRef?
    public var createdAt: Date
    public var updatedBy: PersonRef?
    public var updatedAt: Date
    public var submittedBy: PersonRef?
    public var submittedAt: Date?
}

public struct ArchivedBucket: Codable, Sendable {
    public var id: Int64
    public var name: String
    public var position: Int
    public var templateKey: String?
    public var createdAt: Date
    public var updatedAt: Date?
    public var tasks: [PlannerTaskEntry]

    public struct PlannerTaskEntry: Codable, Sendable {
        public var id: Int64
        public var position: Int
        public var title: String
        public var description: String
        public var assignee: PersonRef?
        public var startDate: String?
        public var dueDate: String?
        public var status: String
        public var labels: [String]
        public var templateKey: String?
        public var createdBy: PersonRef?
        public var createdAt: Date
        public var updatedAt: Date?
        public var completedAt: Date?
        /// Deleted tasks are kept (past months' figures count them).
        public var deletedAt: Date?
        public var checklist: [ChecklistItem]
        public var comments: [Comment]
    }

    public struct ChecklistItem: Codable, Sendable {
        public var position: Int
        public var text: String
        public var done: Bool
    }

    public struct Comment: Codable, Sendable {
        public var author: PersonRef?
        public var body: String
        public var createdAt: Date
    }
}

public struct ArchivedFeedback: Codable, Sendable {
    public var id: Int64
    /// Present also when `anonymous`: anonymity hid the author from other members only.
    public var author: PersonRef?
    public var anonymous: Bool
    /// `feedback` or `idea`.
    public var kind: String
    public var body: String
    public var status: String
    public var createdAt: Date
    public var updatedAt: Date?
    public var replies: [Reply]

    public struct Reply: Codable, Sendable {
        public var author: PersonRef?
        public var body: String
        /// The status the reply set; nil when it left the status as it was.
        public var status: String?
        public var createdAt: Date
    }
}

public struct ArchivedMemo: Codable, Sendable {
    public var id: Int64
    public var title: String
    public var meetingDate: String
    public var participants: [String]
    public var body: String
    public var author: PersonRef?
    public var createdAt: Date
    public var editedAt: Date?
    public var editedBy: PersonRef?
    public var deletedAt: Date?
    public var deletedBy: PersonRef?
}
