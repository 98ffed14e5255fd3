import Foundation
import GRDB

extension SQLiteStore: FeedbackStore {
    public func feedbackCounts(in account: AccountID, at instant: Date) async throws -> [FeedbackStatus: Int] {
        try await read("feedbackCounts") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT COALESCE((SELECT r.status FROM feedback_reply r
                                 WHERE r.feedback_id = f.id AND r.status IS NOT NULL AND r.created_at <= ?
                                 ORDER BY r.id DESC LIMIT 1), 'new') AS status,
                       COUNT(*) AS count
                FROM feedback f WHERE f.account_id = ? AND f.created_at <= ?
                GROUP BY 1
                """, arguments: [instant, account.rawValue, instant])
            var counts: [FeedbackStatus: Int] = [:]
            for row in rows {
                if let status = FeedbackStatus(rawValue: row["status"]) { counts[status] = row["count"] }
            }
            return counts
        }
    }

    public func createFeedback(_ new: NewFeedback, at time: Date, limit: FeedbackRateLimit, events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> {
        try await write("createFeedback") { db in
            guard try Self.fetchAccount(db, new.account) != nil else { throw KanavaError.notFound("channel \(new.account)") }
            let recent = try Date.fetchAll(db, sql: """
                SELECT created_at FROM feedback WHERE author_id = ? AND created_at > ? AND account_id = ? ORDER BY created_at
                """, arguments: [new.author.rawValue, time.addingTimeInterval(-limit.window), new.account.rawValue])
            if recent.count >= limit.maxItems {
                // A slot frees when the item that makes the count reach the limit leaves the window.
                let freeing = recent[recent.count - limit.maxItems]
                let seconds = max(1, Int(freeing.addingTimeInterval(limit.window).timeIntervalSince(time).rounded(.up)))
                throw KanavaError(.rateLimited, "you have left \(limit.maxItems) feedback items in this channel within a day; try again in "
                                  + (seconds >= 3600 ? "\(seconds / 3600) h \(seconds % 3600 / 60) min" : "\(max(1, seconds / 60)) min"),
                                  retryAfter: seconds)
            }
            try db.execute(sql: """
                INSERT INTO feedback (account_id, author_id, kind, anonymous, body, status, created_at) VALUES (?, ?, ?, ?, ?, 'new', ?)
                """, arguments: [new.account.rawValue, new.author.rawValue, new.kind.rawValue, new.anonymous, new.body, time])
            guard let entry = try Self.fetchFeedback(db, FeedbackID(db.lastInsertedRowID)) else { throw KanavaError(.internal, "the feedback was not stored") }
            return Committed(entry, events: try db.append(events(entry), at: time))
        }
    }

    public func updateFeedback(_ id: FeedbackID, in account: AccountID, author: PersonID, kind: FeedbackKind, body: String, at time: Date,
                               events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> {
        try await write("updateFeedback") { db in
            _ = try Self.authorsOpenFeedback(db, id, in: account, author: author)
            try db.execute(sql: "UPDATE feedback SET kind = ?, body = ?, updated_at = ? WHERE id = ?",
                           arguments: [kind.rawValue, body, time, id.rawValue])
            let entry = try Self.fetchFeedback(db, id)!
            return Committed(entry, events: try db.append(events(entry), at: time))
        }
    }

    public func deleteFeedback(_ id: FeedbackID, in account: AccountID, author: PersonID, at time: Date, events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> {
        try await write("deleteFeedback") { db in
            let entry = try Self.authorsOpenFeedback(db, id, in: account, author: author)
            try db.execute(sql: "DELETE FROM feedback WHERE id = ?", arguments: [id.rawValue])
            return Committed(entry, events: try db.append(events(entry), at: time))
        }
    }

    public func answerFeedback(_ id: FeedbackID, in account: AccountID, reply: NewFeedbackReply, maxReplies: Int, at time: Date,
                               events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> {
        try await write("answerFeedback") { db in
            guard let entry = try Self.fetchFeedback(db, id), entry.account == account else { throw KanavaError.notFound("feedback \(id)") }
            guard entry.replies.count < maxReplies else {
                throw KanavaError(.conflict, "this feedback already has \(maxReplies) answers, the most it can have")
            }
            try db.execute(sql: "INSERT INTO feedback_reply (feedback_id, author_id, body, status, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id.rawValue, reply.author?.rawValue, reply.body, reply.status?.rawValue, time])
            try db.execute(sql: "UPDATE feedback SET status = COALESCE(?, status), updated_at = ? WHERE id = ?",
                           arguments: [reply.status?.rawValue, time, id.rawValue])
            let answered = try Self.fetchFeedback(db, id)!
            return Committed(answered, events: try db.append(events(answered), at: time))
        }
    }

    public func feedbackEntry(_ id: FeedbackID, in account: AccountID) async throws -> FeedbackEntry? {
        try await read("feedbackEntry") { db in
            try Self.fetchFeedback(db, id).flatMap { $0.account == account ? $0 : nil }
        }
    }

    public func feedbackEntries(in account: AccountID, status: FeedbackStatus?, before: FeedbackID?, limit: Int) async throws -> [FeedbackEntry] {
        try await read("feedbackEntries") { db in
            var sql = Self.feedbackSelect + " WHERE f.account_id = ?"
            var arguments: StatementArguments = [account.rawValue]
            if let status {
                sql += " AND f.status = ?"
                arguments += [status.rawValue]
            }
            if let before {
                sql += " AND f.id < ?"
                arguments += [before.rawValue]
            }
            sql += " ORDER BY f.id DESC LIMIT ?"
            arguments += [limit]
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            let replies = try Self.fetchReplies(db, of: rows.map { $0["id"] })
            return rows.map { FeedbackEntry(row: $0, replies: replies[$0["id"]] ?? []) }
        }
    }

    public func memberActivity(directedBy director: PersonID?, from start: Date, until end: Date) async throws -> [ChannelActivity] {
        try await read("memberActivity") { db in
            // Each count is a range of one index (EXPLAIN QUERY PLAN: SEARCH … USING [COVERING] INDEX for all three, also
            // with the director's filter): message_activity (account, author, time; live human messages only, covering),
            // notice_ack_person (person, time; covering) and feedback_author (author, time). See FeedbackMigration.v11.
            let counts = """
                SELECT a.id AS account_id, a.name AS account_name, m.person_id, m.role, p.name, p.email,
                  (SELECT COUNT(*) FROM message x WHERE x.account_id = m.account_id AND x.author_id = m.person_id
                     AND x.created_at >= :start AND x.created_at < :end AND x.deleted_at IS NULL AND x.bot_id IS NULL) AS messages,
                  (SELECT COUNT(*) FROM notice_ack k JOIN notice n ON n.id = k.notice_id
                     WHERE k.person_id = m.person_id AND k.acknowledged_at >= :start AND k.acknowledged_at < :end
                       AND n.account_id = m.account_id AND n.priority = 'urgent') AS acknowledgements,
                  (SELECT COUNT(*) FROM feedback f WHERE f.author_id = m.person_id AND f.created_at >= :start AND f.created_at < :end
                     AND f.account_id = m.account_id) AS feedback
                """
            let sql = director == nil
                ? counts + " FROM account a LEFT JOIN membership m ON m.account_id = a.id LEFT JOIN person p ON p.id = m.person_id"
                : counts + """
                     FROM membership d JOIN account a ON a.id = d.account_id
                    LEFT JOIN membership m ON m.account_id = a.id LEFT JOIN person p ON p.id = m.person_id
                    WHERE d.person_id = :director AND d.role = 'account_director'
                    """
            let arguments: StatementArguments = ["start": start, "end": end, "director": director?.rawValue]
            var channels: [AccountID: ChannelActivity] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let account = AccountID(stored: row["account_id"])
                var channel = channels[account] ?? ChannelActivity(account: .init(id: account, name: row["account_name"]), members: [])
                if let person: Int64 = row["person_id"], let role = ChannelRole(rawValue: row["role"]) {
                    channel.members.append(MemberActivity(
                        person: PersonRef(id: PersonID(person), name: row["name"] ?? "", email: row["email"] ?? ""), role: role,
                        messages: row["messages"], acknowledgements: row["acknowledgements"], feedback: row["feedback"]))
                }
                channels[account] = channel
            }
            return Array(channels.values)
        }
    }

    // MARK: - Reading rows

    private static let feedbackSelect = """
        SELECT f.id, f.account_id, f.author_id, f.kind, f.anonymous, f.body, f.status, f.created_at, f.updated_at,
               p.name AS author_name, p.email AS author_email
        FROM feedback f LEFT JOIN person p ON p.id = f.author_id
        """

    static func fetchFeedback(_ db: Database, _ id: FeedbackID) throws -> FeedbackEntry? {
        guard let row = try Row.fetchOne(db, sql: feedbackSelect + " WHERE f.id = ?", arguments: [id.rawValue]) else { return nil }
        return FeedbackEntry(row: row, replies: try fetchReplies(db, of: [id.rawValue])[id.rawValue] ?? [])
    }

    /// The answers of the given items, oldest first, by item id.
    private static func fetchReplies(_ db: Database, of ids: [Int64]) throws -> [Int64: [FeedbackReply]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT r.id, r.feedback_id, r.author_id, r.body, r.status, r.created_at, p.name AS author_name, p.email AS author_email
            FROM feedback_reply r LEFT JOIN person p ON p.id = r.author_id
            WHERE r.feedback_id IN (\(databaseQuestionMarks(count: ids.count))) ORDER BY r.feedback_id, r.id
            """, arguments: StatementArguments(ids))
        return Dictionary(grouping: rows, by: { $0["feedback_id"] as Int64 }).mapValues { rows in
            rows.map { row in
                let author: Int64? = row["author_id"]
                let status: String? = row["status"]
                return FeedbackReply(
                    id: FeedbackReplyID(row["id"]),
                    author: author.map { PersonRef(id: PersonID($0), name: row["author_name"] ?? "", email: row["author_email"] ?? "") },
                    body: row["body"], status: status.flatMap(FeedbackStatus.init(rawValue:)), createdAt: row["created_at"])
            }
        }
    }

    /// `author`'s item of `account` while they may still change it; else `not_found`, `forbidden` or `conflict`.
    private static func authorsOpenFeedback(_ db: Database, _ id: FeedbackID, in account: AccountID, author: PersonID) throws -> FeedbackEntry {
        guard let entry = try fetchFeedback(db, id), entry.account == account else { throw KanavaError.notFound("feedback \(id)") }
        guard entry.author?.id == author else { throw KanavaError(.forbidden, "only the author may change or withdraw their feedback") }
        guard entry.isOpenToAuthor else {
            throw KanavaError(.conflict, "the feedback has been answered or its status set; it can no longer be changed or withdrawn")
        }
        return entry
    }
}

extension FeedbackEntry {
    init(row: Row, replies: [FeedbackReply]) {
        let author: Int64? = row["author_id"]
        self.init(
            id: FeedbackID(row["id"]),
            account: AccountID(stored: row["account_id"]),
            author: author.map { PersonRef(id: PersonID($0), name: row["author_name"] ?? "", email: row["author_email"] ?? "") },
            kind: FeedbackKind(rawValue: row["kind"]) ?? .feedback,
            anonymous: row["anonymous"],
            body: row["body"],
            status: FeedbackStatus(rawValue: row["status"]) ?? .new,
            createdAt: row["created_at"],
            updatedAt: row["updated_at"],
            replies: replies
        )
    }
}
