import Foundation

/// An entry's detail as both stores keep it: a JSON object in a text column.
extension AuditEntry {
    var storedDetail: String {
        get throws { String(decoding: try EventCoding.encoder.encode(detail), as: UTF8.self) }
    }

    /// A stored detail; an unreadable one reads as empty.
    static func detail(stored text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}
