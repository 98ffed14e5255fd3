import Foundation

/// A pinned document's database id.
public typealias DocumentID = RowID<Document>

public enum DocumentKind: String, Codable, Sendable, CaseIterable {
    case general
    /// Has a validity period and a status.
    case contract
}

/// Whether the document's versions are uploaded files or links (http/https URLs).
public enum DocumentSource: String, Codable, Sendable {
    case file
    case link
}

/// A contract's status as shown. `expired` is never stored: it is computed from `validUntil` and today's date.
public enum ContractStatus: String, Codable, Sendable, CaseIterable {
    case draft
    case inForce = "in_force"
    case superseded
    case expired
}

/// A contract's status as stored (what a person set; `expired` comes from the dates).
public enum RecordedContractStatus: String, Codable, Sendable, CaseIterable {
    case draft
    case inForce = "in_force"
    case superseded
}

/// The file of one version of a file document.
public struct VersionFile: Codable, Sendable, Hashable {
    /// The original name, cleaned (no path, no control characters).
    public var name: String
    /// The canonical type of what the bytes were checked to be.
    public var contentType: String
    public var size: Int64
    public var sha256: String

    public init(name: String, contentType: String, size: Int64, sha256: String) {
        self.name = name
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
    }
}

/// One version of a document: a file, or a link's URL. Older versions stay downloadable.
public struct DocumentVersion: Codable, Sendable, Hashable {
    public var number: Int
    public var file: VersionFile?
    public var url: String?
    public var addedBy: PersonRef?
    public var addedAt: Date

    public init(number: Int, file: VersionFile?, url: String?, addedBy: PersonRef?, addedAt: Date) {
        self.number = number
        self.file = file
        self.url = url
        self.addedBy = addedBy
        self.addedAt = addedAt
    }
}

/// A document as stored.
public struct DocumentRecord: Sendable, Hashable {
    public var id: DocumentID
    public var account: AccountID
    public var section: String
    public var title: String
    public var kind: DocumentKind
    public var source: DocumentSource
    public var recordedStatus: RecordedContractStatus?
    public var validFrom: LocalDate?
    public var validUntil: LocalDate?
    public var latest: DocumentVersion
    public var createdBy: PersonRef?
    public var createdAt: Date
    public var updatedAt: Date
    public var removedAt: Date?

    public init(id: DocumentID, account: AccountID, section: String, title: String, kind: DocumentKind, source: DocumentSource,
                recordedStatus: RecordedContractStatus?, validFrom: LocalDate?, validUntil: LocalDate?, latest: DocumentVersion,
                createdBy: PersonRef?, createdAt: Date, updatedAt: Date, removedAt: Date?) {
        self.id = id
        self.account = account
        self.section = section
        self.title = title
        self.kind = kind
        self.source = source
        self.recordedStatus = recordedStatus
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.latest = latest
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.removedAt = removedAt
    }

    /// The status shown on `today` (Europe/Helsinki): superseded stays superseded; otherwise a contract whose
    /// `validUntil` has passed is expired; otherwise what was set (draft or in force). Nil for general documents.
    public func status(on today: LocalDate) -> ContractStatus? {
        guard kind == .contract, let recorded = recordedStatus else { return nil }
        if recorded == .superseded { return .superseded }
        if let validUntil, validUntil < today { return .expired }
        return recorded == .inForce ? .inForce : .draft
    }
}

/// A pinned document as clients see it (list items, detail, event data).
public struct Document: Codable, Sendable, Hashable, Identifiable {
    public var id: DocumentID
    public var account: AccountID
    /// The key of the section it is pinned to.
    public var section: String
    public var title: String
    public var kind: DocumentKind
    public var source: DocumentSource
    /// Contracts: the status on today's date (Europe/Helsinki).
    public var status: ContractStatus?
    public var validFrom: LocalDate?
    /// Contracts: absent while valid until further notice.
    public var validUntil: LocalDate?
    /// The newest version (its number is the document's version count).
    public var latest: DocumentVersion
    public var createdBy: PersonRef?
    public var createdAt: Date
    public var updatedAt: Date
    /// Set when the document was unpinned (only in `document.removed` events).
    public var removedAt: Date?

    public init(_ record: DocumentRecord, today: LocalDate) {
        id = record.id
        account = record.account
        section = record.section
        title = record.title
        kind = record.kind
        source = record.source
        status = record.status(on: today)
        validFrom = record.validFrom
        validUntil = record.validUntil
        latest = record.latest
        createdBy = record.createdBy
        createdAt = record.createdAt
        updatedAt = record.updatedAt
        removedAt = record.removedAt
    }

    /// A section's order: contracts in force, then drafts, then superseded and expired ones (each by validity,
    /// the newest period first), then other documents by title in Finnish order.
    public static func sectionOrder(_ documents: [Document]) -> [Document] {
        func group(_ document: Document) -> Int {
            switch document.status {
            case .inForce: 0
            case .draft: 1
            case .superseded, .expired: 2
            case nil: 3
            }
        }
        let byTitle = FinnishCollation.sorted(documents, by: \.title)
        let titleRank = Dictionary(uniqueKeysWithValues: byTitle.enumerated().map { ($1.id, $0) })
        return documents.sorted { a, b in
            let (ga, gb) = (group(a), group(b))
            if ga != gb { return ga < gb }
            if ga < 3 {
                // Newest validity first: the later start, then the later end (open-ended is latest).
                if a.validFrom != b.validFrom { return (a.validFrom ?? .distantPast) > (b.validFrom ?? .distantPast) }
                if a.validUntil != b.validUntil { return (a.validUntil ?? .distantFuture) > (b.validUntil ?? .distantFuture) }
            }
            let (ta, tb) = (titleRank[a.id] ?? 0, titleRank[b.id] ?? 0)
            return ta != tb ? ta < tb : a.id < b.id
        }
    }
}

extension LocalDate {
    fileprivate static let distantPast = LocalDate(year: 1900, month: 1, day: 1)!
    fileprivate static let distantFuture = LocalDate(year: 2999, month: 12, day: 31)!
}

/// `document.*` events carry the ``Document`` as it now is as their data, visible to the roles that may see its section.
extension EventKind {
    public static let documentAdded: EventKind = "document.added"
    public static let documentVersioned: EventKind = "document.versioned"
    public static let documentUpdated: EventKind = "document.updated"
    public static let documentRemoved: EventKind = "document.removed"
}
