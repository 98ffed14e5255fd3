import Foundation

/// Header fields: checking names and values, RFC 2047 encoded-words for non-ASCII text, and folding.
///
/// Every rendered field is 7-bit ASCII, ends in CRLF, and is folded so that lines stay within 76 characters
/// (RFC 2047's limit for lines with encoded-words) unless a single unbreakable ASCII word is longer.
enum HeaderField {
    /// The longest header value accepted, in UTF-8 bytes.
    static let maximumValueLength = 2000
    /// Fields the renderer writes itself, which extra headers may not repeat (lower case).
    static let reservedNames: Set<String> = [
        "date", "from", "sender", "to", "cc", "bcc", "subject", "message-id", "mime-version", "content-type",
        "content-transfer-encoding", "return-path",
    ]
    /// The folding limit for header lines.
    static let lineLimit = 76
    /// Bytes of text per encoded-word: 39 bytes are 52 base64 characters, so `=?UTF-8?B?…?=` is 64 characters,
    /// which leaves room for `Subject: ` on the first line and stays under RFC 2047's 75.
    static let encodedWordPayload = 39

    /// True if `text` has a C0 or C1 control character (this includes CR, LF, NUL and tab) or DEL.
    static func containsControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// Throws a non-transient ``SMTPError`` unless `name` is a token that the renderer does not write itself
    /// and `value` has no control characters and a bounded length.
    static func validate(name: String, value: String) throws {
        let tchar = "!#$%&'*+-.^_`|~".utf8
        let isToken = (1...76).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || tchar.contains(byte)
        }
        guard isToken else { throw SMTPError.invalid("a header name is not a token: \(name.debugDescription)") }
        guard !reservedNames.contains(name.lowercased()) else {
            throw SMTPError.invalid("the header \(name) is written by the mail client and cannot be set")
        }
        try validate(value: value, of: name)
    }

    /// Throws a non-transient ``SMTPError`` if `value` has a control character or is too long.
    static func validate(value: String, of name: String) throws {
        guard !containsControlCharacter(value) else {
            throw SMTPError.invalid("the \(name) header contains a control character or line break")
        }
        guard value.utf8.count <= maximumValueLength else {
            throw SMTPError.invalid("the \(name) header is longer than \(maximumValueLength) bytes")
        }
    }

    /// `name: value` for free text (RFC 5322 `unstructured`): kept as it is if it is plain ASCII, otherwise
    /// as UTF-8 encoded-words.
    static func unstructured(_ name: String, _ value: String) -> String {
        fold(name, tokens: isPlainASCII(value) ? value.split(separator: " ").map(String.init) : encodedWords(value))
    }

    /// `name: address, address` with display names quoted or encoded as needed.
    static func addressList(_ name: String, _ addresses: [MailAddress]) -> String {
        var tokens: [String] = []
        for (index, address) in addresses.enumerated() {
            var phrase: [String] = []
            if let displayName = address.name, !displayName.isEmpty {
                if isPlainASCII(displayName) {
                    let escaped = displayName.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    phrase = ["\"\(escaped)\"", "<\(address.email)>"]
                } else {
                    phrase = encodedWords(displayName) + ["<\(address.email)>"]
                }
            } else {
                phrase = [address.email]
            }
            if index < addresses.count - 1 { phrase[phrase.count - 1] += "," }
            tokens += phrase
        }
        return fold(name, tokens: tokens)
    }

    /// `text` as one or more `=?UTF-8?B?…?=` words, each at most 64 characters, never splitting a UTF-8
    /// sequence (nor a grapheme cluster, unless one alone is too long for a word). Decoders join adjacent
    /// encoded-words without the space between them, so the text comes back exactly.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func append(_ bytes: some Collection<UInt8>) {
            if chunk.count + bytes.count > encodedWordPayload, !chunk.isEmpty {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += bytes
        }
        for character in text {
            if character.utf8.count <= encodedWordPayload {
                append(character.utf8)
            } else {
                for scalar in character.unicodeScalars { append(String(scalar).utf8) }
            }
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
    }

    /// Printable ASCII that can go into a header as it is: no `=?` that a reader could take for an
    /// encoded-word, no leading, trailing or doubled spaces (folding would blur them), no word too long for a line.
    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
            && !text.contains("=?") && !text.hasPrefix(" ") && !text.hasSuffix(" ") && !text.contains("  ")
            && text.split(separator: " ").allSatisfy { $0.utf8.count <= lineLimit - 2 }
    }

    /// `name:` and the tokens separated by single spaces, folded (CRLF and a space) before a token that would
    /// take the line past ``lineLimit``; the first token always stays on the name's line.
    static func fold(_ name: String, tokens: [String]) -> String {
        var field = name + ":"
        var lineLength = field.utf8.count
        var lineHasToken = false
        for token in tokens {
            if lineHasToken && lineLength + 1 + token.utf8.count > lineLimit {
                field += "\r\n "
                lineLength = 1
            } else {
                field += " "
                lineLength += 1
            }
            field += token
            lineLength += token.utf8.count
            lineHasToken = true
        }
        return field + "\r\n"
    }
}
