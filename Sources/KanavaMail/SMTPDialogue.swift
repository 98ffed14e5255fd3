import Foundation
import Logging
import NIOCore
import NIOSSL

/// The conversation on one connection, step by step (RFC 5321 §3, RFC 3207, RFC 4954).
struct SMTPDialogue {
    let connection: SMTPConnection
    let settings: SMTPSettings
    let logger: Logger
    /// True once TLS is under the conversation (implicit TLS or after STARTTLS).
    private var isEncrypted: Bool

    init(connection: SMTPConnection, settings: SMTPSettings, logger: Logger) {
        self.connection = connection
        self.settings = settings
        self.logger = logger
        self.isEncrypted = settings.security == .tls
    }

    /// Greeting, EHLO, STARTTLS and AUTH as configured, then the envelope and the message. Returns once the
    /// server has accepted the message.
    mutating func deliver(_ message: MIMEMessage, tlsContext: NIOSSLContext?) async throws {
        let greeting = try await step(.greeting) { try await connection.readReply() }
        logger.debug("S: \(greeting.code) \(greeting.text)")
        try expect(greeting, [220], at: .greeting)

        var capabilities = try await ehlo()
        if settings.security == .startTLS {
            guard let tlsContext else { preconditionFailure("send(_:) makes a TLS context for .startTLS") }
            guard capabilities.supports("STARTTLS") else {
                throw SMTPError(stage: .startTLS, kind: .insecure,
                                detail: "the server does not offer STARTTLS; refusing to go on unencrypted")
            }
            try await command("STARTTLS", expect: [220], at: .startTLS)
            try await step(.startTLS) {
                try await connection.startTLS(context: tlsContext, serverHostname: settings.serverHostname)
            }
            isEncrypted = true
            capabilities = try await ehlo()
        }
        if let credentials = settings.credentials {
            try await authenticate(credentials, mechanisms: capabilities.authMechanisms)
        }

        try await command("MAIL FROM:<\(message.sender)>", expect: [250], at: .mailFrom)
        for recipient in message.recipients {
            do {
                try await command("RCPT TO:<\(recipient)>", expect: [250, 251], at: .rcptTo)
            } catch var error as SMTPError where error.kind == .rejected {
                error.detail = "the server refused the recipient \(recipient)"
                throw error
            }
        }
        try await command("DATA", expect: [354], at: .data)
        try await send(DotStuffing.dataBlock(message.rendered), logAs: "<message, \(message.rendered.utf8.count) bytes>",
                       expect: [250], at: .data)
    }

    /// Says goodbye and waits for the answer, best effort: an error here changes nothing for the message.
    func quit() async {
        _ = try? await send(ByteBuffer(string: "QUIT\r\n"), logAs: "QUIT", expect: [221], at: .data)
    }

    /// Says goodbye after a refusal without waiting: the server may be closing already (421).
    func quitWithoutWaiting() {
        logger.debug("C: QUIT")
        connection.sendAndForget(ByteBuffer(string: "QUIT\r\n"))
    }

    private func ehlo() async throws -> SMTPCapabilities {
        let reply = try await command("EHLO \(settings.heloName)", expect: [250], at: .ehlo)
        return SMTPCapabilities(ehlo: reply)
    }

    /// AUTH PLAIN, or AUTH LOGIN if the server offers only that (RFC 4954). Credentials go only over TLS or to
    /// a server on loopback, and are never logged.
    private func authenticate(_ credentials: (username: String, password: String), mechanisms: Set<String>) async throws {
        guard isEncrypted || connection.isLoopbackPeer else {
            throw SMTPError(stage: .auth, kind: .insecure,
                            detail: "refusing to send credentials over an unencrypted connection to a server not on loopback")
        }
        if mechanisms.contains("PLAIN") {
            let token = base64("\0\(credentials.username)\0\(credentials.password)")
            try await command("AUTH PLAIN \(token)", logAs: "AUTH PLAIN <redacted>", expect: [235], at: .auth)
        } else if mechanisms.contains("LOGIN") {
            try await command("AUTH LOGIN", expect: [334], at: .auth)
            try await command(base64(credentials.username), logAs: "<redacted>", expect: [334], at: .auth)
            try await command(base64(credentials.password), logAs: "<redacted>", expect: [235], at: .auth)
        } else {
            let offered = mechanisms.isEmpty ? "none" : mechanisms.sorted().joined(separator: " ")
            throw SMTPError(stage: .auth, kind: .unsupported,
                            detail: "a username is set but the server offers neither AUTH PLAIN nor LOGIN (offered: \(offered))")
        }
    }

    /// Sends one command line and checks the reply's code.
    @discardableResult
    private func command(_ line: String, logAs shown: String? = nil, expect codes: Set<Int>, at stage: SMTPError.Stage) async throws -> SMTPReply {
        try await send(ByteBuffer(string: line + "\r\n"), logAs: shown ?? line, expect: codes, at: stage)
    }

    @discardableResult
    private func send(_ bytes: ByteBuffer, logAs shown: String, expect codes: Set<Int>, at stage: SMTPError.Stage) async throws -> SMTPReply {
        logger.debug("C: \(shown)")
        let reply = try await step(stage) { try await connection.send(bytes) }
        logger.debug("S: \(reply.code) \(reply.text)")
        try expect(reply, codes, at: stage)
        return reply
    }

    private func expect(_ reply: SMTPReply, _ codes: Set<Int>, at stage: SMTPError.Stage) throws {
        guard !codes.contains(reply.code) else { return }
        if (400..<600).contains(reply.code) {
            throw SMTPError(stage: stage, kind: .rejected, detail: "the server refused", code: reply.code, serverText: reply.text)
        }
        throw SMTPError(stage: stage, kind: .protocolViolation,
                        detail: "unexpected reply, wanted \(codes.sorted().map(String.init).joined(separator: " or "))",
                        code: reply.code, serverText: reply.text)
    }

    /// Runs one step, turning connection failures into ``SMTPError``s of `stage`.
    private func step<T>(_ stage: SMTPError.Stage, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw SMTPError(stage: stage, cause: error)
        }
    }

    private func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}
