/// Quoted-printable encoding of text bodies (RFC 2045 §6.7), so that a body of any UTF-8 text travels as
/// 7-bit ASCII in lines of at most 76 characters.
enum QuotedPrintable {
    /// The longest encoded line, not counting CRLF.
    static let lineLimit = 76

    /// Encodes the UTF-8 bytes of `text`. Line breaks (`\r\n`, `\n` or a lone `\r`) become CRLF hard breaks;
    /// longer lines get soft breaks (`=` at the end of a line); `=`, bytes outside printable ASCII and a space
    /// or tab at the end of a line are written as `=XX`. A line starting with `From ` has its `F` encoded, so
    /// that no mbox-style relay mangles it.
    static func encode(_ text: String) -> String {
        lines(of: text).map(encodeLine).joined(separator: "\r\n")
    }

    /// The UTF-8 bytes of each line of `text`, without line breaks.
    private static func lines(of text: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(text.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\r"):
                lines.append(bytes[start..<index])
                index += index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") ? 2 : 1
                start = index
            case UInt8(ascii: "\n"):
                lines.append(bytes[start..<index])
                index += 1
                start = index
            default:
                index += 1
            }
        }
        lines.append(bytes[start...])
        return lines
    }

    /// One line of text as one or more encoded lines joined by soft breaks.
    private static func encodeLine(_ line: ArraySlice<UInt8>) -> String {
        let startsWithFrom = line.starts(with: "From ".utf8)
        var encoded = ""
        var lineLength = 0
        for (offset, byte) in line.enumerated() {
            let isLast = offset == line.count - 1
            let token = mustEscape(byte, isLast: isLast) || (startsWithFrom && offset == 0) ? escape(byte) : String(UnicodeScalar(byte))
            // A line that goes on needs room for the soft break's `=`; the line's last token does not.
            if lineLength + token.utf8.count > (isLast ? lineLimit : lineLimit - 1) {
                encoded += "=\r\n"
                lineLength = 0
            }
            encoded += token
            lineLength += token.utf8.count
        }
        return encoded
    }

    private static func mustEscape(_ byte: UInt8, isLast: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"): isLast
        case UInt8(ascii: "="): true
        case 33...126: false
        default: true
        }
    }

    private static func escape(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [UInt8(ascii: "="), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }
}
