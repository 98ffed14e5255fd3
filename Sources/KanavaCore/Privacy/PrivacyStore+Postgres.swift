import Foundation
import PostgresNIO

extension PostgresStore: PrivacyStore {
    public func erasePerson(_ id: PersonID, as erased: PersonRef, at time: Date, dryRun: Bool) async throws -> Committed<ErasureCounts> {
        try await write("erasePerson") { db in
            // A savepoint inside the write transaction: a dry run does everything and rolls it back (its events and
            // their notifications included).
            try await db.execute("SAVEPOINT erase_person")
            // The person's row is locked until the end: nothing else changes them meanwhile.
            guard let person = try await db.row("SELECT email FROM person WHERE id = \(id.rawValue) FOR UPDATE") else {
                throw KanavaError.notFound("person \(id)")
            }
            let emailKey = EmailAddress.key(try person["email"])
            var counts = ErasureCounts()

            // Their name and e-mail inside stored data: every JSON object naming them by e-mail (a person reference:
            // authors, members, mentions) gets the erased name and e-mail. Texts they are mentioned in stay as written.
            counts.events = try await Self.anonymiseJSON(db, table: "channel_event", column: "payload", keyColumns: ["account_id", "seq"],
                                                         emailKey: emailKey, erased: erased)
            counts.mentions = try await Self.anonymiseJSON(db, table: "message", column: "mentions", keyColumns: ["id"],
                                                           emailKey: emailKey, erased: erased)

            let memberships = try await db.rows("DELETE FROM membership WHERE person_id = \(id.rawValue) RETURNING *").map(Membership.init(pg:))
            counts.memberships = memberships.count
            counts.sessions = try await db.execute("DELETE FROM session WHERE person_id = \(id.rawValue)")
            counts.calendarFeeds = try await db.execute("DELETE FROM calendar_feed WHERE person_id = \(id.rawValue)")
            counts.readMarkers = try await db.execute("DELETE FROM read_marker WHERE person_id = \(id.rawValue)")
            // Follow-up state of notices they no longer owe an acknowledgement of (they are no member anywhere).
            try await db.execute("DELETE FROM notice_follow_up WHERE person_id = \(id.rawValue)")
            counts.mails = try await db.execute("DELETE FROM mail_outbox WHERE lower(trim(recipient)) = \(emailKey)")
            counts.rosterEntries = try await db.execute("UPDATE roster_change SET email = \(erased.email) WHERE lower(trim(email)) = \(emailKey)")
            try await db.execute("""
                UPDATE person SET name = \(erased.name), email = \(erased.email), email_key = \(EmailAddress.key(erased.email)),
                    password_hash = NULL, global_role = NULL, language = NULL
                WHERE id = \(id.rawValue)
                """)

            let drafts = try memberships.map { try AccountService.event(.membershipRemoved, $0, erased) }
            let events = try await db.append(drafts, at: time)
            if dryRun {
                try await db.execute("ROLLBACK TO SAVEPOINT erase_person")
                return Committed(counts, events: [])
            }
            return Committed(counts, events: events)
        }
    }

    /// Replaces the name and e-mail of every JSON object in `table.column` whose `email` is `emailKey` (any case);
    /// returns the number of rows changed.
    ///
    /// The column holds JSON as text. Each round finds, in every row that names the e-mail, the path of one object
    /// naming them (walking the JSON as `jsonb`) and sets that object's `email` and `name`; rounds go on until no
    /// object names them (an object that already has the erased name and e-mail is done, so the rounds end even if the
    /// erased e-mail were theirs). Rows that are changed are written back as `jsonb` prints them.
    private static func anonymiseJSON(_ db: PostgresDB, table: String, column: String, keyColumns: [String],
                                      emailKey: String, erased: PersonRef) async throws -> Int {
        let keys = keyColumns.joined(separator: ", ")
        let rowKeys = keyColumns.map { "n.\($0)" }.joined(separator: ", ")
        let join = keyColumns.map { "t.\($0) = m.\($0)" }.joined(separator: " AND ")
        let rowKey = keyColumns.map { "t.\($0)::text" }.joined(separator: ", ")
        var changed = Set<[String]>()
        while true {
            let rows = try await db.rows("""
                WITH RECURSIVE node AS (
                    SELECT \(unescaped: keys), ARRAY[]::text[] AS path, \(unescaped: column)::jsonb AS value
                    FROM \(unescaped: table) WHERE strpos(lower(\(unescaped: column)), \(emailKey)) > 0
                  UNION ALL
                    SELECT \(unescaped: rowKeys), array_append(n.path, child.key), child.value
                    FROM node n, LATERAL (
                        SELECT key, value FROM jsonb_each(CASE WHEN jsonb_typeof(n.value) = 'object' THEN n.value END)
                        UNION ALL
                        SELECT (index - 1)::text, value
                        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(n.value) = 'array' THEN n.value END) WITH ORDINALITY AS e(value, index)
                    ) child
                ), match AS (
                    SELECT DISTINCT ON (\(unescaped: keys)) \(unescaped: keys), path FROM node
                    WHERE jsonb_typeof(value) = 'object' AND lower(trim(value ->> 'email')) = \(emailKey)
                      AND (value ->> 'email', value ->> 'name') IS DISTINCT FROM (\(erased.email)::text, \(erased.name)::text)
                )
                UPDATE \(unescaped: table) t
                SET \(unescaped: column) = jsonb_set(
                    jsonb_set(t.\(unescaped: column)::jsonb, array_append(m.path, 'email'), to_jsonb(\(erased.email)::text)),
                    array_append(m.path, 'name'), to_jsonb(\(erased.name)::text))::text
                FROM match m WHERE \(unescaped: join)
                RETURNING ARRAY[\(unescaped: rowKey)] AS row_key
                """)
            if rows.isEmpty { return changed.count }
            for row in rows { changed.insert(try row["row_key"]) }
        }
    }
}
