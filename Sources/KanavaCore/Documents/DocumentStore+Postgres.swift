import Foundation
import PostgresNIO

/// Every write locks the channel first (``PostgresDB/lockChannel(_:)``): a channel's document changes run one at a time,
/// as on SQLite, so two contracts put in force at once cannot both stay in force.
extension PostgresStore: DocumentStore {
    public func createDocument(_ new: NewDocument, version: NewDocumentVersion, supersedeOthers: Bool, at time: Date,
                               events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> {
        try await write("createDocument") { db in
            guard try await db.lockChannel(new.account) else { throw KanavaError.notFound("channel \(new.account)") }
            let superseded = supersedeOthers
                ? try await Self.supersedeContracts(db, in: new.account, section: new.section, except: nil, at: time) : []
            let id = DocumentID(try await db.value("""
                INSERT INTO document (account_id, section_key, title, kind, source, contract_status, valid_from, valid_until,
                                      latest_version, created_by, created_at, updated_at)
                VALUES (\(new.account.rawValue), \(new.section), \(new.title), \(new.kind.rawValue), \(new.source.rawValue),
                        \(new.recordedStatus?.rawValue), \(new.validFrom?.description), \(new.validUntil?.description),
                        1, \(new.createdBy?.rawValue), \(time), \(time))
                RETURNING id
                """, as: Int64.self)!)
            try await Self.insertVersion(db, document: id, number: 1, version, at: time)
            let record = try await Self.fetchDocument(db, id, includeRemoved: false)!
            return Committed(record, events: try await db.append(events(record, superseded), at: time))
        }
    }

    public func addDocumentVersion(_ id: DocumentID, in account: AccountID, version: NewDocumentVersion, at time: Date,
                                   events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> {
        try await write("addDocumentVersion") { db in
            try await db.lockChannel(account)
            guard let number = try await db.value("""
                UPDATE document SET latest_version = latest_version + 1, updated_at = \(time)
                WHERE id = \(id.rawValue) AND account_id = \(account.rawValue) AND removed_at IS NULL RETURNING latest_version
                """, as: Int.self)
            else { throw KanavaError.notFound("document \(id)") }
            try await Self.insertVersion(db, document: id, number: number, version, at: time)
            let record = try await Self.fetchDocument(db, id, includeRemoved: false)!
            return Committed(record, events: try await db.append(events(record, []), at: time))
        }
    }

    public func updateDocument(_ document: DocumentRecord, supersedeOthers: Bool, at time: Date,
                               events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> {
        try await write("updateDocument") { db in
            try await db.lockChannel(document.account)
            let updated = try await db.execute("""
                UPDATE document SET title = \(document.title), contract_status = \(document.recordedStatus?.rawValue),
                    valid_from = \(document.validFrom?.description), valid_until = \(document.validUntil?.description), updated_at = \(time)
                WHERE id = \(document.id.rawValue) AND account_id = \(document.account.rawValue) AND removed_at IS NULL
                """)
            guard updated == 1 else { throw KanavaError.notFound("document \(document.id)") }
            let superseded = supersedeOthers
                ? try await Self.supersedeContracts(db, in: document.account, section: document.section, except: document.id, at: time) : []
            let record = try await Self.fetchDocument(db, document.id, includeRemoved: false)!
            return Committed(record, events: try await db.append(events(record, superseded), at: time))
        }
    }

    public func removeDocument(_ id: DocumentID, in account: AccountID, by person: PersonID?, at time: Date,
                               events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> {
        try await write("removeDocument") { db in
            try await db.lockChannel(account)
            let removed = try await db.execute("""
                UPDATE document SET removed_at = \(time), removed_by = \(person?.rawValue), updated_at = \(time)
                WHERE id = \(id.rawValue) AND account_id = \(account.rawValue) AND removed_at IS NULL
                """)
            guard removed == 1 else { throw KanavaError.notFound("document \(id)") }
            let record = try await Self.fetchDocument(db, id, includeRemoved: true)!
            return Committed(record, events: try await db.append(events(record, []), at: time))
        }
    }

    public func document(_ id: DocumentID, in account: AccountID) async throws -> DocumentRecord? {
        try await read("document") { db in
            try await Self.fetchDocument(db, id, includeRemoved: false).flatMap { $0.account == account ? $0 : nil }
        }
    }

    public func documents(in account: AccountID, section: String) async throws -> [DocumentRecord] {
        try await read("documents") { db in
            try await db.rows("""
                \(unescaped: Self.documentSelect)
                WHERE d.account_id = \(account.rawValue) AND d.section_key = \(section) AND d.removed_at IS NULL ORDER BY d.id
                """).map(DocumentRecord.init(pg:))
        }
    }

    public func documentVersions(of id: DocumentID) async throws -> [DocumentVersion] {
        try await read("documentVersions") { db in
            try await db.rows("\(unescaped: Self.versionSelect) WHERE v.document_id = \(id.rawValue) ORDER BY v.number")
                .map(DocumentVersion.init(pg:))
        }
    }

    public func documentVersion(_ number: Int, of id: DocumentID) async throws -> DocumentVersion? {
        try await read("documentVersion") { db in
            try await db.row("\(unescaped: Self.versionSelect) WHERE v.document_id = \(id.rawValue) AND v.number = \(number)")
                .map(DocumentVersion.init(pg:))
        }
    }

    // MARK: - Rows

    private static let documentSelect = """
        SELECT d.*, v.number AS v_number, v.file_sha256, v.file_name, v.content_type, v.size, v.url, v.added_by, v.added_at,
               cp.name AS creator_name, cp.email AS creator_email, ap.name AS adder_name, ap.email AS adder_email
        FROM document d
        JOIN document_version v ON v.document_id = d.id AND v.number = d.latest_version
        LEFT JOIN person cp ON cp.id = d.created_by
        LEFT JOIN person ap ON ap.id = v.added_by
        """

    private static let versionSelect = """
        SELECT v.number AS v_number, v.file_sha256, v.file_name, v.content_type, v.size, v.url, v.added_by, v.added_at,
               ap.name AS adder_name, ap.email AS adder_email
        FROM document_version v LEFT JOIN person ap ON ap.id = v.added_by
        """

    static func fetchDocument(_ db: PostgresDB, _ id: DocumentID, includeRemoved: Bool) async throws -> DocumentRecord? {
        try await db.row("""
            \(unescaped: documentSelect) WHERE d.id = \(id.rawValue)\(unescaped: includeRemoved ? "" : " AND d.removed_at IS NULL")
            """).map(DocumentRecord.init(pg:))
    }

    private static func insertVersion(_ db: PostgresDB, document: DocumentID, number: Int, _ version: NewDocumentVersion,
                                      at time: Date) async throws {
        try await db.execute("""
            INSERT INTO document_version (document_id, number, file_sha256, file_name, content_type, size, url, added_by, added_at)
            VALUES (\(document.rawValue), \(number), \(version.file?.sha256), \(version.file?.name), \(version.file?.contentType),
                    \(version.file?.size), \(version.url), \(version.addedBy?.rawValue), \(time))
            """)
    }

    /// Marks the section's pinned contracts in force (but `except`) superseded; returns them as they now are.
    private static func supersedeContracts(_ db: PostgresDB, in account: AccountID, section: String, except: DocumentID?,
                                           at time: Date) async throws -> [DocumentRecord] {
        let ids: [Int64] = try await db.rows("""
            UPDATE document SET contract_status = 'superseded', updated_at = \(time)
            WHERE account_id = \(account.rawValue) AND section_key = \(section) AND kind = 'contract' AND contract_status = 'in_force'
              AND removed_at IS NULL AND id <> \(except?.rawValue ?? -1)
            RETURNING id
            """).map { try $0["id"] }
        var records: [DocumentRecord] = []
        for id in ids.sorted() {
            if let record = try await fetchDocument(db, DocumentID(id), includeRemoved: false) { records.append(record) }
        }
        return records
    }
}

extension DocumentRecord {
    init(pg row: PGRow) throws {
        let status: String? = try row["contract_status"]
        let validFrom: String? = try row["valid_from"]
        let validUntil: String? = try row["valid_until"]
        let creator: Int64? = try row["created_by"]
        let creatorName: String? = try row["creator_name"]
        let creatorEmail: String? = try row["creator_email"]
        self.init(
            id: DocumentID(try row["id"]),
            account: AccountID(stored: try row["account_id"]),
            section: try row["section_key"],
            title: try row["title"],
            kind: DocumentKind(rawValue: try row["kind"]) ?? .general,
            source: DocumentSource(rawValue: try row["source"]) ?? .file,
            recordedStatus: status.flatMap(RecordedContractStatus.init(rawValue:)),
            validFrom: validFrom.flatMap(LocalDate.init),
            validUntil: validUntil.flatMap(LocalDate.init),
            latest: try DocumentVersion(pg: row),
            createdBy: creator.map { PersonRef(id: PersonID($0), name: creatorName ?? "", email: creatorEmail ?? "") },
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"],
            removedAt: try row["removed_at"]
        )
    }
}

extension DocumentVersion {
    init(pg row: PGRow) throws {
        let sha256: String? = try row["file_sha256"]
        let fileName: String? = try row["file_name"]
        let contentType: String? = try row["content_type"]
        let size: Int64? = try row["size"]
        let adder: Int64? = try row["added_by"]
        let adderName: String? = try row["adder_name"]
        let adderEmail: String? = try row["adder_email"]
        self.init(
            number: try row["v_number"],
            file: sha256.map {
                VersionFile(name: fileName ?? "", contentType: contentType ?? "application/octet-stream", size: size ?? 0, sha256: $0)
            },
            url: try row["url"],
            addedBy: adder.map { PersonRef(id: PersonID($0), name: adderName ?? "", email: adderEmail ?? "") },
            addedAt: try row["added_at"]
        )
    }
}
