import Foundation
import PostgresNIO

extension PostgresStore: ChatStore {
    public func postMessage(_ new: NewMessage, at time: Date, events: @escaping MessageEvents) async throws -> Committed<PostedMessage> {
        try await groupedWrite("postMessage") { db in
            if let clientId = new.clientId {
                // Sends with the same client id take turns, so a retry finds the first one's message (the unique indexes
                // leave out the built-in posters, whose author and bot are both NULL).
                try await db.lockClientId(clientId, of: "message", in: new.account)
                if let earlier = try await Self.fetchMessage(db, clientId: clientId, author: new.author, bot: new.bot, in: new.account) {
                    return Committed(PostedMessage(message: earlier, duplicate: true), events: [])
                }
            }
            guard let inserted = try await db.value("""
                INSERT INTO message (account_id, author_id, author_name, client_id, thread_root_id, private_with, body, mentions, created_at, bot_id)
                VALUES (\(new.account.rawValue), \(new.author?.rawValue), \(new.authorName), \(new.clientId), \(new.threadRoot?.rawValue),
                        \(new.privateWith?.rawValue), \(new.body), \(try StoredMentions.encode(new.mentions)), \(time), \(new.bot?.rawValue))
                RETURNING id
                """, as: Int64.self) else { throw KanavaError(.internal, "the message was not stored") }
            let id = MessageID(inserted)
            for person in Set(new.mentions.map(\.id)) {
                try await db.execute("INSERT INTO message_mention (person_id, message_id) VALUES (\(person.rawValue), \(id.rawValue))")
            }
            if let root = new.threadRoot {
                try await db.execute("UPDATE message SET reply_count = reply_count + 1, last_reply_at = \(time) WHERE id = \(root.rawValue)")
            }
            guard let message = try await Self.fetchMessage(db, id) else { throw KanavaError(.internal, "the message was not stored") }
            return Committed(PostedMessage(message: message, duplicate: false), events: try await db.append(events(message), at: time))
        }
    }

    public func editMessage(_ id: MessageID, in account: AccountID, body: String, mentions: [PersonRef], by editor: PersonID?, at time: Date,
                            events: @escaping MessageEvents) async throws -> Committed<Message> {
        try await write("editMessage") { db in
            // Locked: a concurrent edit waits, then keeps this edit's text as its own earlier text.
            guard let before = try await Self.fetchMessage(db, id, forUpdate: true), before.account == account, !before.isDeleted,
                  let oldBody = before.body else {
                throw KanavaError.notFound("message \(id)")
            }
            try await db.execute("""
                INSERT INTO message_edit (message_id, body, replaced_at, replaced_by) VALUES (\(id.rawValue), \(oldBody), \(time), \(editor?.rawValue))
                """)
            try await db.execute("""
                UPDATE message SET body = \(body), mentions = \(try StoredMentions.encode(mentions)), edited_at = \(time) WHERE id = \(id.rawValue)
                """)
            try await db.execute("DELETE FROM message_mention WHERE message_id = \(id.rawValue)")
            for person in Set(mentions.map(\.id)) {
                try await db.execute("INSERT INTO message_mention (person_id, message_id) VALUES (\(person.rawValue), \(id.rawValue))")
            }
            guard let message = try await Self.fetchMessage(db, id) else { throw KanavaError.notFound("message \(id)") }
            return Committed(message, events: try await db.append(events(message), at: time))
        }
    }

    public func deleteMessage(_ id: MessageID, in account: AccountID, by person: PersonID?, at time: Date,
                              events: @escaping MessageEvents) async throws -> Committed<Message> {
        try await write("deleteMessage") { db in
            let deleted = try await db.execute("""
                UPDATE message SET deleted_at = \(time), deleted_by = \(person?.rawValue)
                WHERE id = \(id.rawValue) AND account_id = \(account.rawValue) AND deleted_at IS NULL
                """)
            guard deleted == 1, let message = try await Self.fetchMessage(db, id) else { throw KanavaError.notFound("message \(id)") }
            if let root = message.threadRoot {
                try await db.execute("UPDATE message SET reply_count = GREATEST(reply_count - 1, 0) WHERE id = \(root.rawValue)")
            }
            return Committed(message, events: try await db.append(events(message), at: time))
        }
    }

    public func message(_ id: MessageID, in account: AccountID) async throws -> Message? {
        try await read("message") { db in try await Self.fetchMessage(db, id).flatMap { $0.account == account ? $0 : nil } }
    }

    public func messages(in account: AccountID, _ timeline: Timeline, before: MessageID?, limit: Int) async throws -> MessagePage {
        try await read("messages") { db in
            let before = before?.rawValue ?? .max
            let rows: [PGRow]
            switch timeline {
            case .channel:
                rows = try await db.rows("""
                    \(unescaped: Self.messageSelect) WHERE m.account_id = \(account.rawValue) AND m.private_with IS NULL AND m.thread_root_id IS NULL
                      AND m.id < \(before) ORDER BY m.id DESC LIMIT \(limit + 1)
                    """)
            case .thread(let root):
                rows = try await db.rows("""
                    \(unescaped: Self.messageSelect) WHERE m.account_id = \(account.rawValue) AND (m.id = \(root.rawValue) OR m.thread_root_id = \(root.rawValue))
                      AND m.id < \(before) ORDER BY m.id DESC LIMIT \(limit + 1)
                    """)
            case .conversation(let member):
                rows = try await db.rows("""
                    \(unescaped: Self.messageSelect) WHERE m.account_id = \(account.rawValue) AND m.private_with = \(member.rawValue)
                      AND m.id < \(before) ORDER BY m.id DESC LIMIT \(limit + 1)
                    """)
            }
            let messages = try rows.prefix(limit).map(Message.init(pg:))
            return MessagePage(messages: messages.reversed(), hasMore: rows.count > limit)
        }
    }

    public func edits(of id: MessageID) async throws -> [MessageEdit] {
        try await read("messageEdits") { db in
            try await db.rows("""
                SELECT e.body, e.replaced_at, p.id AS person_id, p.name, p.email FROM message_edit e
                LEFT JOIN person p ON p.id = e.replaced_by WHERE e.message_id = \(id.rawValue) ORDER BY e.rowid
                """).map { row in
                MessageEdit(body: try row["body"], replacedAt: try row["replaced_at"], replacedBy: try PersonRef(pg: row, prefix: ""))
            }
        }
    }

    public func conversations(in account: AccountID) async throws -> [Conversation] {
        try await read("conversations") { db in
            try await db.rows("""
                SELECT p.id AS person_id, p.name, p.email, COUNT(*) AS n, MAX(m.created_at) AS last_at FROM message m
                JOIN person p ON p.id = m.private_with
                WHERE m.account_id = \(account.rawValue) AND m.private_with IS NOT NULL AND m.deleted_at IS NULL
                GROUP BY p.id ORDER BY MAX(m.id) DESC
                """).compactMap { row in
                guard let member = try PersonRef(pg: row, prefix: "") else { return nil }
                return Conversation(member: member, messageCount: try row["n"], lastMessageAt: try row["last_at"])
            }
        }
    }

    public func markRead(_ account: AccountID, person: PersonID, upTo: MessageID) async throws {
        try await write("markRead") { db in
            _ = try await db.execute("""
                INSERT INTO read_marker (account_id, person_id, last_read_id) VALUES (\(account.rawValue), \(person.rawValue), \(upTo.rawValue))
                ON CONFLICT (account_id, person_id) DO UPDATE SET last_read_id = GREATEST(read_marker.last_read_id, excluded.last_read_id)
                """)
        }
    }

    public func unreadCounts(for person: PersonID) async throws -> [AccountID: Int] {
        try await read("unreadCounts") { db in
            var counts: [AccountID: Int] = [:]
            let rows = try await db.rows("""
                SELECT me.account_id, (
                    SELECT COUNT(*) FROM message m
                    WHERE m.account_id = me.account_id AND m.id > COALESCE(r.last_read_id, 0) AND m.created_at >= me.joined_at
                      AND m.deleted_at IS NULL AND m.author_id IS DISTINCT FROM me.person_id
                      AND (m.private_with IS NULL OR m.private_with = me.person_id OR me.role = 'account_director')
                ) AS unread
                FROM membership me
                LEFT JOIN read_marker r ON r.account_id = me.account_id AND r.person_id = me.person_id
                WHERE me.person_id = \(person.rawValue)
                """)
            for row in rows { counts[AccountID(stored: try row["account_id"])] = try row["unread"] }
            return counts
        }
    }

    // MARK: - Rows

    static let messageSelect = """
        SELECT m.*, p.id AS person_id, p.name, p.email FROM message m LEFT JOIN person p ON p.id = m.author_id
        """

    /// A message by id; `forUpdate` also locks its row until the transaction ends.
    static func fetchMessage(_ db: PostgresDB, _ id: MessageID, forUpdate: Bool = false) async throws -> Message? {
        try await db.row("""
            \(unescaped: messageSelect) WHERE m.id = \(id.rawValue)\(unescaped: forUpdate ? " FOR UPDATE OF m" : "")
            """).map(Message.init(pg:))
    }

    /// The message stored under a client id by the same person, or the same bot, or (both nil) a built-in poster.
    static func fetchMessage(_ db: PostgresDB, clientId: String, author: PersonID?, bot: BotID?, in account: AccountID) async throws -> Message? {
        try await db.row("""
            \(unescaped: messageSelect) WHERE m.account_id = \(account.rawValue) AND m.author_id IS NOT DISTINCT FROM \(author?.rawValue)
              AND m.bot_id IS NOT DISTINCT FROM \(bot?.rawValue) AND m.client_id = \(clientId)
            """).map(Message.init(pg:))
    }
}

extension PostgresDB {
    /// Makes the caller's transaction wait for any other one storing something of `kind` under the same client id
    /// in the account, until it ends: a check for an earlier row, then an insert, is then what it is on SQLite.
    func lockClientId(_ clientId: String, of kind: String, in account: AccountID) async throws {
        try await execute("SELECT pg_advisory_xact_lock(hashtext(\(kind)), hashtext(\(account.rawValue + "/" + clientId)))")
    }
}

extension PersonRef {
    /// A person joined into a row as `<prefix>person_id`, `<prefix>name`, `<prefix>email`; nil when the join found nobody.
    init?(pg row: PGRow, prefix: String) throws {
        guard let id: Int64 = try row[prefix + "person_id"] else { return nil }
        self.init(id: PersonID(id), name: try row[prefix + "name"], email: try row[prefix + "email"])
    }
}

extension Message {
    init(pg row: PGRow) throws {
        let root: Int64? = try row["thread_root_id"]
        let privateWith: Int64? = try row["private_with"]
        let id: Int64 = try row["id"]
        let account: String = try row["account_id"]
        let body: String = try row["body"]
        let mentions: String = try row["mentions"]
        let replyCount: Int = try row["reply_count"]
        let createdAt: Date = try row["created_at"]
        let authorName: String? = try row["author_name"]
        let clientId: String? = try row["client_id"]
        let lastReplyAt: Date? = try row["last_reply_at"]
        let editedAt: Date? = try row["edited_at"]
        let deletedAt: Date? = try row["deleted_at"]
        self.init(
            id: MessageID(id), account: AccountID(stored: account), author: try PersonRef(pg: row, prefix: ""),
            authorName: authorName, clientId: clientId, threadRoot: root.map { MessageID($0) },
            privateWith: privateWith.map { PersonID($0) }, body: body, html: nil, mentions: StoredMentions.decode(mentions),
            replyCount: replyCount, lastReplyAt: lastReplyAt, createdAt: createdAt,
            editedAt: editedAt, deletedAt: deletedAt
        )
    }
}
