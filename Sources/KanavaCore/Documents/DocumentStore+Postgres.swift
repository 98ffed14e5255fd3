import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: DocumentStore {
    public func createDocument(_ new: NewDocument, version: NewDocumentVersion, supersedeOthers: Bool, at time: Date, events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> { throw KanavaError(.unavailable, "DocumentStore is not on PostgreSQL yet") }
    public func addDocumentVersion(_ id: DocumentID, in account: AccountID, version: NewDocumentVersion, at time: Date, events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> { throw KanavaError(.unavailable, "DocumentStore is not on PostgreSQL yet") }
    public func updateDocument(_ document: DocumentRecord, supersedeOthers: Bool, at time: Date, events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> { throw KanavaError(.unavailable, "DocumentStore is not on PostgreSQL yet") }
    public func removeDocument(_ id: DocumentID, in account: AccountID, by person: PersonID?, at time: Date, events: @escaping DocumentEvents) async throws -> Committed<DocumentRecord> { throw KanavaError(.unavailable, "DocumentStore is not on PostgreSQL yet") }
    public func document(_ id: DocumentID, in account: AccountID) async throws -> DocumentRecord? { throw KanavaError(.unavailable, "DocumentStore is not on PostgreSQL yet") }
    public func documents(in account: AccountID, section: String) async throws -> [DocumentRecord] { throw KanavaError(.unavailable, "DocumentStore is not on PostgreSQL yet") }
    public func documentVersions(of id: DocumentID) async throws -> [DocumentVersion] { throw KanavaError(.unavailable, "DocumentStore is not on PostgreSQL yet") }
    public func documentVersion(_ number: Int, of id: DocumentID) async throws -> DocumentVersion? { throw KanavaError(.unavailable, "DocumentStore is not on PostgreSQL yet") }
}
