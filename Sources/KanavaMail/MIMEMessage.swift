import Foundation

/// A ``MailMessage`` checked and rendered as an RFC 5322 / MIME message: 7-bit ASCII, CRLF line ends,
/// headers folded, UTF-8 text in quoted-printable parts.
///
/// Rendering validates everything first; a bad address, header or subject is a non-transient ``SMTPError``
/// at stage ``SMTPError/Stage/message``, so nothing is sent.
struct MIMEMessage: Sendable {
    /// The envelope sender, for `MAIL FROM`.
    let sender: String
    /// The envelope recipients, for `RCPT TO`, in order and without repeats.
    let recipients: [String]
    /// The `Message-ID` without angle brackets.
    let messageID: String
    /// The whole message: headers, a blank line, the body; every line ends in CRLF.
    let rendered: String

    /// The most recipients one message may have.
    static let maximumRecipients = 100

    /// - Parameters:
    ///   - date: the `Date` header's time.
    ///   - randomToken: makes the unique parts of the Message-ID and the multipart boundary.
    init(_ message: MailMessage, date: Date = Date(), randomToken: () -> String = MIMEMessage.randomToken) throws {
        try Self.validate(message)
        sender = message.from.email
        var seen = Set<String>()
        recipients = message.to.map(\.email).filter { seen.insert($0).inserted }
        messageID = "\(randomToken())@\(message.from.domain)"

        var head = "Date: \(Self.rfc5322Date(date))\r\n"
        head += HeaderField.addressList("From", [message.from])
        head += HeaderField.addressList("To", message.to)
        head += HeaderField.unstructured("Subject", message.subject)
        head += "Message-ID: <\(messageID)>\r\n"
        for (name, value) in message.headers {
            head += HeaderField.unstructured(name, value)
        }
        head += "MIME-Version: 1.0\r\n"

        let textPart = Self.part(type: "text/plain", body: message.text)
        if let html = message.html {
            // "=_" cannot occur in quoted-printable text, so the boundary cannot clash with the parts.
            let boundary = "=_kanava_\(randomToken())"
            head += "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n"
            rendered = head + "\r\n"
                + "--\(boundary)\r\n" + textPart
                + "--\(boundary)\r\n" + Self.part(type: "text/html", body: html)
                + "--\(boundary)--\r\n"
        } else {
            rendered = head + textPart
        }
    }

    /// 128 random bits as 32 hexadecimal digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// `Content-Type` and `Content-Transfer-Encoding` lines, a blank line and the encoded body ending in CRLF.
    private static func part(type: String, body: String) -> String {
        "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + QuotedPrintable.encode(body) + "\r\n"
    }

    private static func validate(_ message: MailMessage) throws {
        try message.from.validate()
        guard !message.to.isEmpty else { throw SMTPError.invalid("the message has no recipients") }
        guard message.to.count <= maximumRecipients else {
            throw SMTPError.invalid("the message has more than \(maximumRecipients) recipients")
        }
        for recipient in message.to { try recipient.validate() }
        try HeaderField.validate(value: message.subject, of: "Subject")
        for (name, value) in message.headers { try HeaderField.validate(name: name, value: value) }
    }

    /// `Mon, 24 Nov 2025 08:05:09 +0000` (RFC 5322 §3.3), in UTC.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
