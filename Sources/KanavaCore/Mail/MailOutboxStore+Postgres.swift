import Foundation
import PostgresNIO

extension PostgresStore: MailOutboxStore {
    public func dueMails(at time: Date, limit: Int) async throws -> [QueuedMail] {
        try await read("dueMails") { db in
            try await db.rows("""
                SELECT * FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= \(time) ORDER BY id LIMIT \(limit)
                """).map { row in
                QueuedMail(id: try row["id"],
                           mail: OutgoingMail(recipient: try row["recipient"], recipientName: try row["recipient_name"], subject: try row["subject"],
                                              text: try row["text"], html: try row["html"], purpose: try row["purpose"]),
                           attempts: try row["attempts"])
            }
        }
    }

    public func markMailSent(_ id: Int64, at time: Date) async throws {
        try await write("markMailSent") { db in
            _ = try await db.execute("UPDATE mail_outbox SET sent_at = \(time), attempts = attempts + 1, last_error = NULL WHERE id = \(id)")
        }
    }

    public func markMailFailed(_ id: Int64, error: String, retryAt: Date?, at time: Date) async throws {
        // No retry: given up now.
        let failedAt: Date? = retryAt == nil ? time : nil
        try await write("markMailFailed") { db in
            _ = try await db.execute("""
                UPDATE mail_outbox SET attempts = attempts + 1, last_error = \(String(error.prefix(500))),
                    next_attempt_at = COALESCE(\(retryAt), next_attempt_at), failed_at = \(failedAt)
                WHERE id = \(id)
                """)
        }
    }

    public func pendingMailCount() async throws -> Int {
        try await read("pendingMailCount") { db in
            try await db.value("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL", as: Int.self) ?? 0
        }
    }
}

extension PostgresDB {
    /// Queues mails inside the caller's transaction.
    func enqueue(_ mails: [OutgoingMail], at time: Date) async throws {
        for mail in mails {
            try await execute("""
                INSERT INTO mail_outbox (recipient, recipient_name, subject, text, html, purpose, created_at, next_attempt_at)
                VALUES (\(mail.recipient), \(mail.recipientName), \(mail.subject), \(mail.text), \(mail.html), \(mail.purpose), \(time), \(time))
                """)
        }
    }
}
