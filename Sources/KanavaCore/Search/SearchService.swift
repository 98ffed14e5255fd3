import Foundation

/// Full-text search over the sections and messages a person may see, in one channel or all of theirs.
public struct SearchService: Sendable {
    public static let maxLimit = 50

    let store: any KanavaStore
    let access: AccessPolicy

    public init(store: any KanavaStore, access: AccessPolicy) {
        self.store = store
        self.access = access
    }

    public func search(_ text: String, in account: AccountID?, limit: Int, for principal: Principal) async throws -> SearchResults {
        guard let person = principal.person else { throw KanavaError(.forbidden, "search is for people") }
        guard (1...Self.maxLimit).contains(limit) else { throw KanavaError.invalid("limit", "must be 1–\(Self.maxLimit)") }
        let query = try SearchQuery(text)
        if let account { _ = try await access.channel(account, for: principal) }
        let scope = SearchScope(viewer: person.id, isAdmin: person.isAdmin, account: account)
        async let sections = store.searchSections(query, scope: scope, limit: limit)
        async let messages = store.searchMessages(query, scope: scope, limit: limit)
        return SearchResults(words: query.words, sections: try await sections, messages: try await messages)
    }
}
