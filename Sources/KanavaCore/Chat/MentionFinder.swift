import Foundation

/// Finds `@Full Name` mentions of a channel's members in a message, as the browser's autocomplete writes them.
///
/// No markup is needed: after each `@` the longest member name that follows (compared without regard to case)
/// is the one meant, and it must end at a word boundary, so `@Ville Mäkinen` is not also `@Ville Mäki`.
public struct MentionFinder: Sendable {
    private let names: [(folded: String, person: PersonRef)]

    public init(members: [PersonRef]) {
        names = members.map { (Self.fold($0.name), $0) }.sorted { $0.folded.count > $1.folded.count }
    }

    public func mentions(in text: String) -> [PersonRef] {
        guard text.contains("@"), !names.isEmpty else { return [] }
        let folded = Self.fold(text)
        var found: [PersonRef] = []
        var seen = Set<PersonID>()
        var index = folded.startIndex
        while let at = folded[index...].firstIndex(of: "@") {
            let start = folded.index(after: at)
            let rest = folded[start...]
            // The longest name that fits; namesakes are all mentioned (nobody can tell them apart by name).
            if let longest = names.first(where: { !$0.folded.isEmpty && rest.hasPrefix($0.folded) && Self.endsWord(rest.dropFirst($0.folded.count)) }) {
                for match in names where match.folded == longest.folded && seen.insert(match.person.id).inserted {
                    found.append(match.person)
                }
            }
            index = start
        }
        return found
    }

    private static func fold(_ text: String) -> String { text.lowercased() }

    private static func endsWord(_ rest: Substring) -> Bool {
        guard let next = rest.first else { return true }
        return !(next.isLetter || next.isNumber)
    }
}
