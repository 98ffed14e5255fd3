import Foundation

// SCAFFOLD: replaced by the real PostgreSQL implementation.
extension PostgresStore: SectionStore {
    public func applyTemplate(_ toc: TableOfContents, to accounts: [AccountID]?, at time: Date) async throws -> Committed<[TemplateChange]> { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
    public func sections(of account: AccountID) async throws -> [Section] { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
    public func storedSection(_ key: String, in account: AccountID) async throws -> Section? { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
    public func revision(_ revision: Int, of key: String, in account: AccountID) async throws -> SectionRevision? { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
    public func revisions(of key: String, in account: AccountID) async throws -> [SectionRevision] { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
    public func saveRevision(_ body: String, of key: String, in account: AccountID, base: Int, author: PersonID?, at time: Date, event: @escaping @Sendable (Section) throws -> EventDraft) async throws -> Committed<Section> { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
    public func addCustomSection(title: String, to account: AccountID, at time: Date, event: @escaping @Sendable (Section) throws -> EventDraft) async throws -> Committed<Section> { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
    public func setInUse(_ inUse: Bool, key: String, in account: AccountID, at time: Date, event: EventDraft) async throws -> Committed<Section> { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
    public func confirmRead(_ key: String, in account: AccountID, person: PersonID, revision: Int, at time: Date, event: EventDraft) async throws -> Committed<Int> { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
    public func confirmations(of key: String, in account: AccountID) async throws -> [PersonID: (revision: Int, at: Date)] { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
    public func openMustReads(for person: PersonID) async throws -> [AccountID: Int] { throw KanavaError(.unavailable, "SectionStore is not on PostgreSQL yet") }
}
