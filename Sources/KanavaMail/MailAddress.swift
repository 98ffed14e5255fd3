/// An e-mail address with an optional display name, such as `"Ville Mäkinen" <ville@example.fi>`.
///
/// The address itself must be plain ASCII in dot-atom form (`local@domain`); internationalised addresses,
/// quoted local parts and address literals are refused when a message is sent. The display name may be any
/// text without control characters; non-ASCII names are sent as RFC 2047 encoded-words.
public struct MailAddress: Sendable, Hashable {
    public var email: String
    public var name: String?

    public init(_ email: String, name: String? = nil) {
        self.email = email
        self.name = name
    }

    /// The longest address accepted (RFC 5321's path limit less the angle brackets).
    static let maximumLength = 254
    /// The longest display name accepted, in characters.
    static let maximumNameLength = 200

    /// Throws a non-transient ``SMTPError`` unless the address and name are safe to put in a header and an
    /// SMTP command.
    func validate() throws {
        try Self.validate(email: email)
        if let name {
            guard name.count <= Self.maximumNameLength else {
                throw SMTPError.invalid("the display name for \(email) is longer than \(Self.maximumNameLength) characters")
            }
            guard !HeaderField.containsControlCharacter(name) else {
                throw SMTPError.invalid("the display name for \(email) contains a control character or line break")
            }
        }
    }

    /// The domain part, after the `@`; valid only after ``validate()``.
    var domain: Substring {
        email[email.index(after: email.lastIndex(of: "@") ?? email.startIndex)...]
    }

    private static func validate(email: String) throws {
        // Never echo a value with a line break into an error that may end up in a log line.
        let shown = email.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } ? "an address" : "\"\(email)\""
        guard !email.isEmpty, email.utf8.count <= maximumLength else {
            throw SMTPError.invalid("\(shown) is empty or longer than \(maximumLength) bytes")
        }
        guard email.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SMTPError.invalid("\(shown) contains spaces, control characters or non-ASCII characters")
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw SMTPError.invalid("\(shown) must contain exactly one @") }
        let local = parts[0], domain = parts[1]
        guard (1...64).contains(local.utf8.count), isDotAtom(local, allowed: isAtext) else {
            throw SMTPError.invalid("\(shown) has an invalid local part")
        }
        guard (1...253).contains(domain.utf8.count), isDotAtom(domain, allowed: isDomainCharacter),
              domain.split(separator: ".").allSatisfy({ $0.utf8.count <= 63 && $0.first != "-" && $0.last != "-" })
        else {
            throw SMTPError.invalid("\(shown) has an invalid domain")
        }
    }

    /// Dot-separated non-empty runs of allowed bytes.
    private static func isDotAtom(_ text: Substring, allowed: (UInt8) -> Bool) -> Bool {
        text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { atom in
            !atom.isEmpty && atom.utf8.allSatisfy(allowed)
        }
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    private static func isAtext(_ byte: UInt8) -> Bool {
        isLetterOrDigit(byte) || "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }

    private static func isDomainCharacter(_ byte: UInt8) -> Bool {
        isLetterOrDigit(byte) || byte == UInt8(ascii: "-")
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
