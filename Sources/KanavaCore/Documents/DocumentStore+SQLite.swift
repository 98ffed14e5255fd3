import Foundation
import GRDB

extension SQLiteStore: DocumentStore {
    public func createDocument(_ new: NewDocument, version: NewDocumentVersion, supersedeOthers: Bool, at time: Date,
                               events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> {
        try await write("createDocument") { db in
            guard try Self.fetchAccount(db, new.account) != nil else { throw KanavaError.notFound("channel \(new.account)") }
            let superseded = supersedeOthers ? try Self.supersedeContracts(db, in: new.account, section: new.section, except: nil, at: time) : []
            try db.execute(
                sql: """
                    INSERT INTO document (account_id, section_key, title, kind, source, contract_status, valid_from, valid_until,
                                          latest_version, created_by, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
                    """,
                arguments: [new.account.rawValue, new.section, new.title, new.kind.rawValue, new.source.rawValue,
                            new.recordedStatus?.rawValue, new.validFrom?.description, new.validUntil?.description,
                            new.createdBy?.rawValue, time, time]
            )
            let id = DocumentID(db.lastInsertedRowID)
            try Self.insertVersion(db, document: id, number: 1, version, at: time)
            let record = try Self.fetchDocument(db, id, includeRemoved: false)!
            return Committed(record, events: try db.append(events(record, superseded), at: time))
        }
    }

    public func addDocumentVersion(_ id: DocumentID, in account: AccountID, version: NewDocumentVersion, at time: Date,
                                   events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> {
        try await write("addDocumentVersion") { db in
            guard let number = try Int.fetchOne(
                db,
                sql: """
                    UPDATE document SET latest_version = latest_version + 1, updated_at = ?
                    WHERE id = ? AND account_id = ? AND removed_at IS NULL RETURNING latest_version
                    """,
                arguments: [time, id.rawValue, account.rawValue])
            else { throw KanavaError.notFound("document \(id)") }
            try Self.insertVersion(db, document: id, number: number, version, at: time)
            let record = try Self.fetchDocument(db, id, includeRemoved: false)!
            return Committed(record, events: try db.append(events(record, []), at: time))
        }
    }

    public func updateDocument(_ document: DocumentRecord, supersedeOthers: Bool, at time: Date,
                               events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> {
        try await write("updateDocument") { db in
            try db.execute(
                sql: """
                    UPDATE document SET title = ?, contract_status = ?, valid_from = ?, valid_until = ?, updated_at = ?
                    WHERE id = ? AND account_id = ? AND removed_at IS NULL
                    """,
                arguments: [document.title, document.recordedStatus?.rawValue, document.validFrom?.description,
                            document.validUntil?.description, time, document.id.rawValue, document.account.rawValue]
            )
            guard db.changesCount == 1 else { throw KanavaError.notFound("document \(document.id)") }
            let superseded = supersedeOthers
                ? try Self.supersedeContracts(db, in: document.account, section: document.section, except: document.id, at: time) : []
            let record = try Self.fetchDocument(db, document.id, includeRemoved: false)!
            return Committed(record, events: try db.append(events(record, superseded), at: time))
        }
    }

    public func removeDocument(_ id: DocumentID, in account: AccountID, by person: PersonID?, at time: Date,
                               events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> {
        try await write("removeDocument") { db in
            try db.execute(
                sql: "UPDATE document SET removed_at = ?, removed_by = ?, updated_at = ? WHERE id = ? AND account_id = ? AND removed_at IS NULL",
                arguments: [time, person?.rawValue, time, id.rawValue, account.rawValue]
            )
            guard db.changesCount == 1 else { throw KanavaError.notFound("document \(id)") }
            let record = try Self.fetchDocument(db, id, includeRemoved: true)!
            return Committed(record, events: try db.append(events(record, []), at: time))
        }
    }

    public func document(_ id: DocumentID, in account: AccountID) async throws -> DocumentRecord? {
        try await read("document") { db in
            try Self.fetchDocument(db, id, includeRemoved: false).flatMap { $0.account == account ? $0 : nil }
        }
    }

    public func documents(in account: AccountID, section: String) async throws -> [DocumentRecord] {
        try await read("documents") { db in
            try Row.fetchAll(
                db, sql: Self.documentSelect + " WHERE d.account_id = ? AND d.section_key = ? AND d.removed_at IS NULL ORDER BY d.id",
                arguments: [account.rawValue, section]
            ).map(DocumentRecord.init(row:))
        }
    }

    public func documentVersions(of id: DocumentID) async throws -> [DocumentVersion] {
        try await read("documentVersions") { db in
            try Row.fetchAll(db, sql: Self.versionSelect + " WHERE v.document_id = ? ORDER BY v.number", arguments: [id.rawValue])
                .map(DocumentVersion.init(row:))
        }
    }

    public func documentVersion(_ number: Int, of id: DocumentID) async throws -> DocumentVersion? {
        try await read("documentVersion") { db in
            try Row.fetchOne(db, sql: Self.versionSelect + " WHERE v.document_id = ? AND v.number = ?", arguments: [id.rawValue, number])
                .map(DocumentVersion.init(row:))
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

    static func fetchDocument(_ db: Database, _ id: DocumentID, includeRemoved: Bool) throws -> DocumentRecord? {
        try Row.fetchOne(db, sql: documentSelect + " WHERE d.id = ?" + (includeRemoved ? "" : " AND d.removed_at IS NULL"),
                         arguments: [id.rawValue]).map(DocumentRecord.init(row:))
    }

    private static func insertVersion(_ db: Database, document: DocumentID, number: Int, _ version: NewDocumentVersion, at time: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO document_version (document_id, number, file_sha256, file_name, content_type, size, url, added_by, added_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [document.rawValue, number, version.file?.sha256, version.file?.name, version.file?.contentType,
                        version.file?.size, version.url, version.addedBy?.rawValue, time]
        )
    }

    /// Marks the section's pinned contracts in force (but `except`) superseded; returns them as they now are.
    private static func supersedeContracts(_ db: Database, in account: AccountID, section: String, except: DocumentID?, at time: Date) throws -> [DocumentRecord] {
        let ids = try Int64.fetchAll(
            db,
            sql: """
                UPDATE document SET contract_status = 'superseded', updated_at = ?
                WHERE account_id = ? AND section_key = ? AND kind = 'contract' AND contract_status = 'in_force'
                  AND removed_at IS NULL AND id <> ?
                RETURNING id
                """,
            arguments: [time, account.rawValue, section, except?.rawValue ?? -1]
        )
        return try ids.sorted().compactMap { try fetchDocument(db, DocumentID($0), includeRemoved: false) }
    }
}

extension DocumentRecord {
    init(row: Row) {
        let status: String? = row["contract_status"]
        let validFrom: String? = row["valid_from"]
        let validUntil: String? = row["valid_until"]
        let creator: Int64? = row["created_by"]
        self.init(
            id: DocumentID(row["id"]),
            account: AccountID(stored: row["account_id"]),
            section: row["section_key"],
            title: row["title"],
            kind: DocumentKind(rawValue: row["kind"]) ?? .general,
            source: DocumentSource(rawValue: row["source"]) ?? .file,
            recordedStatus: status.flatMap(RecordedContractStatus.init(rawValue:)),
            validFrom: validFrom.flatMap(LocalDate.init),
            validUntil: validUntil.flatMap(LocalDate.init),
            latest: DocumentVersion(row: row),
            createdBy: creator.map { PersonRef(id: PersonID($0), name: row["creator_name"] ?? "", email: row["creator_email"] ?? "") },
            createdAt: row["created_at"],
            updatedAt: row["updated_at"],
            removedAt: row["removed_at"]
        )
    }
}

extension DocumentVersion {
    init(row: Row) {
        let sha256: String? = row["file_sha256"]
        let adder: Int64? = row["added_by"]
        self.init(
            number: row["v_number"],
            file: sha256.map { VersionFile(name: row["file_name"] ?? "", contentType: row["content_type"] ?? "application/octet-stream",
                                           size: row["size"] ?? 0, sha256: $0) },
            url: row["url"],
            addedBy: adder.map { PersonRef(id: PersonID($0), name: row["adder_name"] ?? "", email: row["adder_email"] ?? "") },
            addedAt: row["added_at"]
        )
    }
}
