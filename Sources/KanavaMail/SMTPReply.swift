import NIOCore

/// One reply from the server: a three-digit code and one or more lines of text (RFC 5321 §4.2).
struct SMTPReply: Sendable, Equatable {
    var code: Int
    /// The text after the code on each line, in order.
    var lines: [String]

    /// The lines joined with a space, for messages and logs.
    var text: String { lines.joined(separator: " ") }
}

/// What the server offers in its EHLO reply: one keyword per line after the first, with parameters.
struct SMTPCapabilities: Sendable {
    private var parameters: [String: [String]] = [:]

    init(ehlo reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ")
            guard let keyword = words.first else { continue }
            parameters[keyword.uppercased()] = words.dropFirst().map { $0.uppercased() }
        }
    }

    func supports(_ keyword: String) -> Bool { parameters[keyword] != nil }

    /// The mechanisms listed after `AUTH`, upper case.
    var authMechanisms: Set<String> { Set(parameters["AUTH"] ?? []) }
}

/// Splits the bytes the server sends into replies, joining the lines of multi-line replies
/// (`250-first`, `250-second`, `250 last`).
///
/// Lines end in CRLF; a bare LF is accepted too. Lines and replies are bounded, so a misbehaving server
/// cannot make the client buffer without limit.
struct SMTPReplyParser {
    enum ParseError: Error, Equatable {
        case lineTooLong
        case tooManyLines
        case malformedLine(String)
    }

    /// RFC 5321 allows 512 bytes per reply line; this is generous.
    static let maximumLineLength = 4096
    static let maximumLines = 200

    private var buffer = ByteBuffer()
    private var pending: SMTPReply?

    /// True when bytes or lines have arrived that are not yet part of a returned reply.
    var hasBufferedInput: Bool { buffer.readableBytes > 0 || pending != nil }

    mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    /// The next complete reply, or nil until more bytes arrive.
    mutating func nextReply() throws(ParseError) -> SMTPReply? {
        while let line = try nextLine() {
            let (code, isLast, text) = try Self.parse(line)
            if var reply = pending {
                guard reply.code == code else { throw .malformedLine(line) }
                guard reply.lines.count < Self.maximumLines else { throw .tooManyLines }
                reply.lines.append(text)
                pending = reply
            } else {
                pending = SMTPReply(code: code, lines: [text])
            }
            if isLast, let reply = pending {
                pending = nil
                return reply
            }
        }
        return nil
    }

    private mutating func nextLine() throws(ParseError) -> String? {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength { throw .lineTooLong }
            return nil
        }
        let length = newline - buffer.readerIndex
        guard length <= Self.maximumLineLength else { throw .lineTooLong }
        guard var bytes = buffer.readBytes(length: length + 1) else { return nil }
        bytes.removeLast()  // LF
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        buffer.discardReadBytes()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `250-text` → (250, false, "text"); `250 text` and `250` → (250, true, …).
    private static func parse(_ line: String) throws(ParseError) -> (code: Int, isLast: Bool, text: String) {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ (0x30...0x39).contains($0) }),
              (2...5).contains(bytes[0] - 0x30),
              let code = Int(String(decoding: bytes[0...2], as: UTF8.self))
        else { throw .malformedLine(line) }
        if bytes.count == 3 { return (code, true, "") }
        switch bytes[3] {
        case UInt8(ascii: " "): return (code, true, String(decoding: bytes[4...], as: UTF8.self))
        case UInt8(ascii: "-"): return (code, false, String(decoding: bytes[4...], as: UTF8.self))
        default: throw .malformedLine(line)
        }
    }
}
