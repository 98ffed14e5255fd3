import Foundation

public protocol ExportStore: Sendable {
    /// Everything of one account's channel, read in one read transaction (one consistent moment, also while the
    /// server keeps writing); nil when there is no such account.
    func accountArchive(_ account: AccountID) async throws -> AccountArchive?
}
