import Foundation
import Hummingbird
import KanavaCore

/// A JSON request body whose fields are all known: a field the type does not have is an error, not
/// silently ignored, so a typo in a client never looks like success.
public protocol JSONBody: Decodable, Sendable {
    associatedtype CodingKeys: CodingKey & CaseIterable
}

extension Request {
    /// Reads and decodes a JSON body of at most `limit` bytes, with errors that name the problem.
    func decodeJSON<Body: JSONBody>(_ type: Body.Type, limit: Int) async throws -> Body {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch {
            throw KanavaError(.payloadTooLarge, "the request body is larger than \(limit) bytes")
        }
        return try JSONInput.decode(type, from: Data(buffer: buffer))
    }
}

/// Decoding of untrusted JSON (request bodies and WebSocket frames) into ``KanavaError``s a client can act on.
public enum JSONInput {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    public static func decode<Body: JSONBody>(_ type: Body.Type, from data: Data) throws -> Body {
        guard !data.isEmpty else { throw KanavaError(.badRequest, "the request needs a JSON body") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw KanavaError(.badRequest, "the body is not valid JSON")
        }
        guard let fields = object as? [String: Any] else { throw KanavaError(.badRequest, "the body must be a JSON object") }
        let known = Set(Body.CodingKeys.allCases.map(\.stringValue))
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw KanavaError(.badRequest, "unknown field '\(unknown.prefix(60))'")
        }
        do {
            return try decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw KanavaError(.badRequest, describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): is required"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "the body could not be read"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: type is any Collection.Type ? "a list" : "an object"
        }
    }
}
