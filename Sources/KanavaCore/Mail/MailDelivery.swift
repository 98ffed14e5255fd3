import Foundation
import Logging

/// Sends one e-mail. An error whose ``MailTransportFailure/isTransient`` is true is tried again later.
public protocol MailTransport: Sendable {
    func send(_ mail: OutgoingMail) async throws
}

/// What a transport's errors say about trying again.
public protocol MailTransportFailure: Error {
    /// True: worth another attempt (connection refused, timeout, 4xx). False: the server refused for good.
    var isTransient: Bool { get }
}

/// Drains the mail outbox through a transport, apart from everything else: a slow or failing mail server never
/// holds up chat or notices. A failed attempt is retried with exponential back-off (1 min, 2, 4, … at most an hour
/// apart) up to ``maxAttempts``, then given up and logged as an error.
public struct MailDelivery: Sendable {
    public static let maxAttempts = 12
    static let batch = 50

    let outbox: any MailOutboxStore
    let transport: any MailTransport
    let clock: any WallClock
    let logger: Logger

    public init(outbox: any MailOutboxStore, transport: any MailTransport, clock: any WallClock, logger: Logger) {
        self.outbox = outbox
        self.transport = transport
        self.clock = clock
        self.logger = logger
    }

    /// Attempts every mail that is due; returns how many were sent.
    public func deliverDue() async throws -> Int {
        var sent = 0
        for queued in try await outbox.dueMails(at: clock.now(), limit: Self.batch) {
            do {
                try await transport.send(queued.mail)
                try await outbox.markMailSent(queued.id, at: clock.now())
                sent += 1
                logger.info("mail sent", metadata: ["mail": "\(queued.id)", "purpose": "\(queued.mail.purpose)"])
            } catch {
                let attempt = queued.attempts + 1
                let transient = (error as? any MailTransportFailure)?.isTransient ?? true
                let retryAt = transient && attempt < Self.maxAttempts ? clock.now().addingTimeInterval(Self.backOffSeconds(attempt: attempt)) : nil
                try await outbox.markMailFailed(queued.id, error: "\(error)", retryAt: retryAt, at: clock.now())
                if retryAt == nil {
                    logger.error("mail given up", metadata: ["mail": "\(queued.id)", "purpose": "\(queued.mail.purpose)", "attempts": "\(attempt)", "error": "\(error)"])
                } else {
                    logger.warning("mail not sent; will retry", metadata: ["mail": "\(queued.id)", "attempt": "\(attempt)", "error": "\(error)"])
                }
            }
        }
        return sent
    }

    /// Seconds to wait after the given failed attempt: 60 · 2^(attempt−1), at most an hour.
    public static func backOffSeconds(attempt: Int) -> TimeInterval {
        min(3600, 60 * pow(2, Double(max(0, attempt - 1))))
    }
}
