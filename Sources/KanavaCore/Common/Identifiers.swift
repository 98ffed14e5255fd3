import Foundation

/// A database row id, typed by what it identifies: a person's id cannot be passed where a document's is
/// wanted. Encoded as a plain number.
public struct RowID<Entity>: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ value: Int64) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

public typealias PersonID = RowID<Person>

/// An account's id: the billing system's `account_id` (for example `A10000`). It also names the account's
/// one channel, so events, subscriptions and URLs all use it.
public struct AccountID: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public static let maxLength = 64
    public let rawValue: String

    /// Accepts what the billing system can produce: 1–64 characters of letters, digits, `-`, `_` and `.`.
    public init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// For ids read back from storage, which were validated when they were written.
    init(stored value: String) { self.rawValue = value }

    public static func isValid(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= maxLength else { return false }
        return value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
    }

    /// Parses untrusted input, naming the field in the error.
    public static func parse(_ value: String, field: String = "account id") throws -> AccountID {
        guard let id = AccountID(rawValue: value) else {
            throw KanavaError.invalid(field, "must be 1–\(maxLength) letters, digits, '-', '_' or '.'")
        }
        return id
    }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        guard let id = AccountID(rawValue: value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a valid account id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { rawValue }
}
