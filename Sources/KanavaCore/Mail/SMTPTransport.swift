import Foundation
import KanavaMail
import Logging
import NIOSSL

/// Sends outbox mail through the configured SMTP server (``KanavaMail/SMTPClient``), one connection per mail.
public struct SMTPTransport: MailTransport {
    let client: SMTPClient
    let sender: MailAddress

    /// Reads `smtp.*`; throws a ``ConfigError`` for a CA file that cannot be read.
    public init(config: KanavaConfig.SMTP, logger: Logger) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !config.caCertificate.isEmpty {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(config.caCertificate))
            } catch {
                throw ConfigError(key: "smtp.ca_certificate", problem: "cannot read \(config.caCertificate): \(error)")
            }
        }
        let security: SMTPSettings.Security = switch config.security {
        case "tls": .tls
        case "none": .none
        default: .startTLS
        }
        client = SMTPClient(settings: SMTPSettings(host: config.host, port: config.port, security: security,
                                                   username: config.username, password: config.password, tls: tls),
                            logger: logger)
        sender = MailAddress(config.sender, name: "Kanava")
    }

    public func send(_ mail: OutgoingMail) async throws {
        try await client.send(MailMessage(from: sender, to: [MailAddress(mail.recipient, name: mail.recipientName)], subject: mail.subject,
                                          text: mail.text, html: mail.html, headers: [("X-Kanava-Purpose", mail.purpose)]))
    }
}

extension SMTPError: MailTransportFailure {}
