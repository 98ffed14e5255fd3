import NIOCore

/// What the scenarios send and read that more than one of them needs.
enum BenchWire {
    /// Found in the bytes of a `notice.posted` event frame (read without parsing, on the socket's event loop).
    static let noticePosted = Array(#""kind":"notice.posted""#.utf8)

    /// `POST /api/accounts/:account/notices`.
    struct NoticeDraft: Encodable, Sendable {
        var clientId: String
        var priority = "urgent"
        var title: String
        var body: String
    }

    /// The reply to a WebSocket `send`: the stored message's id.
    struct SendReply: Decodable {
        var result: Result
        struct Result: Decodable { var message: Message }
        struct Message: Decodable { var id: Int64 }
    }
}

extension ByteBuffer {
    /// Whether the readable bytes contain `needle`.
    func contains(_ needle: [UInt8]) -> Bool {
        let bytes = readableBytesView
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var index = bytes.startIndex
        let last = bytes.endIndex - needle.count
        while index <= last {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
