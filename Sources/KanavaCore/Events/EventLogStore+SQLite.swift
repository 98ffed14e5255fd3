import Foundation
import GRDB

extension SQLiteStore: EventLogStore {
    public func events(in channel: AccountID, after: Int64, limit: Int) async throws -> [StreamEvent] {
        try await read("events") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM channel_event WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [channel.rawValue, after, limit]
            ).map(StreamEvent.init(row:))
        }
    }

    public func heads() async throws -> [AccountID: Int64] {
        try await read("heads") { db in
            var heads: [AccountID: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT account_id, last_seq FROM channel") {
                heads[AccountID(stored: row["account_id"])] = row["last_seq"]
            }
            return heads
        }
    }

    public func head(of channel: AccountID) async throws -> Int64 {
        try await read("head") { db in
            try Int64.fetchOne(db, sql: "SELECT last_seq FROM channel WHERE account_id = ?", arguments: [channel.rawValue]) ?? 0
        }
    }
}

extension SQLiteStore {
    /// Polls the channels' heads once a second: the other processes on one SQLite file are few and local.
    public func followHeads(_ head: @escaping @Sendable (AccountID, Int64) -> Void) async throws {
        try await pollHeads(every: .seconds(1), head)
    }
}

extension Database {
    /// Appends events to their channels' streams inside the caller's transaction, giving each the next seq.
    func append(_ drafts: [EventDraft], at time: Date) throws -> [StreamEvent] {
        try drafts.map { draft in
            let next = try cachedStatement(sql: "UPDATE channel SET last_seq = last_seq + 1 WHERE account_id = ? RETURNING last_seq")
            guard let seq = try Int64.fetchOne(next, arguments: [draft.channel.rawValue]) else {
                throw KanavaError.notFound("channel \(draft.channel)")
            }
            let visibleTo = draft.visibleTo.map { $0.map(\.rawValue).sorted().joined(separator: ",") }
            try cachedStatement(sql: """
                INSERT INTO channel_event (account_id, seq, kind, payload, visible_to, subject_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [draft.channel.rawValue, seq, draft.kind.rawValue, String(decoding: draft.payload, as: UTF8.self),
                                         visibleTo, draft.subject?.rawValue, time])
            return StreamEvent(channel: draft.channel, seq: seq, kind: draft.kind, payload: draft.payload,
                                visibleTo: draft.visibleTo, subject: draft.subject, at: time)
        }
    }
}

extension StreamEvent {
    init(row: Row) {
        let visibleTo: String? = row["visible_to"]
        let subject: Int64? = row["subject_id"]
        let payload: String = row["payload"]
        self.init(
            channel: AccountID(stored: row["account_id"]),
            seq: row["seq"],
            kind: EventKind(rawValue: row["kind"]),
            payload: Data(payload.utf8),
            visibleTo: visibleTo.map { Set($0.split(separator: ",").compactMap { ChannelRole(rawValue: String($0)) }) },
            subject: subject.map(PersonID.init(rawValue:)),
            at: row["created_at"]
        )
    }
}
