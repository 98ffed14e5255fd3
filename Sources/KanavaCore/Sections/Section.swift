import Foundation

/// One section of a channel's table of contents.
public struct Section: Codable, Sendable, Hashable {
    public enum Origin: String, Codable, Sendable {
        /// From `config/toc.yaml`: numbered, titled and flagged by the template.
        case template
        /// Added by the director after the template's sections.
        case custom
    }

    public var key: String
    public var number: Int
    public var title: String
    public var titleEn: String?
    public var origin: Origin
    public var required: Bool
    public var mustRead: Bool
    public var restrictedTo: Set<ChannelRole>?
    public var editableBy: Set<ChannelRole>
    /// False when the director marked an optional section as not used.
    public var inUse: Bool
    /// False when the template no longer has the section (it is kept with everything written in it).
    public var inTemplate: Bool
    /// The current revision; 0 before the first save.
    public var revision: Int

    public var info: SectionInfo {
        SectionInfo(key: key, number: number, title: title, restrictedTo: restrictedTo, editableBy: editableBy)
    }
}

/// One saved text of a section.
public struct SectionRevision: Codable, Sendable, Hashable {
    public var revision: Int
    public var body: String
    public var author: PersonRef?
    public var at: Date
}

/// A section as its reader sees it: the text rendered to safe HTML, and what the reader may or must do.
public struct SectionPage: Codable, Sendable {
    public var section: Section
    public var current: SectionRevision?
    public var html: String
    public var canEdit: Bool
    /// For a must-read section: the revision the reader has confirmed (nil: none).
    public var confirmedRevision: Int?
    /// True when the reader still has to confirm the current revision.
    public var mustConfirm: Bool
}

/// Who has confirmed a must-read section's current revision, and who has not (the director's view).
public struct MustReadStatus: Codable, Sendable {
    public var revision: Int
    public var confirmed: [Confirmation]
    public var pending: [PersonRef]

    public struct Confirmation: Codable, Sendable, Hashable {
        public var person: PersonRef
        public var at: Date
    }
}

/// The diff between two revisions of a section.
public struct SectionDiff: Sendable, Hashable {
    public var from: Int
    public var to: Int
    public var lines: [DiffLine]
}

/// One line of a diff between two revisions.
public struct DiffLine: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable { case same, added, removed }
    public var kind: Kind
    public var text: String

    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }
}

/// The data of `section.*` events: which section changed. Restricted sections' events carry their roles.
public struct SectionEventData: Codable, Sendable {
    public var key: String
    public var number: Int
    public var title: String
    public var revision: Int
}

extension EventKind {
    /// The table of contents changed (template applied, section added or switched off): reload it.
    public static let sectionsChanged: EventKind = "sections.changed"
    public static let sectionUpdated: EventKind = "section.updated"
    public static let mustReadConfirmed: EventKind = "must_read.confirmed"
}
