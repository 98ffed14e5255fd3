import Foundation
import PostgresNIO

/// Every write locks the channel first (``PostgresDB/lockChannel(_:)``): a channel's feedback changes run one at a
/// time, as on SQLite, so the rate limit, the author's "still open" check and the answer limit see the previous write.
extension PostgresStore: FeedbackStore {
    public func feedbackCounts(in account: AccountID, at instant: Date) async throws -> [FeedbackStatus: Int] {
        try await read("feedbackCounts") { db in
            let rows = try await db.rows("""
                SELECT COALESCE((SELECT r.status FROM feedback_reply r
                                 WHERE r.feedback_id = f.id AND r.status IS NOT NULL AND r.created_at <= \(instant)
                                 ORDER BY r.id DESC LIMIT 1), 'new') AS status,
                       COUNT(*) AS count
                FROM feedback f WHERE f.account_id = \(account.rawValue) AND f.created_at <= \(instant)
                GROUP BY 1
                """)
            var counts: [FeedbackStatus: Int] = [:]
            for row in rows {
                if let status = FeedbackStatus(rawValue: try row["status"]) { counts[status] = try row["count"] }
            }
            return counts
        }
    }

    public func createFeedback(_ new: NewFeedback, at time: Date, limit: FeedbackRateLimit,
                               events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> {
        try await write("createFeedback") { db in
            guard try await db.lockChannel(new.account) else { throw KanavaError.notFound("channel \(new.account)") }
            let recent: [Date] = try await db.rows("""
                SELECT created_at FROM feedback
                WHERE author_id = \(new.author.rawValue) AND created_at > \(time.addingTimeInterval(-limit.window))
                  AND account_id = \(new.account.rawValue)
                ORDER BY created_at
                """).map { try $0["created_at"] }
            if recent.count >= limit.maxItems {
                // A slot frees when the item that makes the count reach the limit leaves the window.
                let freeing = recent[recent.count - limit.maxItems]
                let seconds = max(1, Int(freeing.addingTimeInterval(limit.window).timeIntervalSince(time).rounded(.up)))
                throw KanavaError(.rateLimited, "you have left \(limit.maxItems) feedback items in this channel within a day; try again in "
                                  + (seconds >= 3600 ? "\(seconds / 3600) h \(seconds % 3600 / 60) min" : "\(max(1, seconds / 60)) min"),
                                  retryAfter: seconds)
            }
            let id = try await db.value("""
                INSERT INTO feedback (account_id, author_id, kind, anonymous, body, status, created_at)
                VALUES (\(new.account.rawValue), \(new.author.rawValue), \(new.kind.rawValue), \(new.anonymous), \(new.body), 'new', \(time))
                RETURNING id
                """, as: Int64.self)
            guard let id, let entry = try await Self.fetchFeedback(db, FeedbackID(id)) else {
                throw KanavaError(.internal, "the feedback was not stored")
            }
            return Committed(entry, events: try await db.append(events(entry), at: time))
        }
    }

    public func updateFeedback(_ id: FeedbackID, in account: AccountID, author: PersonID, kind: FeedbackKind, body: String, at time: Date,
                               events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> {
        try await write("updateFeedback") { db in
            try await db.lockChannel(account)
            _ = try await Self.authorsOpenFeedback(db, id, in: account, author: author)
            try await db.execute("UPDATE feedback SET kind = \(kind.rawValue), body = \(body), updated_at = \(time) WHERE id = \(id.rawValue)")
            let entry = try await Self.fetchFeedback(db, id)!
            return Committed(entry, events: try await db.append(events(entry), at: time))
        }
    }

    public func deleteFeedback(_ id: FeedbackID, in account: AccountID, author: PersonID, at time: Date,
                               events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> {
        try await write("deleteFeedback") { db in
            try await db.lockChannel(account)
            let entry = try await Self.authorsOpenFeedback(db, id, in: account, author: author)
            try await db.execute("DELETE FROM feedback WHERE id = \(id.rawValue)")
            return Committed(entry, events: try await db.append(events(entry), at: time))
        }
    }

    public func answerFeedback(_ id: FeedbackID, in account: AccountID, reply: NewFeedbackReply, maxReplies: Int, at time: Date,
                               events: @escaping FeedbackEvents) async throws -> Committed<FeedbackEntry> {
        try await write("answerFeedback") { db in
            try await db.lockChannel(account)
            guard let entry = try await Self.fetchFeedback(db, id), entry.account == account else { throw KanavaError.notFound("feedback \(id)") }
            guard entry.replies.count < maxReplies else {
                throw KanavaError(.conflict, "this feedback already has \(maxReplies) answers, the most it can have")
            }
            try await db.execute("""
                INSERT INTO feedback_reply (feedback_id, author_id, body, status, created_at)
                VALUES (\(id.rawValue), \(reply.author?.rawValue), \(reply.body), \(reply.status?.rawValue), \(time))
                """)
            try await db.execute("""
                UPDATE feedback SET status = COALESCE(\(reply.status?.rawValue), status), updated_at = \(time) WHERE id = \(id.rawValue)
                """)
            let answered = try await Self.fetchFeedback(db, id)!
            return Committed(answered, events: try await db.append(events(answered), at: time))
        }
    }

    public func feedbackEntry(_ id: FeedbackID, in account: AccountID) async throws -> FeedbackEntry? {
        try await read("feedbackEntry") { db in
            try await Self.fetchFeedback(db, id).flatMap { $0.account == account ? $0 : nil }
        }
    }

    public func feedbackEntries(in account: AccountID, status: FeedbackStatus?, before: FeedbackID?, limit: Int) async throws -> [FeedbackEntry] {
        try await read("feedbackEntries") { db in
            let rows = try await db.rows("""
                \(unescaped: Self.feedbackSelect)
                WHERE f.account_id = \(account.rawValue)
                  AND (\(status?.rawValue)::text IS NULL OR f.status = \(status?.rawValue))
                  AND (\(before?.rawValue)::bigint IS NULL OR f.id < \(before?.rawValue))
                ORDER BY f.id DESC LIMIT \(limit)
                """)
            let ids: [Int64] = try rows.map { try $0["id"] }
            let replies = try await Self.fetchReplies(db, of: ids)
            return try zip(rows, ids).map { row, id in try FeedbackEntry(pg: row, replies: replies[id] ?? []) }
        }
    }

    public func memberActivity(directedBy director: PersonID?, from start: Date, until end: Date) async throws -> [ChannelActivity] {
        try await read("memberActivity") { db in
            // Each count is a range of one index, as on SQLite: message_activity (account, author, time; live human
            // messages only), notice_ack_person (person, time) and feedback_author (author, time). See v11-activity-indexes.
            let rows = try await db.rows("""
                SELECT a.id AS account_id, a.name AS account_name, m.person_id, m.role, p.name, p.email,
                  (SELECT COUNT(*) FROM message x WHERE x.account_id = m.account_id AND x.author_id = m.person_id
                     AND x.created_at >= \(start) AND x.created_at < \(end) AND x.deleted_at IS NULL AND x.bot_id IS NULL) AS messages,
                  (SELECT COUNT(*) FROM notice_ack k JOIN notice n ON n.id = k.notice_id
                     WHERE k.person_id = m.person_id AND k.acknowledged_at >= \(start) AND k.acknowledged_at < \(end)
                       AND n.account_id = m.account_id AND n.priority = 'urgent') AS acknowledgements,
                  (SELECT COUNT(*) FROM feedback f WHERE f.author_id = m.person_id AND f.created_at >= \(start) AND f.created_at < \(end)
                     AND f.account_id = m.account_id) AS feedback
                FROM account a LEFT JOIN membership m ON m.account_id = a.id LEFT JOIN person p ON p.id = m.person_id
                WHERE \(director?.rawValue)::bigint IS NULL
                   OR EXISTS (SELECT 1 FROM membership d
                              WHERE d.account_id = a.id AND d.person_id = \(director?.rawValue) AND d.role = 'account_director')
                """)
            var channels: [AccountID: ChannelActivity] = [:]
            for row in rows {
                let account = AccountID(stored: try row["account_id"])
                let accountName: String = try row["account_name"]
                var channel = channels[account] ?? ChannelActivity(account: .init(id: account, name: accountName), members: [])
                let person: Int64? = try row["person_id"]
                let role: String? = try row["role"]
                if let person, let role = role.flatMap(ChannelRole.init(rawValue:)) {
                    let name: String? = try row["name"]
                    let email: String? = try row["email"]
                    channel.members.append(MemberActivity(
                        person: PersonRef(id: PersonID(person), name: name ?? "", email: email ?? ""), role: role,
                        messages: try row["messages"], acknowledgements: try row["acknowledgements"], feedback: try row["feedback"]))
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

    static func fetchFeedback(_ db: PostgresDB, _ id: FeedbackID) async throws -> FeedbackEntry? {
        guard let row = try await db.row("\(unescaped: feedbackSelect) WHERE f.id = \(id.rawValue)") else { return nil }
        return try FeedbackEntry(pg: row, replies: try await fetchReplies(db, of: [id.rawValue])[id.rawValue] ?? [])
    }

    /// The answers of the given items, oldest first, by item id.
    private static func fetchReplies(_ db: PostgresDB, of ids: [Int64]) async throws -> [Int64: [FeedbackReply]] {
        guard !ids.isEmpty else { return [:] }
        var replies: [Int64: [FeedbackReply]] = [:]
        for row in try await db.rows("""
            SELECT r.id, r.feedback_id, r.author_id, r.body, r.status, r.created_at, p.name AS author_name, p.email AS author_email
            FROM feedback_reply r LEFT JOIN person p ON p.id = r.author_id
            WHERE r.feedback_id = ANY(\(ids)) ORDER BY r.feedback_id, r.id
            """) {
            let author: Int64? = try row["author_id"]
            let authorName: String? = try row["author_name"]
            let authorEmail: String? = try row["author_email"]
            let status: String? = try row["status"]
            replies[try row["feedback_id"], default: []].append(FeedbackReply(
                id: FeedbackReplyID(try row["id"]),
                author: author.map { PersonRef(id: PersonID($0), name: authorName ?? "", email: authorEmail ?? "") },
                body: try row["body"], status: status.flatMap(FeedbackStatus.init(rawValue:)), createdAt: try row["created_at"]))
        }
        return replies
    }

    /// `author`'s item of `account` while they may still change it; else `not_found`, `forbidden` or `conflict`.
    private static func authorsOpenFeedback(_ db: PostgresDB, _ id: FeedbackID, in account: AccountID,
                                            author: PersonID) async throws -> FeedbackEntry {
        guard let entry = try await fetchFeedback(db, id), entry.account == account else { throw KanavaError.notFound("feedback \(id)") }
        guard entry.author?.id == author else { throw KanavaError(.forbidden, "only the author may change or withdraw their feedback") }
        guard entry.isOpenToAuthor else {
            throw KanavaError(.conflict, "the feedback has been answered or its status set; it can no longer be changed or withdrawn")
        }
        return entry
    }
}

extension FeedbackEntry {
    init(pg row: PGRow, replies: [FeedbackReply]) throws {
        let author: Int64? = try row["author_id"]
        let authorName: String? = try row["author_name"]
        let authorEmail: String? = try row["author_email"]
        self.init(
            id: FeedbackID(try row["id"]),
            account: AccountID(stored: try row["account_id"]),
            author: author.map { PersonRef(id: PersonID($0), name: authorName ?? "", email: authorEmail ?? "") },
            kind: FeedbackKind(rawValue: try row["kind"]) ?? .feedback,
            anonymous: try row["anonymous"],
            body: try row["body"],
            status: FeedbackStatus(rawValue: try row["status"]) ?? .new,
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"],
            replies: replies
        )
    }
}
