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
        // Already a key (the usual case): plain ASCII without capitals or surrounding spaces.
        if email.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !(0x41...0x5A).contains($0) }) { return email }
        return email.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// A pragmatic syntax check: one `@`, a non-empty local part, a dotted domain, no spaces or controls.
    public static func validate(_ email: String, field: String = "email") throws -> String {
        if isPlainASCIIAddress(email) { return email }
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

    /// The common case, checked on bytes: `local@domain.tld` in printable ASCII without the forbidden characters.
    static func isPlainASCIIAddress(_ email: String) -> Bool {
        var at = -1, length = 0, lastDot = -1, previous: UInt8 = 0
        for byte in email.utf8 {
            switch byte {
            case 0x40:  // @
                guard at < 0, length > 0, length <= 64 else { return false }
                at = length
            case 0x2E:  // .
                guard at < 0 || (previous != 0x2E && previous != 0x40) else { return false }
                if at >= 0 { lastDot = length }
            case 0x21...0x7E where !"<>()[]\\,;:\"".utf8.contains(byte): break
            default: return false
            }
            previous = byte
            length += 1
        }
        return at > 0 && lastDot > at + 1 && lastDot < length - 1 && length <= maxLength
    }
}
