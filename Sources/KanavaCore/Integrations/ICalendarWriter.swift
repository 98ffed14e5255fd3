import Foundation

/// Writes iCalendar (RFC 5545) text: content lines with escaped values, folded at 75 octets without splitting a
/// UTF-8 sequence, each ended with CRLF.
public struct ICalendarWriter: Sendable {
    /// The content lines written so far, folded, with CRLF line ends.
    public private(set) var text = ""

    public init() {}

    /// A property whose value is already in iCalendar form (a date, a keyword such as `CONFIRMED`).
    public mutating func property(_ name: String, _ value: String) {
        text += Self.fold("\(name):\(value)") + "\r\n"
    }

    /// A TEXT property: the value is escaped.
    public mutating func text(_ name: String, _ value: String) {
        property(name, Self.escape(value))
    }

    /// A TEXT value as RFC 5545 (3.3.11) writes it: `\` `;` `,` escaped with a backslash, line breaks as `\n`, other
    /// control characters (which the format does not allow) left out.
    public static func escape(_ value: String) -> String {
        var escaped = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in value.unicodeScalars {
            defer { previous = scalar }
            switch scalar {
            case "\\", ";", ",":
                escaped.append("\\")
                escaped.append(scalar)
            case "\n":
                if previous != "\r" { escaped.append(contentsOf: #"\n"#.unicodeScalars) }
            case "\r":
                escaped.append(contentsOf: #"\n"#.unicodeScalars)
            case "\t":
                escaped.append(scalar)
            default:
                if scalar.properties.generalCategory != .control { escaped.append(scalar) }
            }
        }
        return String(escaped)
    }

    /// A content line folded as RFC 5545 (3.1) says: no line longer than 75 octets, each continuation starting with
    /// one space, breaks only between characters (a multi-octet UTF-8 sequence is never split). No final CRLF.
    public static func fold(_ line: String) -> String {
        let limit = 75
        var folded = String.UnicodeScalarView()
        var octets = 0
        for scalar in line.unicodeScalars {
            let width = UTF8.width(scalar)
            if octets + width > limit {
                folded.append(contentsOf: "\r\n ".unicodeScalars)
                octets = 1
            }
            folded.append(scalar)
            octets += width
        }
        return String(folded)
    }
}
