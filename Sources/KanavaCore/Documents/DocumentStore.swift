import Foundation

/// A document to pin, with its first version.
public struct NewDocument: Sendable {
    public var account: AccountID
    public var section: String
    public var title: String
    public var kind: DocumentKind
    public var source: DocumentSource
    public var recordedStatus: RecordedContractStatus?
    public var validFrom: LocalDate?
    public var validUntil: LocalDate?
    public var createdBy: PersonID?

    public init(account: AccountID, section: String, title: String, kind: DocumentKind, source: DocumentSource,
                recordedStatus: RecordedContractStatus?, validFrom: LocalDate?, validUntil: LocalDate?, createdBy: PersonID?) {
        self.account = account
        self.section = section
        self.title = title
        self.kind = kind
        self.source = source
        self.recordedStatus = recordedStatus
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.createdBy = createdBy
    }
}

/// A version to add: a stored file, or a link's URL.
public struct NewDocumentVersion: Sendable {
    public var file: VersionFile?
    public var url: String?
    public var addedBy: PersonID?

    public init(file: VersionFile?, url: String?, addedBy: PersonID?) {
        self.file = file
        self.url = url
        self.addedBy = addedBy
    }
}

/// Builds a write's events from what the transaction wrote: the document, and any contracts it superseded.
public typealias DocumentEvents = @Sendable (_ document: DocumentRecord, _ superseded: [DocumentRecord]) throws -> [EventDraft]

public protocol DocumentStore: Sendable {
    /// Pins a document with its first version. With `supersedeOthers`, the section's other contracts in force
    /// become superseded in the same transaction.
    func createDocument(_ new: NewDocument, version: NewDocumentVersion, supersedeOthers: Bool, at time: Date,
                        events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord>
    /// Adds the next version of a pinned (not removed) document.
    func addDocumentVersion(_ id: DocumentID, in account: AccountID, version: NewDocumentVersion, at time: Date,
                            events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord>
    /// Stores a pinned document's title, status and dates (from `document`).
    func updateDocument(_ document: DocumentRecord, supersedeOthers: Bool, at time: Date,
                        events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord>
    /// Unpins a document: it is kept, with its versions and files, but marked removed.
    func removeDocument(_ id: DocumentID, in account: AccountID, by person: PersonID?, at time: Date,
                        events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord>
    /// A pinned (not removed) document of `account`.
    func document(_ id: DocumentID, in account: AccountID) async throws -> DocumentRecord?
    /// The pinned documents of a section, in no particular order.
    func documents(in account: AccountID, section: String) async throws -> [DocumentRecord]
    /// All versions of a document, oldest first.
    func documentVersions(of id: DocumentID) async throws -> [DocumentVersion]
    func documentVersion(_ number: Int, of id: DocumentID) async throws -> DocumentVersion?
}
