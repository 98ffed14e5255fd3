import Foundation
import GRDB

extension SQLiteStore: PrivacyStore {
    public func erasePerson(_ id: PersonID, as erased: PersonRef, at time: Date, dryRun: Bool) async throws -> Committed<ErasureCounts> {
        try await write("erasePerson") { db in
            var result = Committed(ErasureCounts(), events: [])
            // A savepoint inside the write transaction: a dry run does everything and rolls it back.
            try db.inSavepoint {
                guard let person = try Row.fetchOne(db, sql: "SELECT email FROM person WHERE id = ?", arguments: [id.rawValue]) else {
                    throw KanavaError.notFound("person \(id)")
                }
                let emailKey = EmailAddress.key(person["email"])
                var counts = ErasureCounts()

                // Their name and e-mail inside stored data: every JSON object naming them by e-mail (a person reference:
                // authors, members, mentions) gets the erased name and e-mail. Texts they are mentioned in stay as written.
                counts.events = try Self.anonymiseJSON(db, table: "channel_event", column: "payload", key: "account_id = ? AND seq = ?",
                                                       keyColumns: ["account_id", "seq"], emailKey: emailKey, erased: erased)
                counts.mentions = try Self.anonymiseJSON(db, table: "message", column: "mentions", key: "id = ?", keyColumns: ["id"],
                                                         emailKey: emailKey, erased: erased)

                let memberships = try Row.fetchAll(db, sql: "DELETE FROM membership WHERE person_id = ? RETURNING *", arguments: [id.rawValue])
                    .map(Membership.init(row:))
                counts.memberships = memberships.count
                try db.execute(sql: "DELETE FROM session WHERE person_id = ?", arguments: [id.rawValue])
                counts.sessions = db.changesCount
                try db.execute(sql: "DELETE FROM calendar_feed WHERE person_id = ?", arguments: [id.rawValue])
                counts.calendarFeeds = db.changesCount
                try db.execute(sql: "DELETE FROM read_marker WHERE person_id = ?", arguments: [id.rawValue])
                counts.readMarkers = db.changesCount
                // Follow-up state of notices they no longer owe an acknowledgement of (they are no member anywhere).
                try db.execute(sql: "DELETE FROM notice_follow_up WHERE person_id = ?", arguments: [id.rawValue])
                try db.execute(sql: "DELETE FROM mail_outbox WHERE lower(trim(recipient)) = ?", arguments: [emailKey])
                counts.mails = db.changesCount
                try db.execute(sql: "UPDATE roster_change SET email = ? WHERE lower(trim(email)) = ?", arguments: [erased.email, emailKey])
                counts.rosterEntries = db.changesCount
                try db.execute(sql: """
                    UPDATE person SET name = ?, email = ?, email_key = ?, password_hash = NULL, global_role = NULL, language = NULL WHERE id = ?
                    """, arguments: [erased.name, erased.email, EmailAddress.key(erased.email), id.rawValue])

                let drafts = try memberships.map { try AccountService.event(.membershipRemoved, $0, erased) }
                result = Committed(counts, events: try db.append(drafts, at: time))
                if dryRun { result.events = [] }
                return dryRun ? .rollback : .commit
            }
            return result
        }
    }

    /// Replaces the name and e-mail of every JSON object in `table.column` whose `email` is `emailKey` (any case);
    /// returns the number of rows changed.
    private static func anonymiseJSON(_ db: Database, table: String, column: String, key: String, keyColumns: [String],
                                      emailKey: String, erased: PersonRef) throws -> Int {
        let keys = keyColumns.map { "t.\($0)" }.joined(separator: ", ")
        let rows = try Row.fetchAll(db, sql: """
            SELECT \(keys), j.path FROM \(table) t, json_tree(t.\(column)) j
            WHERE instr(lower(t.\(column)), ?) > 0 AND j.key = 'email' AND lower(trim(j.atom)) = ?
            """, arguments: [emailKey, emailKey])
        var changed = Set<[DatabaseValue]>()
        for row in rows {
            let rowKey = keyColumns.map { row[$0] as DatabaseValue }
            let path: String = row["path"]
            try db.execute(sql: """
                UPDATE \(table) SET \(column) = json_set(\(column), ? || '.email', ?, ? || '.name', ?) WHERE \(key)
                """, arguments: StatementArguments([path, erased.email, path, erased.name]) + StatementArguments(rowKey))
            changed.insert(rowKey)
        }
        return changed.count
    }
}
