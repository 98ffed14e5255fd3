import Foundation
import Yams

/// One section of the template (`config/toc.yaml`).
public struct TemplateSection: Sendable, Hashable, Codable {
    public var key: String
    public var number: Int
    public var title: String
    public var titleEn: String?
    public var required: Bool
    public var mustRead: Bool
    public var restrictedTo: Set<ChannelRole>?
    public var editableBy: Set<ChannelRole>

    public init(key: String, number: Int, title: String, titleEn: String?, required: Bool, mustRead: Bool,
                restrictedTo: Set<ChannelRole>?, editableBy: Set<ChannelRole>) {
        self.key = key
        self.number = number
        self.title = title
        self.titleEn = titleEn
        self.required = required
        self.mustRead = mustRead
        self.restrictedTo = restrictedTo
        self.editableBy = editableBy
    }
}

/// The table of contents every channel is made from, read and validated from YAML.
public struct TableOfContents: Sendable, Hashable {
    public var sections: [TemplateSection]

    public static let keyPattern = "letters, digits and '-', 1–40 characters"

    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 40 && key.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" }
    }

    /// Reads a template file; every problem names the file, line and what is wrong (as ``ConfigError``).
    public static func load(path: String) throws(ConfigError) -> TableOfContents {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(file: path, key: "(file)", problem: "cannot be read")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigError) -> TableOfContents {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(file: file, key: "(file)", problem: "is not valid YAML: \(error)")
        }
        guard let sectionsNode = root?.mapping?["sections"], let list = sectionsNode.sequence, !list.isEmpty else {
            throw ConfigError(file: file, line: root?.mark?.line, key: "sections", problem: "must be a non-empty list of sections")
        }
        if let extra = root?.mapping?.keys.compactMap(\.string).first(where: { $0 != "sections" }) {
            throw ConfigError(file: file, key: extra, problem: "unknown key")
        }
        var sections: [TemplateSection] = []
        var numbers: [Int: Int] = [:], keys: [String: Int] = [:]
        for (index, node) in list.enumerated() {
            let line = node.mark?.line
            let path = "sections[\(index)]"
            func fail(_ field: String, _ problem: String, _ at: Node? = nil) -> ConfigError {
                ConfigError(file: file, line: at?.mark?.line ?? line, key: "\(path).\(field)", problem: problem)
            }
            guard let fields = node.mapping else { throw fail("(section)", "must be a mapping with key, number and title") }
            let known: Set = ["key", "number", "title", "title_en", "required", "must_read", "restricted_to", "editable_by"]
            for keyNode in fields.keys {
                if let name = keyNode.string, !known.contains(name) { throw fail(name, "unknown field", keyNode) }
            }
            guard let key = fields["key"]?.string, isValidKey(key) else { throw fail("key", "is required: \(keyPattern)", fields["key"]) }
            guard let number = fields["number"]?.int, number >= 1 else { throw fail("number", "is required: a whole number ≥ 1", fields["number"]) }
            guard let title = fields["title"]?.string?.trimmingCharacters(in: .whitespaces), !title.isEmpty else {
                throw fail("title", "is required", fields["title"])
            }
            if let first = numbers[number] { throw fail("number", "\(number) is already used by the section on line \(first)", fields["number"]) }
            if let first = keys[key] { throw fail("key", "'\(key)' is already used by the section on line \(first)", fields["key"]) }
            numbers[number] = line ?? 0
            keys[key] = line ?? 0
            func flag(_ name: String) throws(ConfigError) -> Bool {
                guard let value = fields[name] else { return false }
                guard let flag = value.bool else { throw fail(name, "must be true or false", value) }
                return flag
            }
            func roles(_ name: String) throws(ConfigError) -> Set<ChannelRole>? {
                guard let value = fields[name] else { return nil }
                guard let items = value.sequence, !items.isEmpty else { throw fail(name, "must be a non-empty list of roles", value) }
                var roles: Set<ChannelRole> = []
                for item in items {
                    guard let raw = item.string, let role = ChannelRole(rawValue: raw) else {
                        throw fail(name, "'\(item.string ?? "?")' is not a role; use \(ChannelRole.allCases.map(\.rawValue).joined(separator: ", "))", item)
                    }
                    roles.insert(role)
                }
                return roles
            }
            sections.append(TemplateSection(
                key: key, number: number, title: title, titleEn: fields["title_en"]?.string,
                required: try flag("required"), mustRead: try flag("must_read"),
                restrictedTo: try roles("restricted_to"), editableBy: try roles("editable_by") ?? [.accountDirector]
            ))
        }
        return TableOfContents(sections: sections.sorted { $0.number < $1.number })
    }
}
