import Foundation

extension KanavaError {
    /// `invalid_input` naming a bot's channels that do not exist (the first 20 of them).
    static func noSuchChannels(_ missing: [AccountID]) -> KanavaError {
        .invalid("channels", "no such channel: \(missing.prefix(20).map(\.rawValue).joined(separator: ", "))"
            + (missing.count > 20 ? " and \(missing.count - 20) more" : ""))
    }
}
