import Foundation
import Logging

/// Metadata of a new document, as received (validated by the service).
public struct DocumentInput: Sendable {
    /// Default: the file name without its extension, or the link's URL.
    public var title: String?
    /// `general` (default) or `contract`.
    public var kind: String?
    /// Contracts: `draft` (default), `in_force` (supersedes the section's other contracts in force) or `superseded`.
    public var status: String?
    /// Contracts: required.
    public var validFrom: String?
    /// Contracts: absent for "until further notice".
    public var validUntil: String?

    public init(title: String? = nil, kind: String? = nil, status: String? = nil, validFrom: String? = nil, validUntil: String? = nil) {
        self.title = title
        self.kind = kind
        self.status = status
        self.validFrom = validFrom
        self.validUntil = validUntil
    }
}

/// An uploaded file's name and type as the client declared them; the bytes come separately.
public struct FileInput: Sendable {
    public var name: String
    /// The request's `Content-Type`; nil or `application/octet-stream`: not declared.
    public var contentType: String?
    /// The request's `Content-Length`, when known: an upload over the limit is refused before it is read.
    public var length: Int?

    public init(name: String, contentType: String?, length: Int?) {
        self.name = name
        self.contentType = contentType
        self.length = length
    }
}

/// A change to a document; absent fields stay as they are.
public struct DocumentChange: Sendable {
    public var title: String?
    /// Contracts: `draft`, `in_force` (supersedes the section's other contracts in force) or `superseded`.
    public var status: String?
    public var validFrom: String?
    /// `.some(nil)` makes the contract valid until further notice.
    public var validUntil: String??

    public init(title: String? = nil, status: String? = nil, validFrom: String? = nil, validUntil: String?? = nil) {
        self.title = title
        self.status = status
        self.validFrom = validFrom
        self.validUntil = validUntil
    }
}

/// A section's pinned documents in their display order.
public struct DocumentList: Codable, Sendable {
    public var section: SectionInfo
    /// Whether the viewer may pin, version, change and unpin documents here.
    public var canEdit: Bool
    public var documents: [Document]
}

/// One document with all its versions, oldest first.
public struct DocumentDetail: Codable, Sendable {
    public var document: Document
    public var versions: [DocumentVersion]
    public var canEdit: Bool
}

/// A version's file, checked against its hash.
public struct DocumentDownload: Sendable {
    public var fileName: String
    public var contentType: String
    public var data: Data
}

/// Documents pinned to a channel's sections. Who may see or change them follows the section
/// (``SectionInfo/isVisible(to:)``, ``SectionInfo/isEditable(by:)``); a document of a section the caller may
/// not see is `not_found`, exactly like one that does not exist.
public struct DocumentService: Sendable {
    let store: any KanavaStore
    let access: AccessPolicy
    let sections: any SectionDirectory
    let files: DocumentFiles
    let bus: EventBus
    let clock: any WallClock
    let maxUploadBytes: Int
    let maxNameChars: Int
    let logger: Logger
    let audit: AuditLog

    public static let maxURLChars = 2000

    public init(store: any KanavaStore, access: AccessPolicy, sections: any SectionDirectory, files: DocumentFiles, bus: EventBus,
                clock: any WallClock, maxUploadBytes: Int, maxNameChars: Int, logger: Logger, audit: AuditLog) {
        self.store = store
        self.access = access
        self.sections = sections
        self.files = files
        self.bus = bus
        self.clock = clock
        self.maxUploadBytes = maxUploadBytes
        self.maxNameChars = maxNameChars
        self.logger = logger
        self.audit = audit
    }

    // MARK: - Reading

    /// A section's documents: contracts in force, drafts, superseded and expired ones, then the rest by title.
    public func list(_ account: AccountID, section key: String, for principal: Principal) async throws -> DocumentList {
        let (access, section) = try await visibleSection(account, key, for: principal)
        let today = LocalDate.inHelsinki(clock.now())
        let documents = try await store.documents(in: account, section: section.key).map { Document($0, today: today) }
        return DocumentList(section: section, canEdit: section.isEditable(by: access), documents: Document.sectionOrder(documents))
    }

    public func detail(_ account: AccountID, document id: DocumentID, for principal: Principal) async throws -> DocumentDetail {
        let (access, section, record) = try await visibleDocument(account, id, for: principal)
        return try await detail(record, canEdit: section.isEditable(by: access))
    }

    /// The file of version `number`, its bytes checked against their hash (a mismatch is `internal`, never bytes).
    public func download(_ account: AccountID, document id: DocumentID, version number: Int, for principal: Principal) async throws -> DocumentDownload {
        _ = try await visibleDocument(account, id, for: principal)
        guard let version = try await store.documentVersion(number, of: id) else { throw KanavaError.notFound("version \(number) of document \(id)") }
        guard let file = version.file else { throw KanavaError.notFound("a file of version \(number) of document \(id) (it is a link)") }
        let data = try files.read(file.sha256, size: file.size, context: "\(account)/\(id)/v\(number)")
        return DocumentDownload(fileName: file.name, contentType: file.contentType, data: data)
    }

    // MARK: - Pinning

    /// Pins an uploaded file. Everything but the bytes is checked first; the bytes are then streamed to disk,
    /// refused past `limits.max_upload_bytes`, and checked against the type the name and `Content-Type` promise.
    public func addFile<Bytes: AsyncSequence>(_ account: AccountID, section key: String, _ input: DocumentInput, file: FileInput,
                                             content: Bytes, by principal: Principal) async throws -> DocumentDetail where Bytes.Element == Data {
        let (_, section) = try await editableSection(account, key, by: principal)
        let metadata = try Metadata(input, maxNameChars: maxNameChars)
        let (name, type) = try checkFile(file)
        let stored = try await receive(content, name: name, type: type)
        let title = metadata.title ?? Self.title(fromFileName: name, maxChars: maxNameChars)
        return try await pin(metadata, title: title, source: .file, version: NewDocumentVersion(file: stored, url: nil, addedBy: principal.person?.id),
                             in: account, section: section, by: principal)
    }

    /// Pins a link (http or https only).
    public func addLink(_ account: AccountID, section key: String, _ input: DocumentInput, url: String, by principal: Principal) async throws -> DocumentDetail {
        let (_, section) = try await editableSection(account, key, by: principal)
        let metadata = try Metadata(input, maxNameChars: maxNameChars)
        let url = try Self.validateURL(url)
        let title = metadata.title ?? String(url.prefix(maxNameChars))
        return try await pin(metadata, title: title, source: .link, version: NewDocumentVersion(file: nil, url: url, addedBy: principal.person?.id),
                             in: account, section: section, by: principal)
    }

    /// Adds a new version of a file document; the older versions stay downloadable.
    public func addFileVersion<Bytes: AsyncSequence>(_ account: AccountID, document id: DocumentID, file: FileInput, content: Bytes,
                                                    by principal: Principal) async throws -> DocumentDetail where Bytes.Element == Data {
        let (section, record) = try await editableDocument(account, id, by: principal)
        guard record.source == .file else {
            throw KanavaError.invalid("body", "document \(id) is a link; send its new address as JSON {\"url\": \"https://…\"}")
        }
        let (name, type) = try checkFile(file)
        let stored = try await receive(content, name: name, type: type)
        return try await addVersion(NewDocumentVersion(file: stored, url: nil, addedBy: principal.person?.id), to: record, section: section, by: principal)
    }

    /// Adds a new version (a new address) of a link document.
    public func addLinkVersion(_ account: AccountID, document id: DocumentID, url: String, by principal: Principal) async throws -> DocumentDetail {
        let (section, record) = try await editableDocument(account, id, by: principal)
        guard record.source == .link else {
            throw KanavaError.invalid("body", "document \(id) is a file; upload the new version's bytes, not JSON")
        }
        let url = try Self.validateURL(url)
        return try await addVersion(NewDocumentVersion(file: nil, url: url, addedBy: principal.person?.id), to: record, section: section, by: principal)
    }

    /// Changes the title, or a contract's status and validity dates. Putting a contract in force supersedes
    /// the section's other contracts in force.
    public func update(_ account: AccountID, document id: DocumentID, _ change: DocumentChange, by principal: Principal) async throws -> DocumentDetail {
        let (section, record) = try await editableDocument(account, id, by: principal)
        var updated = record
        if let title = change.title { updated.title = try TextInput.required(title, field: "title", maxChars: maxNameChars) }
        let datesOrStatus = change.status != nil || change.validFrom != nil || change.validUntil != nil
        if datesOrStatus, record.kind != .contract {
            throw KanavaError.invalid("status", "only contracts have a status and validity dates")
        }
        if let status = change.status { updated.recordedStatus = try Self.recordedStatus(status) }
        if let validFrom = change.validFrom { updated.validFrom = try LocalDate.parse(validFrom, field: "validFrom") }
        if let validUntil = change.validUntil { updated.validUntil = try validUntil.map { try LocalDate.parse($0, field: "validUntil") } }
        try Self.checkPeriod(from: updated.validFrom, until: updated.validUntil)
        guard updated != record else { return try await detail(record, canEdit: true) }

        let today = LocalDate.inHelsinki(clock.now())
        let committed = try await store.updateDocument(
            updated, supersedeOthers: change.status != nil && updated.recordedStatus == .inForce, at: clock.now(),
            events: Self.events(.documentUpdated, section: section, today: today))
        bus.publish(committed.events)
        await audit.record(.documentChanged, by: principal, account: account, target: "document:\(id)",
                           detail: ["title": committed.value.title, "status": committed.value.recordedStatus?.rawValue ?? "none"])
        return try await detail(committed.value, canEdit: true)
    }

    /// Unpins a document. Its versions and files are kept; it no longer appears anywhere.
    public func remove(_ account: AccountID, document id: DocumentID, by principal: Principal) async throws {
        let (section, _) = try await editableDocument(account, id, by: principal)
        let today = LocalDate.inHelsinki(clock.now())
        let committed = try await store.removeDocument(id, in: account, by: principal.person?.id, at: clock.now(),
                                                       events: Self.events(.documentRemoved, section: section, today: today))
        bus.publish(committed.events)
        logger.info("document unpinned", metadata: ["account": "\(account)", "document": "\(id)", "by": "\(principal.label)"])
        await audit.record(.documentRemoved, by: principal, account: account, target: "document:\(id)")
    }

    // MARK: - Steps

    private func pin(_ metadata: Metadata, title: String, source: DocumentSource, version: NewDocumentVersion,
                     in account: AccountID, section: SectionInfo, by principal: Principal) async throws -> DocumentDetail {
        let now = clock.now()
        let today = LocalDate.inHelsinki(now)
        let new = NewDocument(account: account, section: section.key, title: title, kind: metadata.kind, source: source,
                              recordedStatus: metadata.status, validFrom: metadata.validFrom, validUntil: metadata.validUntil,
                              createdBy: principal.person?.id)
        let committed = try await store.createDocument(new, version: version, supersedeOthers: metadata.status == .inForce, at: now,
                                                       events: Self.events(.documentAdded, section: section, today: today))
        bus.publish(committed.events)
        logger.info("document pinned", metadata: ["account": "\(account)", "section": "\(section.key)",
                                                  "document": "\(committed.value.id)", "by": "\(principal.label)"])
        await audit.record(.documentAdded, by: principal, account: account, target: "document:\(committed.value.id)",
                           detail: ["section": section.key, "source": source.rawValue])
        return DocumentDetail(document: Document(committed.value, today: today), versions: [committed.value.latest], canEdit: true)
    }

    private func addVersion(_ version: NewDocumentVersion, to record: DocumentRecord, section: SectionInfo, by principal: Principal) async throws -> DocumentDetail {
        let now = clock.now()
        let committed = try await store.addDocumentVersion(record.id, in: record.account, version: version, at: now,
                                                           events: Self.events(.documentVersioned, section: section, today: LocalDate.inHelsinki(now)))
        bus.publish(committed.events)
        await audit.record(.documentVersioned, by: principal, account: record.account, target: "document:\(record.id)")
        return try await detail(committed.value, canEdit: true)
    }

    private func detail(_ record: DocumentRecord, canEdit: Bool) async throws -> DocumentDetail {
        DocumentDetail(document: Document(record, today: LocalDate.inHelsinki(clock.now())),
                       versions: try await store.documentVersions(of: record.id), canEdit: canEdit)
    }

    /// The events of a write: the document's own, and `document.updated` for each contract it superseded, all
    /// visible only to the roles that may see the section.
    static func events(_ kind: EventKind, section: SectionInfo, today: LocalDate) -> DocumentEvents {
        { record, superseded in
            try [EventDraft(channel: record.account, kind: kind, payload: Document(record, today: today), visibleTo: section.restrictedTo)]
                + superseded.map {
                    try EventDraft(channel: $0.account, kind: .documentUpdated, payload: Document($0, today: today), visibleTo: section.restrictedTo)
                }
        }
    }

    private func checkFile(_ file: FileInput) throws -> (name: String, type: FileType) {
        let name = try FileName.sanitize(file.name, maxChars: maxNameChars)
        let type = try FileType.expected(name: name, declared: file.contentType)
        if let length = file.length, length > maxUploadBytes {
            throw KanavaError(.payloadTooLarge, "the file is \(length) bytes; the limit is \(maxUploadBytes) (limits.max_upload_bytes)")
        }
        return (name, type)
    }

    /// Streams the bytes to disk, checks them, and keeps them by their hash.
    private func receive<Bytes: AsyncSequence>(_ content: Bytes, name: String, type: FileType) async throws -> VersionFile where Bytes.Element == Data {
        let staged = try await files.receive(content, limit: maxUploadBytes)
        do {
            guard staged.size > 0 else { throw KanavaError.invalid("file", "is empty") }
            try files.verify(staged, as: type)
            try files.keep(staged)
        } catch {
            files.discard(staged)
            throw error
        }
        return VersionFile(name: name, contentType: type.contentType, size: staged.size, sha256: staged.sha256)
    }

    // MARK: - Access

    private func visibleSection(_ account: AccountID, _ key: String, for principal: Principal) async throws -> (ChannelAccess, SectionInfo) {
        let access = try await access.channel(account, for: principal)
        guard Self.isSectionKey(key), let section = try await sections.section(key, in: account), section.isVisible(to: access) else {
            throw KanavaError.notFound("section \(key.prefix(40))")
        }
        return (access, section)
    }

    private func editableSection(_ account: AccountID, _ key: String, by principal: Principal) async throws -> (ChannelAccess, SectionInfo) {
        let (access, section) = try await visibleSection(account, key, for: principal)
        guard section.isEditable(by: access) else { throw KanavaError.forbidden }
        return (access, section)
    }

    private func visibleDocument(_ account: AccountID, _ id: DocumentID, for principal: Principal) async throws -> (ChannelAccess, SectionInfo, DocumentRecord) {
        let access = try await access.channel(account, for: principal)
        guard let record = try await store.document(id, in: account),
              let section = try await sections.section(record.section, in: account), section.isVisible(to: access)
        else { throw KanavaError.notFound("document \(id)") }
        return (access, section, record)
    }

    private func editableDocument(_ account: AccountID, _ id: DocumentID, by principal: Principal) async throws -> (SectionInfo, DocumentRecord) {
        let (access, section, record) = try await visibleDocument(account, id, for: principal)
        guard section.isEditable(by: access) else { throw KanavaError.forbidden }
        return (section, record)
    }

    static func isSectionKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 40 && key.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D
        }
    }

    // MARK: - Validation

    struct Metadata {
        var title: String?
        var kind: DocumentKind
        var status: RecordedContractStatus?
        var validFrom: LocalDate?
        var validUntil: LocalDate?

        init(_ input: DocumentInput, maxNameChars: Int) throws {
            title = try input.title.map { try TextInput.required($0, field: "title", maxChars: maxNameChars) }
            switch input.kind ?? "general" {
            case "general": kind = .general
            case "contract": kind = .contract
            case let other: throw KanavaError.invalid("kind", "'\(other.prefix(40))' is not a kind; use general or contract")
            }
            guard kind == .contract else {
                if input.status != nil || input.validFrom != nil || input.validUntil != nil {
                    throw KanavaError.invalid("kind", "only contracts (kind=contract) have a status and validity dates")
                }
                return
            }
            guard let from = input.validFrom else { throw KanavaError.invalid("validFrom", "a contract needs the date it is valid from (YYYY-MM-DD)") }
            validFrom = try LocalDate.parse(from, field: "validFrom")
            validUntil = try input.validUntil.map { try LocalDate.parse($0, field: "validUntil") }
            try DocumentService.checkPeriod(from: validFrom, until: validUntil)
            status = try input.status.map(DocumentService.recordedStatus) ?? .draft
        }
    }

    static func recordedStatus(_ value: String) throws -> RecordedContractStatus {
        if value == ContractStatus.expired.rawValue {
            throw KanavaError.invalid("status", "expired is not set by hand: a contract expires after its validUntil date")
        }
        guard let status = RecordedContractStatus(rawValue: value) else {
            throw KanavaError.invalid("status", "'\(value.prefix(40))' is not a status; use draft, in_force or superseded")
        }
        return status
    }

    static func checkPeriod(from: LocalDate?, until: LocalDate?) throws {
        if let from, let until, until < from { throw KanavaError.invalid("validUntil", "must not be before validFrom (\(from))") }
    }

    /// The title a file gets when none is given: its name without the extension.
    static func title(fromFileName name: String, maxChars: Int) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot].prefix(maxChars))
    }

    /// A link: an absolute http or https URL with a host, no spaces or control characters, no user or password.
    public static func validateURL(_ raw: String) throws -> String {
        let url = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !url.isEmpty else { throw KanavaError.invalid("url", "must not be empty") }
        guard url.count <= maxURLChars else { throw KanavaError.invalid("url", "must be at most \(maxURLChars) characters") }
        guard !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) else {
            throw KanavaError.invalid("url", "must not contain spaces or control characters")
        }
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw KanavaError.invalid("url", "only http:// and https:// links are allowed")
        }
        guard let components = URLComponents(string: url) ?? URLComponents(string: Self.asciiOnly(url)),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else { throw KanavaError.invalid("url", "is not a valid web address") }
        guard components.user == nil, components.password == nil else {
            throw KanavaError.invalid("url", "must not contain a user name or password")
        }
        return url
    }

    /// Percent-encodes non-ASCII characters (ä in a path) so the URL can be parsed; the link is stored as given.
    private static func asciiOnly(_ url: String) -> String {
        var result = ""
        for scalar in url.unicodeScalars {
            if scalar.isASCII {
                result.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { result += String(format: "%%%02X", byte) }
            }
        }
        return result
    }
}
