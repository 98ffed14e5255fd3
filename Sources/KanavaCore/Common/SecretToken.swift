import Crypto
import Foundation

/// Secrets handed out once and stored only as their SHA-256 (session cookies, bot tokens, webhook and calendar
/// URLs): a copy of the database lets nobody in.
public enum SecretToken {
    /// The length of ``random()``'s output.
    public static let length = 43

    /// 32 random bytes, base64url without padding (43 characters).
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// What is stored: the lower-case hexadecimal SHA-256 of the secret.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hex
    }

    /// Whether `token` has the shape of ``random()``'s output (checked before anything is looked up).
    public static func isWellFormed(_ token: some StringProtocol) -> Bool {
        token.utf8.count == length && token.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }
}
