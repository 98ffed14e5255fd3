import Foundation

/// How a template application changed one channel.
public struct TemplateChange: Sendable, Hashable, Codable {
    public var account: AccountID
    public var added: [String]
    public var updated: [String]
    public var retired: [String]
}

public protocol SectionStore: SectionDirectory {
    /// Brings channels' template sections in line with `toc` (all channels when `accounts` is nil): adds
    /// missing ones, updates numbers, titles and flags, marks those the template dropped. Never deletes.
    func applyTemplate(_ toc: TableOfContents, to accounts: [AccountID]?, at time: Date) async throws -> Committed<[TemplateChange]>
    func sections(of account: AccountID) async throws -> [Section]
    func storedSection(_ key: String, in account: AccountID) async throws -> Section?
    func revision(_ revision: Int, of key: String, in account: AccountID) async throws -> SectionRevision?
    func revisions(of key: String, in account: AccountID) async throws -> [SectionRevision]
    /// Saves a new revision if the section is still at `base`; otherwise `conflict`.
    func saveRevision(_ body: String, of key: String, in account: AccountID, base: Int, author: PersonID?, at time: Date, event: @escaping @Sendable (Section) throws -> EventDraft) async throws -> Committed<Section>
    func addCustomSection(title: String, to account: AccountID, at time: Date, event: @escaping @Sendable (Section) throws -> EventDraft) async throws -> Committed<Section>
    func setInUse(_ inUse: Bool, key: String, in account: AccountID, at time: Date, event: EventDraft) async throws -> Committed<Section>
    func confirmRead(_ key: String, in account: AccountID, person: PersonID, revision: Int, at time: Date, event: EventDraft) async throws -> Committed<Int>
    /// Confirmed revision per person for one section.
    func confirmations(of key: String, in account: AccountID) async throws -> [PersonID: (revision: Int, at: Date)]
    /// For each account of the person: how many must-read sections they may see still await their confirmation.
    func openMustReads(for person: PersonID) async throws -> [AccountID: Int]
}
