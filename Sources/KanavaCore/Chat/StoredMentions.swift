import Foundation

/// A message's mentions as both stores keep them: a JSON array of person references in a text column.
enum StoredMentions {
    /// Most messages mention nobody: those skip the coder.
    static func encode(_ mentions: [PersonRef]) throws -> String {
        mentions.isEmpty ? "[]" : String(decoding: try JSONEncoder().encode(mentions), as: UTF8.self)
    }

    static func decode(_ json: String) -> [PersonRef] {
        json == "[]" ? [] : (try? JSONDecoder().decode([PersonRef].self, from: Data(json.utf8))) ?? []
    }
}
