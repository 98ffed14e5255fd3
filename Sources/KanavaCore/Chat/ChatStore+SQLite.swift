import Foundation
import GRDB

extension SQLiteStore: ChatStore {
    public func postMessage(_ new: NewMessage, at time: Date, events: @escaping MessageEvents) async throws -> Committed<PostedMessage> {
        try await groupedWrite("postMessage") { db in
            if let clientId = new.clientId, let earlier = try Self.fetchMessage(db, clientId: clientId, author: new.author, bot: new.bot, in: new.account) {
                return Committed(PostedMessage(message: earlier, duplicate: true), events: [])
            }
            try db.cachedStatement(sql: """
                INSERT INTO message (account_id, author_id, author_name, client_id, thread_root_id, private_with, body, mentions, created_at, bot_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    new.account.rawValue, new.author?.rawValue, new.authorName, new.clientId, new.threadRoot?.rawValue,
                    new.privateWith?.rawValue, new.body, try StoredMentions.encode(new.mentions), time, new.bot?.rawValue,
                ])
            let id = MessageID(db.lastInsertedRowID)
            for person in Set(new.mentions.map(\.id)) {
                try db.cachedStatement(sql: "INSERT INTO message_mention (person_id, message_id) VALUES (?, ?)")
                    .execute(arguments: [person.rawValue, id.rawValue])
            }
            if let root = new.threadRoot {
                try db.cachedStatement(sql: "UPDATE message SET reply_count = reply_count + 1, last_reply_at = ? WHERE id = ?")
                    .execute(arguments: [time, root.rawValue])
            }
            guard let message = try Self.fetchMessage(db, id) else { throw KanavaError(.internal, "the message was not stored") }
            return Committed(PostedMessage(message: message, duplicate: false), events: try db.append(events(message), at: time))
        }
    }

    public func editMessage(_ id: MessageID, in account: AccountID, body: String, mentions: [PersonRef], by editor: PersonID?, at time: Date,
                            events: @escaping MessageEvents) async throws -> Committed<Message> {
        try await write("editMessage") { db in
            guard let before = try Self.fetchMessage(db, id), before.account == account, !before.isDeleted, let oldBody = before.body else {
                throw KanavaError.notFound("message \(id)")
            }
            try db.execute(sql: "INSERT INTO message_edit (message_id, body, replaced_at, replaced_by) VALUES (?, ?, ?, ?)",
                           arguments: [id.rawValue, oldBody, time, editor?.rawValue])
            try db.execute(sql: "UPDATE message SET body = ?, mentions = ?, edited_at = ? WHERE id = ?",
                           arguments: [body, try StoredMentions.encode(mentions), time, id.rawValue])
            try db.execute(sql: "DELETE FROM message_mention WHERE message_id = ?", arguments: [id.rawValue])
            for person in Set(mentions.map(\.id)) {
                try db.execute(sql: "INSERT INTO message_mention (person_id, message_id) VALUES (?, ?)", arguments: [person.rawValue, id.rawValue])
            }
            guard let message = try Self.fetchMessage(db, id) else { throw KanavaError.notFound("message \(id)") }
            return Committed(message, events: try db.append(events(message), at: time))
        }
    }

    public func deleteMessage(_ id: MessageID, in account: AccountID, by person: PersonID?, at time: Date,
                              events: @escaping MessageEvents) async throws -> Committed<Message> {
        try await write("deleteMessage") { db in
            try db.execute(sql: "UPDATE message SET deleted_at = ?, deleted_by = ? WHERE id = ? AND account_id = ? AND deleted_at IS NULL",
                           arguments: [time, person?.rawValue, id.rawValue, account.rawValue])
            guard db.changesCount == 1, let message = try Self.fetchMessage(db, id) else { throw KanavaError.notFound("message \(id)") }
            if let root = message.threadRoot {
                try db.execute(sql: "UPDATE message SET reply_count = MAX(reply_count - 1, 0) WHERE id = ?", arguments: [root.rawValue])
            }
            return Committed(message, events: try db.append(events(message), at: time))
        }
    }

    public func message(_ id: MessageID, in account: AccountID) async throws -> Message? {
        try await read("message") { db in try Self.fetchMessage(db, id).flatMap { $0.account == account ? $0 : nil } }
    }

    public func messages(in account: AccountID, _ timeline: Timeline, before: MessageID?, limit: Int) async throws -> MessagePage {
        try await read("messages") { db in
            var conditions = ["m.account_id = ?"]
            var arguments: StatementArguments = [account.rawValue]
            switch timeline {
            case .channel:
                conditions.append("m.private_with IS NULL AND m.thread_root_id IS NULL")
            case .thread(let root):
                conditions.append("(m.id = ? OR m.thread_root_id = ?)")
                arguments += [root.rawValue, root.rawValue]
            case .conversation(let member):
                conditions.append("m.private_with = ?")
                arguments += [member.rawValue]
            }
            if let before {
                conditions.append("m.id < ?")
                arguments += [before.rawValue]
            }
            arguments += [limit + 1]
            let rows = try Row.fetchAll(db, sql: Self.messageSelect + " WHERE " + conditions.joined(separator: " AND ") + " ORDER BY m.id DESC LIMIT ?",
                                        arguments: arguments)
            let messages = rows.prefix(limit).map(Message.init(row:))
            return MessagePage(messages: messages.reversed(), hasMore: rows.count > limit)
        }
    }

    public func edits(of id: MessageID) async throws -> [MessageEdit] {
        try await read("messageEdits") { db in
            try Row.fetchAll(db, sql: """
                SELECT e.body, e.replaced_at, p.id AS person_id, p.name, p.email FROM message_edit e
                LEFT JOIN person p ON p.id = e.replaced_by WHERE e.message_id = ? ORDER BY e.rowid
                """, arguments: [id.rawValue]).map { row in
                MessageEdit(body: row["body"], replacedAt: row["replaced_at"], replacedBy: PersonRef(row: row, prefix: ""))
            }
        }
    }

    public func conversations(in account: AccountID) async throws -> [Conversation] {
        try await read("conversations") { db in
            try Row.fetchAll(db, sql: """
                SELECT p.id AS person_id, p.name, p.email, COUNT(*) AS n, MAX(m.created_at) AS last_at FROM message m
                JOIN person p ON p.id = m.private_with
                WHERE m.account_id = ? AND m.private_with IS NOT NULL AND m.deleted_at IS NULL
                GROUP BY m.private_with ORDER BY MAX(m.id) DESC
                """, arguments: [account.rawValue]).compactMap { row in
                guard let member = PersonRef(row: row, prefix: "") else { return nil }
                return Conversation(member: member, messageCount: row["n"], lastMessageAt: row["last_at"])
            }
        }
    }

    public func markRead(_ account: AccountID, person: PersonID, upTo: MessageID) async throws {
        try await write("markRead") { db in
            try db.execute(sql: """
                INSERT INTO read_marker (account_id, person_id, last_read_id) VALUES (?, ?, ?)
                ON CONFLICT (account_id, person_id) DO UPDATE SET last_read_id = MAX(last_read_id, excluded.last_read_id)
                """, arguments: [account.rawValue, person.rawValue, upTo.rawValue])
        }
    }

    public func unreadCounts(for person: PersonID) async throws -> [AccountID: Int] {
        try await read("unreadCounts") { db in
            var counts: [AccountID: Int] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT me.account_id, (
                    SELECT COUNT(*) FROM message m
                    WHERE m.account_id = me.account_id AND m.id > COALESCE(r.last_read_id, 0) AND m.created_at >= me.joined_at
                      AND m.deleted_at IS NULL AND m.author_id IS NOT ?1
                      AND (m.private_with IS NULL OR m.private_with = ?1 OR me.role = 'account_director')
                ) AS unread
                FROM membership me
                LEFT JOIN read_marker r ON r.account_id = me.account_id AND r.person_id = me.person_id
                WHERE me.person_id = ?1
                """, arguments: [person.rawValue])
            for row in rows { counts[AccountID(stored: row["account_id"])] = row["unread"] }
            return counts
        }
    }

    // MARK: - Rows

    static let messageSelect = """
        SELECT m.*, p.id AS person_id, p.name, p.email FROM message m LEFT JOIN person p ON p.id = m.author_id
        """

    static func fetchMessage(_ db: Database, _ id: MessageID) throws -> Message? {
        try Row.fetchOne(db.cachedStatement(sql: messageSelect + " WHERE m.id = ?"), arguments: [id.rawValue]).map(Message.init(row:))
    }

    /// The message stored under a client id by the same person, or the same bot, or (both nil) a built-in poster.
    static func fetchMessage(_ db: Database, clientId: String, author: PersonID?, bot: BotID?, in account: AccountID) throws -> Message? {
        try Row.fetchOne(db.cachedStatement(sql: messageSelect + " WHERE m.account_id = ? AND m.author_id IS ? AND m.bot_id IS ? AND m.client_id = ?"),
                         arguments: [account.rawValue, author?.rawValue, bot?.rawValue, clientId]).map(Message.init(row:))
    }
}

extension PersonRef {
    /// A person joined into a row as `<prefix>person_id`, `<prefix>name`, `<prefix>email`; nil when the join found nobody.
    init?(row: Row, prefix: String) {
        guard let id: Int64 = row[prefix + "person_id"] else { return nil }
        self.init(id: PersonID(id), name: row[prefix + "name"], email: row[prefix + "email"])
    }
}

extension Message {
    init(row: Row) {
        let root: Int64? = row["thread_root_id"]
        let privateWith: Int64? = row["private_with"]
        let id: Int64 = row["id"]
        let account: String = row["account_id"]
        let body: String = row["body"]
        let mentions: String = row["mentions"]
        let replyCount: Int = row["reply_count"]
        let createdAt: Date = row["created_at"]
        let authorName: String? = row["author_name"]
        let clientId: String? = row["client_id"]
        let lastReplyAt: Date? = row["last_reply_at"]
        let editedAt: Date? = row["edited_at"]
        let deletedAt: Date? = row["deleted_at"]
        self.init(
            id: MessageID(id), account: AccountID(stored: account), author: PersonRef(row: row, prefix: ""),
            authorName: authorName, clientId: clientId, threadRoot: root.map { MessageID($0) },
            privateWith: privateWith.map { PersonID($0) }, body: body, html: nil, mentions: StoredMentions.decode(mentions),
            replyCount: replyCount, lastReplyAt: lastReplyAt, createdAt: createdAt,
            editedAt: editedAt, deletedAt: deletedAt
        )
    }
}
