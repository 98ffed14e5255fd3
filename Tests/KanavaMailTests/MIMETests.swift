import Foundation
import Testing

@testable import KanavaMail

/// The message renderer: quoted-printable, encoded-words and folding, validation against header injection,
/// whole messages.
@Suite struct MIMETests {
    // MARK: Quoted-printable

    @Test func quotedPrintableEscapes() {
        #expect(QuotedPrintable.encode("a=b") == "a=3Db")
        #expect(QuotedPrintable.encode("Hyvää yötä") == "Hyv=C3=A4=C3=A4 y=C3=B6t=C3=A4")
        #expect(QuotedPrintable.encode("inner  spaces stay") == "inner  spaces stay")
        #expect(QuotedPrintable.encode("trailing space \nand tab\t") == "trailing space=20\r\nand tab=09")
        #expect(QuotedPrintable.encode("From here\nnot From") == "=46rom here\r\nnot From")
        #expect(QuotedPrintable.encode("") == "")
        #expect(QuotedPrintable.encode("\u{0}\u{7F}~!") == "=00=7F~!")
    }

    @Test func quotedPrintableNormalisesLineBreaks() {
        #expect(QuotedPrintable.encode("a\nb\r\nc\rd\n") == "a\r\nb\r\nc\r\nd\r\n")
        #expect(QuotedPrintable.encode("\n\n") == "\r\n\r\n")
    }

    @Test func quotedPrintableSoftBreaksAtSeventySix() {
        let exact = String(repeating: "a", count: 76)
        #expect(QuotedPrintable.encode(exact) == exact)
        let longer = String(repeating: "a", count: 77)
        #expect(QuotedPrintable.encode(longer) == String(repeating: "a", count: 75) + "=\r\n" + "aa")
        // An escape is never split by a soft break, and a space before a soft break stays literal.
        let escapes = String(repeating: "ä", count: 40)
        let spaced = String(repeating: "a", count: 74) + " " + String(repeating: "b", count: 10)
        for text in [escapes, spaced, String(repeating: "=", count: 100), String(repeating: "x ", count: 80)] {
            let encoded = QuotedPrintable.encode(text)
            let lines = encoded.components(separatedBy: "\r\n")
            #expect(lines.allSatisfy { $0.utf8.count <= 76 }, "\(lines)")
            #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
            #expect(lines.allSatisfy { !$0.hasSuffix(" ") && !$0.hasSuffix("\t") })
            #expect(decodeQuotedPrintable(encoded) == text)
        }
        #expect(QuotedPrintable.encode(spaced).hasPrefix(String(repeating: "a", count: 74) + " =\r\n"))
    }

    @Test func quotedPrintableRoundTripsAnyText() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aäöÅ =.\t\n\r€😀x ") + ["\r\n"]
        for _ in 0..<200 {
            let text = String((0..<Int.random(in: 0..<300, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let encoded = QuotedPrintable.encode(text)
            #expect(encoded.unicodeScalars.allSatisfy { $0.isASCII })
            #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 && !$0.hasSuffix(" ") })
            let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            #expect(decodeQuotedPrintable(encoded) == normalised)
        }
    }

    // MARK: Header fields

    @Test func plainASCIISubjectStaysReadableAndFolds() {
        #expect(HeaderField.unstructured("Subject", "Weekly report") == "Subject: Weekly report\r\n")
        let long = String(repeating: "word ", count: 30) + "end"
        let field = HeaderField.unstructured("Subject", long)
        let lines = field.components(separatedBy: "\r\n").dropLast()
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(unfold(field) == "Subject: " + long)
        // Text that merely looks like an encoded-word is encoded, so it reads back as written.
        #expect(HeaderField.unstructured("Subject", "=?UTF-8?B?eA==?=").hasPrefix("Subject: =?UTF-8?B?"))
    }

    @Test func nonASCIISubjectBecomesFoldedEncodedWords() {
        let subject = String(repeating: "Äänekosken kylmäkone pysähtyi – kuittaa heti! ", count: 6)
        let field = HeaderField.unstructured("Subject", subject)
        let lines = field.components(separatedBy: "\r\n").dropLast()
        #expect(lines.count > 3)
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        let words = unfold(field).dropFirst("Subject: ".count).split(separator: " ")
        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        #expect(decodeEncodedWords(words) == subject)
    }

    @Test func encodedWordsNeverSplitACharacter() {
        let family = "👨‍👩‍👧‍👦"  // 25 bytes in one grapheme cluster
        let text = String(repeating: "ä" + family, count: 10)
        let words = HeaderField.encodedWords(text)
        #expect(words.count > 1)
        for word in words {
            let payload = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            let decoded = payload.flatMap { String(bytes: $0, encoding: .utf8) }
            #expect(decoded != nil && decoded?.unicodeScalars.first != "\u{200D}", "a word starts mid-character: \(word)")
        }
        #expect(decodeEncodedWords(words.map { Substring($0) }) == text)
    }

    @Test func displayNames() {
        #expect(HeaderField.addressList("From", [MailAddress("a@example.fi")]) == "From: a@example.fi\r\n")
        #expect(HeaderField.addressList("From", [MailAddress("a@example.fi", name: "Anna \"A\" Aho")])
            == "From: \"Anna \\\"A\\\" Aho\" <a@example.fi>\r\n")
        let finnish = HeaderField.addressList("To", [MailAddress("ville@example.fi", name: "Ville Mäkinen"), MailAddress("b@example.fi")])
        #expect(finnish == "To: =?UTF-8?B?VmlsbGUgTcOka2luZW4=?= <ville@example.fi>,\r\n b@example.fi\r\n"
            || finnish == "To: =?UTF-8?B?VmlsbGUgTcOka2luZW4=?= <ville@example.fi>, b@example.fi\r\n")
    }

    // MARK: Validation (header injection)

    @Test func headerInjectionIsRefused() {
        let base = MailMessage(from: MailAddress("a@example.fi"), to: [MailAddress("b@example.fi")], subject: "s", text: "t")
        var cases: [(String, MailMessage)] = []
        func with(_ label: String, _ change: (inout MailMessage) -> Void) {
            var message = base
            change(&message)
            cases.append((label, message))
        }
        with("CRLF in subject") { $0.subject = "Hei\r\nBcc: x@example.fi" }
        with("LF in subject") { $0.subject = "Hei\nX: y" }
        with("NUL in subject") { $0.subject = "Hei\u{0}" }
        with("header name with a space") { $0.headers = [("X Bad", "1")] }
        with("header name with a colon") { $0.headers = [("X-Bad:", "1")] }
        with("empty header name") { $0.headers = [("", "1")] }
        with("non-ASCII header name") { $0.headers = [("X-Ääni", "1")] }
        with("LF in header value") { $0.headers = [("X-Kanava-Notice", "12\nBcc: x@example.fi")] }
        with("reserved header") { $0.headers = [("bcc", "x@example.fi")] }
        with("Content-Type set by hand") { $0.headers = [("Content-Type", "text/html")] }
        with("CRLF in display name") { $0.from.name = "Anna\r\nBcc: x@example.fi" }
        with("angle bracket in address") { $0.to = [MailAddress("b@example.fi>")] }
        with("CRLF in address") { $0.to = [MailAddress("b@example.fi\r\nDATA")] }
        with("two @") { $0.to = [MailAddress("b@c@example.fi")] }
        with("no @") { $0.to = [MailAddress("example.fi")] }
        with("space in address") { $0.from = MailAddress("a b@example.fi") }
        with("non-ASCII address") { $0.from = MailAddress("äiti@example.fi") }
        with("empty domain label") { $0.from = MailAddress("a@example..fi") }
        with("long local part") { $0.from = MailAddress(String(repeating: "a", count: 65) + "@example.fi") }
        with("long address") { $0.from = MailAddress("a@" + String(repeating: "b.", count: 130) + "fi") }
        with("no recipients") { $0.to = [] }
        with("too many recipients") { $0.to = (0...100).map { MailAddress("r\($0)@example.fi") } }
        with("long subject") { $0.subject = String(repeating: "ä", count: 1001) }

        for (label, message) in cases {
            do {
                _ = try MIMEMessage(message)
                Issue.record("accepted: \(label)")
            } catch let error as SMTPError {
                #expect(error.stage == .message && error.kind == .invalidInput && !error.isTransient, "\(label)")
            } catch {
                Issue.record("\(label): \(error)")
            }
        }
    }

    @Test func acceptableAddressesAndHeaders() throws {
        let message = MailMessage(
            from: MailAddress("first.last+tag@sub.example-domain.fi", name: "Ääkkönen, Öystilä"),
            to: [MailAddress("o'brien@example.com"), MailAddress("X@EXAMPLE.FI"), MailAddress("o'brien@example.com")],
            subject: "", text: "", headers: [("X-Kanava-Notice", "12"), ("Reply-To", "tuki@example.fi")])
        let mime = try MIMEMessage(message)
        #expect(mime.sender == "first.last+tag@sub.example-domain.fi")
        #expect(mime.recipients == ["o'brien@example.com", "X@EXAMPLE.FI"])  // the exact repeat removed
        #expect(mime.rendered.contains("\r\nX-Kanava-Notice: 12\r\n"))
        #expect(mime.rendered.contains("\r\nSubject:\r\n"))
    }

    // MARK: Whole messages

    @Test func singlePartMessage() throws {
        let date = Date(timeIntervalSince1970: 1_763_971_509)  // Mon, 24 Nov 2025 08:05:09 UTC
        let message = MailMessage(from: MailAddress("ilmoitukset@kanava.example.fi"), to: [MailAddress("a@example.fi")],
                                  subject: "Hei", text: "Rivi 1\nRivi 2")
        let mime = try MIMEMessage(message, date: date, randomToken: { "0123abcd" })
        #expect(mime.messageID == "0123abcd@kanava.example.fi")
        #expect(mime.rendered == """
            Date: Mon, 24 Nov 2025 08:05:09 +0000\r
            From: ilmoitukset@kanava.example.fi\r
            To: a@example.fi\r
            Subject: Hei\r
            Message-ID: <0123abcd@kanava.example.fi>\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Rivi 1\r
            Rivi 2\r

            """)
    }

    @Test func multipartAlternativeHasTextThenHTML() throws {
        let message = MailMessage(from: MailAddress("a@example.fi"), to: [MailAddress("b@example.fi")],
                                  subject: "Hei", text: "Teksti", html: "<p>HTML</p>")
        let mime = try MIMEMessage(message, randomToken: { "feed" })
        let boundary = "=_kanava_feed"
        #expect(mime.rendered.contains("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n--\(boundary)\r\n"))
        let text = try #require(mime.rendered.range(of: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nTeksti\r\n--\(boundary)\r\n"))
        let html = try #require(mime.rendered.range(of: "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>HTML</p>\r\n--\(boundary)--\r\n"))
        #expect(text.lowerBound < html.lowerBound)
        #expect(mime.rendered.hasSuffix("--\(boundary)--\r\n"))
    }

    @Test func randomTokensDiffer() throws {
        let message = MailMessage(from: MailAddress("a@example.fi"), to: [MailAddress("b@example.fi")], subject: "", text: "", html: "")
        let first = try MIMEMessage(message), second = try MIMEMessage(message)
        #expect(first.messageID != second.messageID)
        #expect(first.messageID.firstMatch(of: /^[0-9a-f]{32}@example\.fi$/) != nil)
        #expect(MIMEMessage.rfc5322Date(Date()).firstMatch(of: /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000$/) != nil)
    }

    // MARK: Decoders for checking

    /// A minimal quoted-printable decoder (soft breaks, `=XX`, CRLF to LF).
    private func decodeQuotedPrintable(_ encoded: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(encoded.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "\r\n", with: "\n").utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "="), index + 2 < input.count,
               let byte = UInt8(String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func unfold(_ field: String) -> String {
        field.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n", with: "")
    }

    /// Joins B-encoded UTF-8 words (whitespace between them is not part of the text).
    private func decodeEncodedWords(_ words: [Substring]) -> String? {
        var bytes = Data()
        for word in words {
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                  let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
            bytes.append(data)
        }
        return String(data: bytes, encoding: .utf8)
    }
}
