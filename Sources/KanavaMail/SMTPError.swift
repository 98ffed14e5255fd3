/// Why sending a message failed: at which stage, what went wrong, and what the server said if it said anything.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// The step of sending that failed.
    public enum Stage: String, Sendable {
        /// Checking the message and the settings, before any connection is made.
        case message
        case connect, greeting, ehlo, startTLS, auth, mailFrom, rcptTo, data
    }

    /// What kind of failure it was; decides ``isTransient``.
    public enum Kind: Sendable, Equatable {
        /// A bad address, header or setting, found before connecting.
        case invalidInput
        /// Refused for safety: the server does not offer STARTTLS, or credentials would travel unencrypted.
        case insecure
        /// The server offers nothing the client can use (no AUTH PLAIN or LOGIN).
        case unsupported
        /// No connection could be made, or the server closed it.
        case connectionFailed
        /// A step took longer than ``SMTPSettings/timeout``.
        case timedOut
        /// The server answered with an error reply; ``SMTPError/code`` and ``SMTPError/serverText`` say which.
        case rejected
        /// The server's reply was malformed or not one SMTP allows at this point.
        case protocolViolation
        /// The TLS handshake failed (for example, the certificate was not trusted).
        case tls
    }

    public var stage: Stage
    public var kind: Kind
    /// What went wrong, in words.
    public var detail: String
    /// The server's reply code, when the server answered.
    public var code: Int?
    /// The server's reply text (lines joined with a space), when the server answered.
    public var serverText: String?

    public init(stage: Stage, kind: Kind, detail: String, code: Int? = nil, serverText: String? = nil) {
        self.stage = stage
        self.kind = kind
        self.detail = detail
        self.code = code
        self.serverText = serverText
    }

    /// True when sending again later may succeed: connection failures, timeouts and 4xx replies. False for 5xx
    /// replies, local validation errors, refusals for safety and TLS failures, which need someone to act.
    public var isTransient: Bool {
        switch kind {
        case .connectionFailed, .timedOut: true
        case .rejected: (400..<500).contains(code ?? 500)
        case .invalidInput, .insecure, .unsupported, .protocolViolation, .tls: false
        }
    }

    public var description: String {
        var text = "SMTP \(stage.rawValue): \(detail)"
        if let code {
            text += " (server: \(code)"
            if let serverText, !serverText.isEmpty { text += " \(serverText)" }
            text += ")"
        }
        return text + (isTransient ? " [transient]" : " [permanent]")
    }

    static func invalid(_ detail: String) -> SMTPError {
        SMTPError(stage: .message, kind: .invalidInput, detail: detail)
    }
}
