import Foundation

/// What a Slack- or Mattermost-style incoming webhook request says: `{"text": "...", "username"?: "..."}` as JSON,
/// or the same JSON in the `payload` field of a form-encoded body.
///
/// Unlike Kanava's own API, fields it does not use (`icon_emoji`, `channel`, `attachments`, …) are accepted and
/// ignored: real tools send them, and they must post unchanged.
public struct WebhookPayload: Sendable, Equatable {
    /// The largest body accepted (413 beyond it).
    public static let maxBytes = 65_536

    public var text: String
    /// The name to post under instead of the webhook's; nil when absent or empty.
    public var username: String?

    public init(text: String, username: String?) {
        self.text = text
        self.username = username
    }

    /// Reads a request body. `contentType` is the `Content-Type` header: `application/x-www-form-urlencoded` means
    /// `payload=<JSON>`; anything else is read as JSON.
    public static func parse(_ body: Data, contentType: String?) throws -> WebhookPayload {
        guard !body.isEmpty else { throw KanavaError(.badRequest, #"invalid_payload: the body is empty; send {"text": "…"}"#) }
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        let json = mediaType == "application/x-www-form-urlencoded" ? try formPayload(body) : body
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        } catch {
            throw KanavaError(.badRequest, "invalid_payload: the payload is not valid JSON")
        }
        guard let fields = object as? [String: Any] else { throw KanavaError(.badRequest, "invalid_payload: the payload must be a JSON object") }
        guard let rawText = fields["text"], !(rawText is NSNull) else { throw KanavaError(.invalidInput, #"no_text: the payload has no "text""#) }
        guard let text = rawText as? String else { throw KanavaError.invalid("text", "must be a string") }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw KanavaError(.invalidInput, #"no_text: "text" is empty"#) }
        var username: String?
        if let rawName = fields["username"], !(rawName is NSNull) {
            guard let name = rawName as? String else { throw KanavaError.invalid("username", "must be a string") }
            username = name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : name
        }
        return WebhookPayload(text: text, username: username)
    }

    /// The `payload` field of a form-encoded body, percent-decoded (`+` is a space).
    static func formPayload(_ body: Data) throws -> Data {
        let form = String(decoding: body, as: UTF8.self)
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.first == "payload" else { continue }
            guard let value = parts.count == 2 ? String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding : nil else {
                throw KanavaError(.badRequest, "invalid_payload: the payload field is not percent-encoded text")
            }
            return Data(value.utf8)
        }
        throw KanavaError(.badRequest, "invalid_payload: a form-encoded body needs a payload=<JSON> field")
    }
}
