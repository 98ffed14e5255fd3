import Foundation

/// The name of an event on a channel's stream, e.g. `membership.added`.
public struct EventKind: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
}

/// An event a service wants appended to a channel's stream, in the same transaction as the change it describes.
public struct EventDraft: Sendable {
    public var channel: AccountID
    public var kind: EventKind
    /// The event's `data`, already encoded as a JSON object.
    public var payload: Data
    /// Channel roles that may see the event; nil: every member (and admins).
    public var visibleTo: Set<ChannelRole>?
    /// The person the event is about, when it changes what that person may see (membership events).
    public var subject: PersonID?

    public init(channel: AccountID, kind: EventKind, payload: some Encodable, visibleTo: Set<ChannelRole>? = nil, subject: PersonID? = nil) throws {
        self.channel = channel
        self.kind = kind
        self.payload = try EventCoding.encoder.encode(payload)
        self.visibleTo = visibleTo
        self.subject = subject
    }

    /// For data already written as a JSON object in ``EventCoding``'s form (hot paths that write it directly).
    init(channel: AccountID, kind: EventKind, json: Data, visibleTo: Set<ChannelRole>? = nil, subject: PersonID? = nil) {
        self.channel = channel
        self.kind = kind
        self.payload = json
        self.visibleTo = visibleTo
        self.subject = subject
    }
}

/// An event as committed: the draft plus its place in the channel's stream.
///
/// `seq` increases by one for every event appended to a channel, so a client that remembers the last `seq`
/// it saw can ask for exactly what it missed. A client may see gaps: events restricted to roles it lacks.
public struct StreamEvent: Sendable, Equatable {
    public var channel: AccountID
    public var seq: Int64
    public var kind: EventKind
    public var payload: Data
    public var visibleTo: Set<ChannelRole>?
    public var subject: PersonID?
    public var at: Date

    public init(channel: AccountID, seq: Int64, kind: EventKind, payload: Data, visibleTo: Set<ChannelRole>?, subject: PersonID?, at: Date) {
        self.channel = channel
        self.seq = seq
        self.kind = kind
        self.payload = payload
        self.visibleTo = visibleTo
        self.subject = subject
        self.at = at
    }
}

/// The result of a write: what was stored and the events it appended, ready to publish.
public struct Committed<Value: Sendable>: Sendable {
    public var value: Value
    public var events: [StreamEvent]

    public init(_ value: Value, events: [StreamEvent]) {
        self.value = value
        self.events = events
    }
}

/// The JSON conventions of event payloads and the API: ISO 8601 dates, camelCase keys, sorted for stable output.
public enum EventCoding {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
