import NIOCore
import Testing

@testable import KanavaMail

/// The SMTP pieces that need no server: dot-stuffing, reply parsing, settings, error classification.
@Suite struct SMTPProtocolTests {
    @Test func dotStuffing() {
        func stuffed(_ text: String) -> String { String(buffer: DotStuffing.dataBlock(text)) }
        #expect(stuffed(".a\r\nb\r\n.\r\n") == "..a\r\nb\r\n..\r\n.\r\n")
        #expect(stuffed("a.\r\n..b\r\nc") == "a.\r\n...b\r\nc\r\n.\r\n")
        #expect(stuffed("") == ".\r\n")
    }

    @Test func replyParser() throws {
        var parser = SMTPReplyParser()
        parser.append(ByteBuffer(string: "250-mail.example.fi greets kanava\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n25"))
        #expect(try parser.nextReply() == nil)
        #expect(parser.hasBufferedInput)
        parser.append(ByteBuffer(string: "0 8BITMIME\r\n220 ready\n"))
        let ehlo = try #require(try parser.nextReply())
        #expect(ehlo.code == 250)
        #expect(ehlo.lines == ["mail.example.fi greets kanava", "STARTTLS", "AUTH PLAIN LOGIN", "8BITMIME"])
        let capabilities = SMTPCapabilities(ehlo: ehlo)
        #expect(capabilities.supports("STARTTLS") && capabilities.supports("8BITMIME") && !capabilities.supports("SIZE"))
        #expect(capabilities.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(try parser.nextReply() == SMTPReply(code: 220, lines: ["ready"]))
        #expect(!parser.hasBufferedInput)

        parser.append(ByteBuffer(string: "354\r\n"))
        #expect(try parser.nextReply() == SMTPReply(code: 354, lines: [""]))
    }

    @Test func replyParserRefusesGarbage() {
        for garbage in ["250-a\r\n251 b\r\n", "HTTP/1.1 400 Bad Request\r\n", "25\r\n", "250x\r\n", "999 no\r\n",
                        String(repeating: "x", count: 5000)] {
            var parser = SMTPReplyParser()
            parser.append(ByteBuffer(string: garbage))
            #expect(throws: SMTPReplyParser.ParseError.self, "\(garbage.prefix(30))") { _ = try parser.nextReply() }
        }
        var parser = SMTPReplyParser()
        parser.append(ByteBuffer(string: String(repeating: "250-x\r\n", count: 300)))
        #expect(throws: SMTPReplyParser.ParseError.tooManyLines) { _ = try parser.nextReply() }
    }

    @Test func transientOrNot() {
        #expect(SMTPError(stage: .rcptTo, kind: .rejected, detail: "", code: 450).isTransient)
        #expect(!SMTPError(stage: .rcptTo, kind: .rejected, detail: "", code: 550).isTransient)
        #expect(SMTPError(stage: .connect, kind: .connectionFailed, detail: "").isTransient)
        #expect(SMTPError(stage: .data, kind: .timedOut, detail: "").isTransient)
        #expect(!SMTPError(stage: .startTLS, kind: .insecure, detail: "").isTransient)
        #expect(!SMTPError(stage: .message, kind: .invalidInput, detail: "").isTransient)
        #expect(SMTPError(stage: .auth, kind: .rejected, detail: "the server refused", code: 535, serverText: "5.7.8 no")
            .description == "SMTP auth: the server refused (server: 535 5.7.8 no) [permanent]")
    }

    @Test func settingsValidation() {
        let good = SMTPSettings(host: "smtp.example.fi", port: 587, security: .startTLS)
        #expect(throws: Never.self) { try good.validate() }
        var bad = [good, good, good, good, good]
        bad[0].port = 0
        bad[1].heloName = "two words"
        bad[2].host = "smtp.example.fi\r\nX"
        bad[3].username = "kanava"; bad[3].password = "a\u{0}b"
        bad[4].timeout = .zero
        for settings in bad {
            #expect(throws: SMTPError.self) { try settings.validate() }
        }
        #expect(SMTPSettings(host: "127.0.0.1", port: 25, security: .tls).serverHostname == nil)
        #expect(SMTPSettings(host: "::1", port: 25, security: .tls).serverHostname == nil)
        #expect(SMTPSettings(host: "smtp.example.fi", port: 25, security: .tls).serverHostname == "smtp.example.fi")
        #expect(SMTPSettings(host: "h", port: 25, security: .none, username: "").credentials == nil)
    }
}
