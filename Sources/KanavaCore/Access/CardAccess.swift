import Foundation

/// What a principal may do with one account's quality cards.
public struct CardAccess: Sendable {
    public var account: Account
    /// The account's director and admins save and submit; the board only reads submitted cards.
    public var canEdit: Bool
}

/// The quality card's own access rules, apart from the channel's: the management board reads every account's cards
/// without being a member (and still sees nothing else of a channel), while the channel's other members do not see the
/// card at all.
extension AccessPolicy {
    /// The account's director (its member with the role `account_director`) and admins may edit; board members may
    /// read. Everyone else, members of the channel in other roles included, gets `not_found`, as for an account that
    /// does not exist.
    public func card(_ account: AccountID, for principal: Principal) async throws -> CardAccess {
        guard let found = try await store.account(account) else { throw KanavaError.notFound("channel \(account)") }
        switch principal {
        case .system:
            return CardAccess(account: found, canEdit: true)
        case .person(let person):
            if person.isAdmin { return CardAccess(account: found, canEdit: true) }
            if try await store.membership(of: person.id, in: account)?.role == .accountDirector {
                return CardAccess(account: found, canEdit: true)
            }
            if person.globalRole == .board { return CardAccess(account: found, canEdit: false) }
            throw KanavaError.notFound("channel \(account)")
        }
    }

    /// The board overview of every account's cards: board members and admins; anyone else `forbidden`.
    public func board(_ principal: Principal) throws {
        guard principal.isAdmin || principal.person?.globalRole == .board else { throw KanavaError.forbidden }
    }
}
