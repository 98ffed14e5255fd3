import Foundation
import GRDB

/// A search as typed, made safe for FTS5: only words reach the index, each quoted, so `"`, `*`, `NEAR(` and
/// unbalanced quotes are searched as text (or ignored), never parsed as query syntax.
///
/// Finnish: the index folds ä, ö and å (and other diacritics), so a word typed without them finds both forms
/// (`makinen` finds Mäkinen, as on a phone keyboard without ä). A word typed *with* them must appear so in the
/// text: `äitiö` does not find `aitio`. Every word is a prefix (`sopimu` finds `sopimuksen`); all must match.
public struct SearchQuery: Sendable, Equatable {
    public static let maxWords = 8
    public static let maxWordLength = 64
    public static let maxQueryLength = 500

    public let words: [String]

    public init(_ text: String) throws {
        guard text.count <= Self.maxQueryLength else { throw KanavaError.invalid("q", "must be at most \(Self.maxQueryLength) characters") }
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        words = words.map { String($0.prefix(Self.maxWordLength)) }
        var seen = Set<String>()
        words = words.filter { seen.insert($0).inserted }
        guard !words.isEmpty else { throw KanavaError.invalid("q", "type at least one word (letters or digits) to search for") }
        guard words.count <= Self.maxWords else { throw KanavaError.invalid("q", "use at most \(Self.maxWords) words") }
        self.words = words
    }

    /// The FTS5 expression: every word quoted as a prefix, all required.
    public var ftsExpression: String {
        words.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    /// Words written with diacritics: the original text must contain them as written (see the type's comment).
    public var exactWords: [String] {
        words.filter { word in word.unicodeScalars.contains { !$0.isASCII } }
    }

    /// `kanava_word_prefix(text, word)`: 1 when some word of `text` starts with `word` (case-insensitive).
    static let wordPrefixFunction = DatabaseFunction("kanava_word_prefix", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), let word = String.fromDatabaseValue(values[1]), !word.isEmpty else { return false }
        return hasWord(startingWith: word, in: text)
    }

    static func hasWord(startingWith word: String, in text: String) -> Bool {
        let lowered = text.lowercased()
        var searchRange = lowered.startIndex..<lowered.endIndex
        while let found = lowered.range(of: word, range: searchRange) {
            if found.lowerBound == lowered.startIndex { return true }
            let before = lowered[lowered.index(before: found.lowerBound)]
            if !(before.isLetter || before.isNumber) { return true }
            searchRange = found.upperBound..<lowered.endIndex
        }
        return false
    }
}
