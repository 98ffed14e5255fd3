import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends e-mail through one SMTP server, one message per connection.
///
/// ```swift
/// let client = SMTPClient(settings: SMTPSettings(host: "smtp.example.fi", port: 587, security: .startTLS,
///                                                username: "kanava", password: secret), logger: logger)
/// try await client.send(MailMessage(from: sender, to: [recipient], subject: "Hei", text: "…"))
/// ```
public struct SMTPClient: Sendable {
    private let settings: SMTPSettings
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    public init(settings: SMTPSettings, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger) {
        self.settings = settings
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Sends one message on a fresh connection. Throws SMTPError.
    ///
    /// The message and settings are checked before connecting. The connection is closed when this returns,
    /// also after an error or cancellation. A cancelled send throws `CancellationError`.
    public func send(_ message: MailMessage) async throws {
        try settings.validate()
        let mime = try MIMEMessage(message)
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = settings.security == .none ? nil : try NIOSSLContext(configuration: settings.tls)
        } catch {
            throw SMTPError(stage: .connect, kind: .tls, detail: "the TLS configuration is unusable: \(error)")
        }

        var logger = self.logger
        logger[metadataKey: "smtp.server"] = "\(settings.host):\(settings.port)"
        logger[metadataKey: "smtp.message-id"] = "\(mime.messageID)"

        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.connect(
                host: settings.host, port: settings.port, timeout: settings.timeout,
                implicitTLS: settings.security == .tls ? tlsContext : nil, serverHostname: settings.serverHostname,
                group: eventLoopGroup)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw SMTPError(stage: .connect, cause: error)
        }
        var dialogue = SMTPDialogue(connection: connection, settings: settings, logger: logger)
        do {
            try Task.checkCancellation()
            try await dialogue.deliver(mime, tlsContext: tlsContext)
        } catch {
            if let error = error as? SMTPError, error.kind == .rejected { dialogue.quitWithoutWaiting() }
            await connection.close()
            if Task.isCancelled { throw CancellationError() }
            logger.debug("not sent", metadata: ["smtp.error": "\(error)"])
            throw error
        }
        // Delivered: the server has taken responsibility for the message, whatever QUIT brings.
        await dialogue.quit()
        await connection.close()
        logger.info("sent", metadata: ["smtp.recipients": "\(mime.recipients.count)"])
    }
}
