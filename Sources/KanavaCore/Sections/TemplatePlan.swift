import Foundation

/// What applying the table of contents changes in one channel's stored sections. The decision is the same on both
/// stores; only the SQL that carries it out differs (``SectionStore/applyTemplate(_:to:at:)``).
struct TemplatePlan {
    /// Template sections to insert or update, as they are to be stored.
    private(set) var upserts: [Section] = []
    /// Keys of template sections the template no longer has: they stay, marked as out of the template.
    private(set) var retired: [String] = []
    /// Custom sections moved to follow the template's sections, with their new numbers.
    private(set) var renumbered: [(key: String, number: Int)] = []
    /// The same, as reported and announced.
    private(set) var change: TemplateChange

    init(_ toc: TableOfContents, account: AccountID, stored sections: [Section]) {
        change = TemplateChange(account: account, added: [], updated: [], retired: [])
        let existing = Dictionary(uniqueKeysWithValues: sections.map { ($0.key, $0) })
        for section in toc.sections {
            let stored = existing[section.key]
            let wanted = Section(
                key: section.key, number: section.number, title: section.title, titleEn: section.titleEn, origin: .template,
                required: section.required, mustRead: section.mustRead, restrictedTo: section.restrictedTo, editableBy: section.editableBy,
                inUse: section.required ? true : (stored?.inUse ?? true), inTemplate: true, revision: stored?.revision ?? 0
            )
            guard wanted != stored else { continue }
            upserts.append(wanted)
            if stored == nil { change.added.append(section.key) } else { change.updated.append(section.key) }
        }
        let templateKeys = Set(toc.sections.map(\.key))
        for stored in sections.sorted(by: { $0.number < $1.number })
        where stored.origin == .template && stored.inTemplate && !templateKeys.contains(stored.key) {
            retired.append(stored.key)
            change.retired.append(stored.key)
        }
        // Custom sections keep coming after the template's, whatever the template's numbers become.
        let last = toc.sections.map(\.number).max() ?? 0
        for (offset, custom) in sections.filter({ $0.origin == .custom }).sorted(by: { $0.number < $1.number }).enumerated()
        where custom.number != last + offset + 1 {
            renumbered.append((custom.key, last + offset + 1))
            change.updated.append(custom.key)
        }
    }

    var changesAnything: Bool { !(change.added.isEmpty && change.updated.isEmpty && change.retired.isEmpty) }
}
