import Foundation

/// Checks roster rows one by one and across rows, collecting every error and warning, and builds the
/// desired memberships. Rules:
/// - a row must have as many fields as the header (catches truncated lines and mixed delimiters);
/// - an identical repeated line is a warning and counts once (only a line of a person already seen in that
///   account can repeat one, so only those are compared);
/// - one account id has one name; one e-mail has one person name (else both are errors);
/// - one person on several rows of an account is one membership with their sites and cities listed;
///   with different roles, the highest role wins (``ChannelRole/rank``) and it is reported.
struct RowValidator {
    let columns: [RosterColumn: Int]
    let headerCount: Int
    let maxNameChars: Int

    private(set) var errors: [RosterIssue] = []
    private var warnings: [RosterIssue] = []
    private var accounts: [AccountID: (name: String, line: Int)] = [:]
    private var people: [String: (email: String, name: String, line: Int)] = [:]
    private var memberships: [MembershipKey: Draft] = [:]
    private var order: [MembershipKey] = []
    private var dataRows = 0

    private struct MembershipKey: Hashable {
        var account: AccountID
        var email: String
    }

    private struct Draft {
        var email: String
        var role: ChannelRole
        var roleLine: Int
        var sites: [String]
        var cities: [String]
        /// The lines seen for this person in this account, to tell an identical repeat (only such a pair can repeat).
        var lines: [(fields: [String], line: Int)]
    }

    init(columns: [RosterColumn: Int], headerCount: Int, maxNameChars: Int) {
        self.columns = columns
        self.headerCount = headerCount
        self.maxNameChars = maxNameChars
    }

    mutating func check(_ fields: [String], line: Int) {
        dataRows += 1
        guard fields.count == headerCount else {
            errors.append(RosterIssue(line: line, problem: "has \(fields.count) field\(fields.count == 1 ? "" : "s") but the header has \(headerCount): a truncated line, a stray delimiter or mixed delimiters"))
            return
        }
        var valid = true
        func value(_ column: RosterColumn) -> String {
            columns[column].map { Self.trimmed(fields[$0]) } ?? ""
        }
        func fail(_ column: RosterColumn, _ value: String?, _ problem: String) {
            errors.append(RosterIssue(line: line, column: column.rawValue, value: value, problem: problem))
            valid = false
        }
        func text(_ column: RosterColumn, required: Bool) -> String {
            let raw = value(column)
            if required && raw.isEmpty { fail(column, nil, "is empty") }
            else if raw.utf8.count > maxNameChars && raw.count > maxNameChars { fail(column, raw, "is longer than \(maxNameChars) characters") }
            else if Self.hasControlCharacters(raw) { fail(column, raw, "contains control characters or a line break") }
            return raw
        }

        let rawID = value(.accountID)
        let rawAccountName = value(.accountName)
        // An account's rows repeat its id and name: check them once.
        let known = AccountID(rawValue: rawID).flatMap { id in accounts[id].map { (id, $0.name) } }
        let id: AccountID?
        let accountName: String
        if let known, Self.same(known.1, rawAccountName) {
            (id, accountName) = (known.0, known.1)
        } else {
            id = AccountID(rawValue: rawID)
            if rawID.isEmpty { fail(.accountID, nil, "is empty") }
            else if id == nil { fail(.accountID, rawID, "must be 1–\(AccountID.maxLength) letters, digits, '-', '_' or '.'") }
            accountName = text(.accountName, required: true)
        }
        let rawEmail = value(.personEmail)
        var email = rawEmail
        do { email = try EmailAddress.validate(rawEmail) } catch {
            fail(.personEmail, rawEmail.isEmpty ? nil : rawEmail, rawEmail.isEmpty ? "is empty" : "is not an e-mail address")
        }
        let personName = text(.personName, required: true)
        let rawRole = value(.role)
        let role = ChannelRole(rawValue: rawRole) ?? ChannelRole(rawValue: rawRole.lowercased())
        if role == nil {
            fail(.role, rawRole.isEmpty ? nil : rawRole, "must be one of \(ChannelRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let site = text(.site, required: false)
        let city = text(.city, required: false)
        guard valid, let id, let role else { return }

        if let known = accounts[id], !Self.same(known.name, accountName) {
            return fail(.accountName, accountName, "account \(id) is named '\(known.name)' on line \(known.line)")
        }
        let key = EmailAddress.key(email)
        if let known = people[key], !Self.same(known.name, personName) {
            return fail(.personName, personName, "\(email) is named '\(known.name)' on line \(known.line)")
        }
        if accounts[id] == nil { accounts[id] = (accountName, line) }
        if people[key] == nil { people[key] = (email, personName, line) }

        let membershipKey = MembershipKey(account: id, email: key)
        guard var draft = memberships[membershipKey] else {
            memberships[membershipKey] = Draft(email: email, role: role, roleLine: line, sites: site.isEmpty ? [] : [site],
                                               cities: city.isEmpty ? [] : [city], lines: [(fields, line)])
            order.append(membershipKey)
            return
        }
        // Byte-identical: hashing or comparing `String`s would normalise every Finnish name.
        if let first = draft.lines.first(where: { $0.fields.elementsEqual(fields) { $0.utf8.elementsEqual($1.utf8) } }) {
            warnings.append(RosterIssue(line: line, problem: "repeats line \(first.line) exactly; counted once"))
            return
        }
        draft.lines.append((fields, line))
        if draft.role != role {
            let winner = max(draft.role, role)
            warnings.append(RosterIssue(
                line: line, column: RosterColumn.role.rawValue, value: role.rawValue,
                problem: "\(email) is also \(draft.role.rawValue) in \(id) (line \(draft.roleLine)); the higher role, \(winner.rawValue), applies"
            ))
            if role > draft.role { (draft.role, draft.roleLine) = (role, line) }
        }
        if !site.isEmpty, !draft.sites.contains(where: { Self.same($0, site) }) { draft.sites.append(site) }
        if !city.isEmpty, !draft.cities.contains(where: { Self.same($0, city) }) { draft.cities.append(city) }
        memberships[membershipKey] = draft
    }

    /// Trims white space, without Foundation's character sets when there is nothing to trim (the usual case).
    static func trimmed(_ field: String) -> String {
        guard let first = field.utf8.first, let last = field.utf8.last else { return field }
        func space(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        let edgeSpace = space(first) || space(last)
            || (first >= 0x80 && field.unicodeScalars.first?.properties.isWhitespace == true)
            || (last >= 0x80 && field.unicodeScalars.last?.properties.isWhitespace == true)
        return edgeSpace ? field.trimmingCharacters(in: .whitespaces) : field
    }

    /// Equal text: byte-identical (the usual case, and cheap), else canonically equivalent.
    static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) || a == b
    }

    /// C0 and C1 control characters (line breaks included), found byte by byte.
    static func hasControlCharacters(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) { return true }
            previous = byte
        }
        return false
    }

    func roster(format: String) -> Roster {
        Roster(
            accounts: accounts.mapValues(\.name),
            people: people.mapValues { ($0.email, $0.name) },
            memberships: order.compactMap { key in
                memberships[key].map { RosterMembership(account: key.account, email: $0.email, role: $0.role, sites: $0.sites, cities: $0.cities) }
            },
            warnings: warnings,
            format: format,
            dataRows: dataRows
        )
    }
}
