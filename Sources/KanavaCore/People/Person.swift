import Foundation

/// Installation-wide roles that do not come from the roster.
public enum GlobalRole: String, Codable, Sendable, CaseIterable {
    /// Runs the installation: users, templates, bots, roster settings; may act in every channel.
    case admin
    /// The management board: reads every account's quality card, nothing else unless also a member.
    case board
}

/// A person, identified by e-mail (compared case-insensitively).
public struct Person: Codable, Sendable, Hashable, Identifiable {
    public var id: PersonID
    public var email: String
    public var name: String
    public var globalRole: GlobalRole?
    /// Preferred UI and e-mail language (`fi` or `en`); nil: from the browser.
    public var language: String?
    public var createdAt: Date

    public init(id: PersonID, email: String, name: String, globalRole: GlobalRole?, language: String?, createdAt: Date) {
        self.id = id
        self.email = email
        self.name = name
        self.globalRole = globalRole
        self.language = language
        self.createdAt = createdAt
    }

    public var isAdmin: Bool { globalRole == .admin }
}

/// What is needed to create a person; validated by ``PersonService``.
public struct NewPerson: Sendable {
    public var email: String
    public var name: String
    public var globalRole: GlobalRole?
    public var passwordHash: String?

    public init(email: String, name: String, globalRole: GlobalRole? = nil, passwordHash: String? = nil) {
        self.email = email
        self.name = name
        self.globalRole = globalRole
        self.passwordHash = passwordHash
    }
}

/// E-mail addresses: the identity of a person.
public enum EmailAddress {
    public static let maxLength = 254

    /// The form used to compare identities: trimmed and lower-cased.
    public static func key(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// A pragmatic syntax check: one `@`, a non-empty local part, a dotted domain, no spaces or controls.
    public static func validate(_ email: String, field: String = "email") throws -> String {
        let trimmed = email.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw KanavaError.invalid(field, "must not be empty") }
        guard trimmed.utf8.count <= maxLength else { throw KanavaError.invalid(field, "must be at most \(maxLength) bytes") }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains(".."),
            !trimmed.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control || "<>()[]\\,;:\"".unicodeScalars.contains($0) })
        else { throw KanavaError.invalid(field, "'\(trimmed.prefix(80))' is not an e-mail address") }
        return trimmed
    }
}
