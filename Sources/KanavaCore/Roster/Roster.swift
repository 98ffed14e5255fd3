import Foundation

/// A problem found in a roster file, located as a spreadsheet user would look for it.
public struct RosterIssue: Codable, Sendable, Hashable, CustomStringConvertible {
    /// 1-based physical line in the file (the header is line 1); nil for whole-file problems.
    public var line: Int?
    public var column: String?
    public var value: String?
    public var problem: String

    public init(line: Int?, column: String? = nil, value: String? = nil, problem: String) {
        self.line = line
        self.column = column
        self.value = value.map { String($0.prefix(80)) }
        self.problem = problem
    }

    public var description: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if let column { parts.append(column) }
        if let value { parts.append("'\(value)'") }
        return (parts.isEmpty ? "" : parts.joined(separator: ", ") + ": ") + problem
    }
}

/// The membership the roster wants one person to have in one account.
public struct RosterMembership: Sendable, Hashable {
    public var account: AccountID
    /// The person's e-mail as written (first occurrence); identity is its lower-cased form.
    public var email: String
    public var role: ChannelRole
    public var sites: [String]
    public var cities: [String]
}

/// A validated roster: the complete desired state of roster-sourced memberships.
public struct Roster: Sendable {
    /// Account id → name.
    public var accounts: [AccountID: String]
    /// E-mail key → (e-mail as written, name).
    public var people: [String: (email: String, name: String)]
    public var memberships: [RosterMembership]
    /// Things worth knowing that do not stop a sync (repeated lines, several roles for one person).
    public var warnings: [RosterIssue]
    /// How the file was read, e.g. "UTF-8, ';'" or "Windows-1252, ','".
    public var format: String
    public var dataRows: Int
}

/// The roster's columns.
enum RosterColumn: String, CaseIterable {
    case accountID = "account_id"
    case accountName = "account_name"
    case site
    case city
    case personEmail = "person_email"
    case personName = "person_name"
    case role

    static let required: [RosterColumn] = [.accountID, .accountName, .personEmail, .personName, .role]
}
