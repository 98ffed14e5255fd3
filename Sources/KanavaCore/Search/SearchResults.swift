import Foundation

/// What a search found, in the places the viewer may see: sections first, then messages, each best match first.
public struct SearchResults: Codable, Sendable {
    public var words: [String]
    public var sections: [SectionHit]
    public var messages: [MessageHit]

    public init(words: [String], sections: [SectionHit], messages: [MessageHit]) {
        self.words = words
        self.sections = sections
        self.messages = messages
    }
}

/// A piece of a snippet: the matched words have `hit` true (the browser highlights them; no HTML is sent).
public struct SnippetPart: Codable, Sendable, Hashable {
    public var text: String
    public var hit: Bool

    /// Splits FTS5 snippet text marked with STX (start) and ETX (end).
    static func parts(_ marked: String) -> [SnippetPart] {
        var parts: [SnippetPart] = []
        var current = ""
        var inHit = false
        for character in marked {
            switch character {
            case "\u{02}", "\u{03}":
                if !current.isEmpty { parts.append(SnippetPart(text: current, hit: inHit)) }
                current = ""
                inHit = character == "\u{02}"
            default:
                current.append(character)
            }
        }
        if !current.isEmpty { parts.append(SnippetPart(text: current, hit: inHit)) }
        return parts
    }
}

public struct SectionHit: Codable, Sendable, Hashable {
    public var account: AccountID
    public var accountName: String
    public var key: String
    public var number: Int
    public var title: String
    public var snippet: [SnippetPart]
}

public struct MessageHit: Codable, Sendable, Hashable {
    public var account: AccountID
    public var accountName: String
    public var id: MessageID
    public var threadRoot: MessageID?
    public var privateWith: PersonID?
    public var author: PersonRef?
    public var authorName: String?
    public var createdAt: Date
    public var snippet: [SnippetPart]
}
