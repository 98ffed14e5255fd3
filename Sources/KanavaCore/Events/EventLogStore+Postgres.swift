import Foundation
import PostgresNIO

extension PostgresStore: EventLogStore {
    public func events(in channel: AccountID, after: Int64, limit: Int) async throws -> [StreamEvent] {
        try await read("events") { db in
            try await db.rows("""
                SELECT * FROM channel_event WHERE account_id = \(channel.rawValue) AND seq > \(after) ORDER BY seq LIMIT \(limit)
                """).map(StreamEvent.init(pg:))
        }
    }

    public func heads() async throws -> [AccountID: Int64] {
        try await read("heads") { db in
            var heads: [AccountID: Int64] = [:]
            for row in try await db.rows("SELECT account_id, last_seq FROM channel") {
                heads[AccountID(stored: try row["account_id"])] = try row["last_seq"]
            }
            return heads
        }
    }

    public func head(of channel: AccountID) async throws -> Int64 {
        try await read("head") { db in
            try await db.value("SELECT last_seq FROM channel WHERE account_id = \(channel.rawValue)", as: Int64.self) ?? 0
        }
    }
}

extension PostgresStore {
    /// How often a node reads every channel's head besides listening: what another node committed but could not
    /// announce (it died between the commit and its ``HeadNotifier``'s notification) arrives within this.
    static let headsPollInterval = Duration.seconds(5)

    /// LISTENs on a connection of its own: first every channel's head (catching up on what happened while not
    /// listening), then the heads other nodes announce as they commit, and every channel's head again every
    /// ``headsPollInterval``.
    public func followHeads(_ head: @escaping @Sendable (AccountID, Int64) -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            on: PostgresConnection.defaultEventLoopGroup.any(), configuration: try url.connectionConfiguration(),
            id: 0, logger: logger
        ).get()
        do {
            try await connection.listen(on: HeadNotifier.channel) { notifications in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.pollHeads(every: Self.headsPollInterval, head) }
                    group.addTask {
                        for try await notification in notifications {
                            guard let heads = HeadNotifier.parse(notification.payload) else {
                                self.logger.warning("ignored a malformed event notification", metadata: ["payload": "\(notification.payload)"])
                                continue
                            }
                            for (channel, seq) in heads { head(channel, seq) }
                        }
                    }
                    // Either ends only by an error (a lost connection) or cancellation.
                    try await group.next()
                    group.cancelAll()
                }
            }
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

extension PostgresDB {
    /// Appends events to their channels' streams inside the caller's transaction, giving each the next seq. The new
    /// heads go to the other nodes once the transaction has committed (``HeadNotifier``).
    ///
    /// The channel row's update locks it until commit, so a channel's events commit in `seq` order.
    func append(_ drafts: [EventDraft], at time: Date) async throws -> [StreamEvent] {
        var events: [StreamEvent] = []
        for draft in drafts {
            guard let seq = try await value(
                "UPDATE channel SET last_seq = last_seq + 1 WHERE account_id = \(draft.channel.rawValue) RETURNING last_seq",
                as: Int64.self
            ) else {
                throw KanavaError.notFound("channel \(draft.channel)")
            }
            let visibleTo = draft.visibleTo.map { $0.map(\.rawValue).sorted().joined(separator: ",") }
            try await execute("""
                INSERT INTO channel_event (account_id, seq, kind, payload, visible_to, subject_id, created_at)
                VALUES (\(draft.channel.rawValue), \(seq), \(draft.kind.rawValue), \(String(decoding: draft.payload, as: UTF8.self)),
                        \(visibleTo), \(draft.subject?.rawValue), \(time))
                """)
            heads.record(draft.channel, seq)
            events.append(StreamEvent(channel: draft.channel, seq: seq, kind: draft.kind, payload: draft.payload,
                                      visibleTo: draft.visibleTo, subject: draft.subject, at: time))
        }
        return events
    }
}

extension StreamEvent {
    init(pg row: PGRow) throws {
        let visibleTo: String? = try row["visible_to"]
        let subject: Int64? = try row["subject_id"]
        let payload: String = try row["payload"]
        self.init(
            channel: AccountID(stored: try row["account_id"]),
            seq: try row["seq"],
            kind: EventKind(rawValue: try row["kind"]),
            payload: Data(payload.utf8),
            visibleTo: visibleTo.map { Set($0.split(separator: ",").compactMap { ChannelRole(rawValue: String($0)) }) },
            subject: subject.map(PersonID.init(rawValue:)),
            at: try row["created_at"]
        )
    }
}
