import Foundation
import GRDB

/// An e-mail to send: written to the outbox in the same transaction as what caused it, sent later with retries.
public struct OutgoingMail: Sendable, Hashable {
    public var recipient: String
    public var recipientName: String?
    public var subject: String
    public var text: String
    public var html: String?
    /// What it is for, in logs and the outbox (`notice.reminder`, `notice.escalation`, …).
    public var purpose: String

    public init(recipient: String, recipientName: String?, subject: String, text: String, html: String?, purpose: String) {
        self.recipient = recipient
        self.recipientName = recipientName
        self.subject = subject
        self.text = text
        self.html = html
        self.purpose = purpose
    }
}

/// A mail waiting in the outbox.
public struct QueuedMail: Sendable, Hashable {
    public var id: Int64
    public var mail: OutgoingMail
    /// Attempts made so far.
    public var attempts: Int
}

public protocol MailOutboxStore: Sendable {
    /// Mails due for an attempt at `time`, oldest first.
    func dueMails(at time: Date, limit: Int) async throws -> [QueuedMail]
    func markMailSent(_ id: Int64, at time: Date) async throws
    /// Records a failed attempt; `retryAt` nil gives the mail up.
    func markMailFailed(_ id: Int64, error: String, retryAt: Date?, at time: Date) async throws
    /// Mails not yet sent nor given up.
    func pendingMailCount() async throws -> Int
}

extension SQLiteStore: MailOutboxStore {
    public func dueMails(at time: Date, limit: Int) async throws -> [QueuedMail] {
        try await read("dueMails") { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?
                """, arguments: [time, limit]).map { row in
                QueuedMail(id: row["id"], mail: OutgoingMail(recipient: row["recipient"], recipientName: row["recipient_name"], subject: row["subject"],
                                                             text: row["text"], html: row["html"], purpose: row["purpose"]),
                           attempts: row["attempts"])
            }
        }
    }

    public func markMailSent(_ id: Int64, at time: Date) async throws {
        try await write("markMailSent") { db in
            try db.execute(sql: "UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", arguments: [time, id])
        }
    }

    public func markMailFailed(_ id: Int64, error: String, retryAt: Date?, at time: Date) async throws {
        try await write("markMailFailed") { db in
            try db.execute(sql: """
                UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                    failed_at = CASE WHEN ? IS NULL THEN ? ELSE NULL END
                WHERE id = ?
                """, arguments: [String(error.prefix(500)), retryAt, retryAt, time, id])
        }
    }

    public func pendingMailCount() async throws -> Int {
        try await read("pendingMailCount") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL") ?? 0
        }
    }
}

extension Database {
    /// Queues mails inside the caller's transaction.
    func enqueue(_ mails: [OutgoingMail], at time: Date) throws {
        for mail in mails {
            try cachedStatement(sql: """
                INSERT INTO mail_outbox (recipient, recipient_name, subject, text, html, purpose, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [mail.recipient, mail.recipientName, mail.subject, mail.text, mail.html, mail.purpose, time, time])
        }
    }
}
