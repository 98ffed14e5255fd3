import Foundation

extension PostgresStore: SectionDirectory {
    public func section(_ key: String, in account: AccountID) async throws -> SectionInfo? {
        try await storedSection(key, in: account)?.info
    }
}
