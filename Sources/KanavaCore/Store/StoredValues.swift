import Foundation

/// Lists of places (sites, cities) as both stores keep them: a JSON array in a text column.
enum StoredList {
    /// Most lists are empty or one site: those skip the coder.
    static func encode(_ list: [String]) throws -> String {
        if list.isEmpty { return "[]" }
        return String(decoding: try encoder.encode(list), as: UTF8.self)
    }

    static func decode(_ json: String) -> [String] {
        if json == "[]" { return [] }
        return (try? decoder.decode([String].self, from: Data(json.utf8))) ?? []
    }

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()
}

/// Sets of channel roles (who may read or edit a section) as both stores keep them: comma-separated names.
enum StoredRoles {
    static func encode(_ roles: Set<ChannelRole>?) -> String? {
        roles.map { $0.map(\.rawValue).sorted().joined(separator: ",") }
    }

    static func decode(_ text: String?) -> Set<ChannelRole>? {
        text.map { Set($0.split(separator: ",").compactMap { ChannelRole(rawValue: String($0)) }) }
    }
}
