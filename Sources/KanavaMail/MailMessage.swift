/// One e-mail: a plain-text body, optionally an HTML alternative, to one or more recipients.
public struct MailMessage: Sendable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    /// The plain-text part; always sent. Line ends may be `\n`, `\r\n` or `\r`.
    public var text: String
    /// An optional HTML part; with it the message is `multipart/alternative` (text first, then HTML).
    public var html: String?
    /// Extra header fields, such as `("X-Kanava-Notice", "12")`. The name must be a token and must not be one
    /// the client writes itself (`From`, `Subject`, `Content-Type`, …); the value must not contain line breaks.
    /// Non-ASCII values are sent as RFC 2047 encoded-words.
    public var headers: [(String, String)]

    public init(
        from: MailAddress, to: [MailAddress], subject: String, text: String, html: String? = nil,
        headers: [(String, String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.headers = headers
    }
}
