import Foundation

/// Checks for free text from outside: trimmed, non-empty when required, bounded, no control characters.
public enum TextInput {
    public static func required(_ value: String, field: String, maxChars: Int) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw KanavaError.invalid(field, "must not be empty") }
        return try bounded(trimmed, field: field, maxChars: maxChars)
    }

    /// A required name shown on one line (a bot's, a webhook's, a poster's): trimmed, not empty, no line breaks.
    public static func name(_ value: String, field: String, maxChars: Int) throws -> String {
        let name = try required(value, field: field, maxChars: maxChars)
        guard !name.contains(where: \.isNewline), !name.contains("\t") else { throw KanavaError.invalid(field, "must be one line") }
        return name
    }

    public static func bounded(_ value: String, field: String, maxChars: Int) throws -> String {
        guard value.count <= maxChars else { throw KanavaError.invalid(field, "must be at most \(maxChars) characters") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) else {
            throw KanavaError.invalid(field, "must not contain control characters")
        }
        return value
    }
}
