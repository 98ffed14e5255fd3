import Dispatch
import Foundation
import HummingbirdBcrypt

/// bcrypt, run off Swift's cooperative threads: one hash takes ~0.25 s at cost 12 and must not stall
/// the tasks that serve everyone else.
public struct PasswordHasher: Sendable {
    public static let minLength = 10
    public static let maxLength = 72  // bcrypt reads at most 72 bytes

    public var cost: UInt8
    private static let queue = DispatchQueue(label: "kanava.bcrypt", attributes: .concurrent)

    public init(cost: Int) {
        self.cost = UInt8(clamping: cost)
    }

    public func hash(_ password: String) async -> String {
        let cost = self.cost
        return await Self.offload { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async -> Bool {
        await Self.offload { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash to verify against when the e-mail is unknown, so that both answers take the same time.
    public func decoyHash() async -> String {
        await hash("decoy-password-never-matches")
    }

    /// Rules for a new password.
    public static func validate(_ password: String) throws -> String {
        guard password.count >= minLength else { throw KanavaError.invalid("password", "must be at least \(minLength) characters") }
        guard password.utf8.count <= maxLength else { throw KanavaError.invalid("password", "must be at most \(maxLength) bytes") }
        return password
    }

    private static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
