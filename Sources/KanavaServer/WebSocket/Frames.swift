import Foundation
import KanavaCore
import NIOCore

/// Server → client frames, serialised by hand where it pays: an event's frame is built once per
/// event and the same bytes go to every subscribed socket. See docs/protocol.md.
enum ServerFrame {
    static let protocolVersion = 1

    /// `{"type":"event","channel":…,"seq":…,"kind":…,"at":…,"data":{…}}`; the payload is already JSON.
    static func event(_ event: StreamEvent) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(96 + event.payload.count)
        buffer.writeString(#"{"type":"event","channel":"#)
        buffer.writeString(jsonString(event.channel.rawValue))
        buffer.writeString(#","seq":"#)
        buffer.writeString(String(event.seq))
        buffer.writeString(#","kind":"#)
        buffer.writeString(jsonString(event.kind.rawValue))
        buffer.writeString(#","at":""#)
        buffer.writeString(event.at.formatted(.iso8601))
        buffer.writeString(#"","data":"#)
        buffer.writeBytes(event.payload)
        buffer.writeString("}")
        return buffer
    }

    /// `{"events":[<event frames>],"head":N}`: the HTTP event log, in the same shape as live events.
    static func eventList(_ events: [StreamEvent], head: Int64) -> ByteBuffer {
        var buffer = ByteBuffer(string: #"{"events":["#)
        for (index, event) in events.enumerated() {
            if index > 0 { buffer.writeString(",") }
            var frame = self.event(event)
            buffer.writeBuffer(&frame)
        }
        buffer.writeString(#"],"head":"# + String(head) + "}")
        return buffer
    }

    static func hello(person: Person, config: KanavaConfig) -> ByteBuffer {
        encode(Hello(person: person, protocol: protocolVersion, limits: .init(
            maxFrameBytes: config.limits.maxWsFrameBytes, maxMessageChars: config.chat.maxMessageChars,
            maxNoticeTitleChars: config.limits.maxNameChars, maxNoticeBodyChars: config.notices.maxBodyChars
        )))
    }

    static func reply(id: String, result: some Encodable) -> ByteBuffer {
        encode(Reply(id: id, ok: true, result: result, error: nil as ErrorDetail?))
    }

    static func reply(id: String, error: KanavaError) -> ByteBuffer {
        encode(Reply(id: id, ok: false, result: nil as Empty?, error: ErrorDetail(error)))
    }

    /// For frames the server could not attribute to a request id.
    static func error(_ error: KanavaError) -> ByteBuffer {
        encode(ErrorFrame(error: ErrorDetail(error)))
    }

    // MARK: - Shapes

    struct Hello: Encodable {
        var type = "hello"
        var person: Person
        var `protocol`: Int
        var limits: Limits
        /// What the browser checks before sending (the server checks again).
        struct Limits: Encodable {
            var maxFrameBytes: Int
            var maxMessageChars: Int
            var maxNoticeTitleChars: Int
            var maxNoticeBodyChars: Int
        }
    }

    struct Reply<Result: Encodable>: Encodable {
        var type = "reply"
        var id: String
        var ok: Bool
        var result: Result?
        var error: ErrorDetail?
    }

    struct ErrorFrame: Encodable {
        var type = "error"
        var error: ErrorDetail
    }

    struct ErrorDetail: Encodable {
        var code: String
        var message: String
        /// Seconds to wait before trying again (`rate_limited` only).
        var retryAfter: Int?
        init(_ error: KanavaError) {
            code = error.code.rawValue
            message = error.message
            retryAfter = error.retryAfter
        }
    }

    struct Empty: Encodable {}

    private static func encode(_ value: some Encodable) -> ByteBuffer {
        // Encoding these fixed shapes of strings and numbers cannot fail.
        ByteBuffer(data: (try? EventCoding.encoder.encode(value)) ?? Data("{}".utf8))
    }

    private static func jsonString(_ value: String) -> String {
        String(decoding: (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}

/// The `type` of every client → server request frame (docs/protocol.md); the access-matrix test enumerates them.
public enum ClientRequestType: String, CaseIterable, Sendable {
    case subscribe, unsubscribe, ping, send, edit, delete, read, ack
}

/// Client → server requests. Every request carries an `id`, echoed in its reply.
enum ClientRequest {
    case subscribe(id: String, channels: [SubscribeBody.Channel])
    case unsubscribe(id: String, channels: [String])
    case ping(id: String)
    case send(id: String, channel: AccountID, draft: MessageDraft)
    case edit(id: String, channel: AccountID, message: MessageID, body: String)
    case delete(id: String, channel: AccountID, message: MessageID)
    case read(id: String, channel: AccountID, upTo: MessageID)
    case ack(id: String, channel: AccountID, notice: NoticeID)

    static let maxIDLength = 64
    static let maxChannelsPerRequest = 500

    struct Envelope: Decodable {
        var type: String
        var id: String
    }

    struct SubscribeBody: JSONBody {
        var type: String
        var id: String
        var channels: [Channel]
        enum CodingKeys: String, CodingKey, CaseIterable { case type, id, channels }

        struct Channel: Decodable, Sendable {
            var channel: String
            var after: Int64?
        }
    }

    struct UnsubscribeBody: JSONBody {
        var type: String
        var id: String
        var channels: [String]
        enum CodingKeys: String, CodingKey, CaseIterable { case type, id, channels }
    }

    struct PingBody: JSONBody {
        var type: String
        var id: String
        enum CodingKeys: String, CodingKey, CaseIterable { case type, id }
    }

    struct SendBody: JSONBody {
        var type: String
        var id: String
        var channel: String
        var clientId: String
        var body: String
        var threadRoot: Int64?
        var privateWith: Int64?
        enum CodingKeys: String, CodingKey, CaseIterable { case type, id, channel, clientId, body, threadRoot, privateWith }
    }

    struct EditBody: JSONBody {
        var type: String
        var id: String
        var channel: String
        var message: Int64
        var body: String
        enum CodingKeys: String, CodingKey, CaseIterable { case type, id, channel, message, body }
    }

    struct DeleteBody: JSONBody {
        var type: String
        var id: String
        var channel: String
        var message: Int64
        enum CodingKeys: String, CodingKey, CaseIterable { case type, id, channel, message }
    }

    struct ReadBody: JSONBody {
        var type: String
        var id: String
        var channel: String
        var upTo: Int64
        enum CodingKeys: String, CodingKey, CaseIterable { case type, id, channel, upTo }
    }

    struct AckBody: JSONBody {
        var type: String
        var id: String
        var channel: String
        var notice: Int64
        enum CodingKeys: String, CodingKey, CaseIterable { case type, id, channel, notice }
    }

    /// A frame that could not be read, with its request id when that much could be.
    struct Failure: Error {
        var id: String?
        var error: KanavaError
    }

    /// Parses one text frame.
    static func parse(_ text: String) -> Result<ClientRequest, Failure> {
        let data = Data(text.utf8)
        let envelope: Envelope
        do {
            envelope = try JSONInput.decoder.decode(Envelope.self, from: data)
        } catch {
            return .failure(Failure(id: nil, error: KanavaError(.badRequest, "a frame must be a JSON object with a text 'type' and 'id'")))
        }
        let id = envelope.id
        guard !id.isEmpty, id.count <= maxIDLength else {
            return .failure(Failure(id: nil, error: KanavaError(.badRequest, "'id' must be 1–\(maxIDLength) characters")))
        }
        do {
            guard let type = ClientRequestType(rawValue: envelope.type) else {
                return .failure(Failure(id: id, error: KanavaError(.badRequest, "unknown frame type '\(envelope.type.prefix(40))'")))
            }
            switch type {
            case .subscribe:
                let body = try JSONInput.decode(SubscribeBody.self, from: data)
                guard body.channels.count <= maxChannelsPerRequest else {
                    throw KanavaError.invalid("channels", "at most \(maxChannelsPerRequest) per request")
                }
                if let bad = body.channels.first(where: { ($0.after ?? 0) < 0 }) {
                    throw KanavaError.invalid("after", "must be ≥ 0 (channel \(bad.channel.prefix(64)))")
                }
                return .success(.subscribe(id: id, channels: body.channels))
            case .unsubscribe:
                let body = try JSONInput.decode(UnsubscribeBody.self, from: data)
                guard body.channels.count <= maxChannelsPerRequest else {
                    throw KanavaError.invalid("channels", "at most \(maxChannelsPerRequest) per request")
                }
                return .success(.unsubscribe(id: id, channels: body.channels))
            case .ping:
                _ = try JSONInput.decode(PingBody.self, from: data)
                return .success(.ping(id: id))
            case .send:
                let body = try JSONInput.decode(SendBody.self, from: data)
                // A client id is required here: over a socket a retry after a reconnect is the normal case.
                let draft = MessageDraft(clientId: body.clientId, body: body.body, threadRoot: body.threadRoot.map { MessageID($0) },
                                         privateWith: body.privateWith.map { PersonID($0) })
                return .success(.send(id: id, channel: try AccountID.parse(body.channel, field: "channel"), draft: draft))
            case .edit:
                let body = try JSONInput.decode(EditBody.self, from: data)
                return .success(.edit(id: id, channel: try AccountID.parse(body.channel, field: "channel"), message: MessageID(body.message), body: body.body))
            case .delete:
                let body = try JSONInput.decode(DeleteBody.self, from: data)
                return .success(.delete(id: id, channel: try AccountID.parse(body.channel, field: "channel"), message: MessageID(body.message)))
            case .read:
                let body = try JSONInput.decode(ReadBody.self, from: data)
                return .success(.read(id: id, channel: try AccountID.parse(body.channel, field: "channel"), upTo: MessageID(body.upTo)))
            case .ack:
                let body = try JSONInput.decode(AckBody.self, from: data)
                return .success(.ack(id: id, channel: try AccountID.parse(body.channel, field: "channel"), notice: NoticeID(body.notice)))
            }
        } catch let error as KanavaError {
            return .failure(Failure(id: id, error: error))
        } catch {
            return .failure(Failure(id: id, error: KanavaError(.badRequest, "the frame could not be read")))
        }
    }
}
