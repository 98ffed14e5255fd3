import NIOCore
import NIOSSL

/// Where and how to reach the SMTP server.
public struct SMTPSettings: Sendable {
    /// How the connection is protected.
    public enum Security: Sendable {
        /// Plain text throughout. Credentials are then refused unless the server is on loopback.
        case none
        /// Plain text, then `STARTTLS` before anything else (usually port 587). A server that does not offer
        /// STARTTLS is refused; the client never falls back to plain text.
        case startTLS
        /// TLS from the first byte ("implicit TLS", usually port 465).
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// With a username (not nil and not empty) the client authenticates with AUTH PLAIN, or LOGIN if that is
    /// all the server offers, and fails if it offers neither.
    public var username: String?
    public var password: String?
    /// The name sent with EHLO.
    public var heloName: String
    /// The longest any one step may take: connecting, the TLS handshake with the greeting, each reply.
    public var timeout: Duration
    /// The TLS client configuration for `.startTLS` and `.tls`; the server's certificate is verified against it.
    public var tls: TLSConfiguration

    public init(
        host: String, port: Int, security: Security, username: String? = nil, password: String? = nil,
        heloName: String = "localhost", timeout: Duration = .seconds(30),
        tls: TLSConfiguration = .makeClientConfiguration()
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.heloName = heloName
        self.timeout = timeout
        self.tls = tls
    }

    /// The credentials to authenticate with, if any.
    var credentials: (username: String, password: String)? {
        guard let username, !username.isEmpty else { return nil }
        return (username, password ?? "")
    }

    /// The name for SNI and certificate checks: the host, unless it is an IP address (then the certificate's
    /// IP addresses are checked instead).
    var serverHostname: String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// Throws a non-transient ``SMTPError`` for settings that cannot work or would put a line break into a command.
    func validate() throws {
        guard !host.isEmpty, !HeaderField.containsControlCharacter(host) else {
            throw SMTPError.invalid("the SMTP host is empty or contains control characters")
        }
        guard (1...65535).contains(port) else { throw SMTPError.invalid("the SMTP port \(port) is out of range") }
        guard !heloName.isEmpty, heloName.utf8.count <= 255, heloName.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SMTPError.invalid("the EHLO name must be 1 to 255 printable ASCII characters without spaces")
        }
        guard timeout > .zero else { throw SMTPError.invalid("the SMTP timeout must be positive") }
        if let credentials {
            // AUTH PLAIN separates the fields with NUL; LOGIN sends each on a line.
            guard !(credentials.username + credentials.password).unicodeScalars.contains(where: { $0.value == 0 || $0 == "\r" || $0 == "\n" }) else {
                throw SMTPError.invalid("the SMTP username or password contains NUL or a line break")
            }
        }
    }
}
