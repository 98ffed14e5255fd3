import Foundation
@testable import KanavaCore
import PropertyBased
import Testing

/// Property tests of the roster parser (swift-property-based; a failure prints the seed that reproduces it).
@Suite struct RosterPropertyTests {
    let parser = RosterParser()

    /// Arbitrary bytes, and valid rosters with bytes flipped, inserted, dropped or cut: the parser returns a roster or
    /// throws every problem at once, each on a line that exists in the file (nil only for whole-file problems).
    @Test func anyBytesGiveARosterOrLineNumberedErrors() async {
        let bytes = Gen<UInt8>.value(in: 0...255).array(of: 0...400).map { Data($0) }
        let mutated = Generator<Data, Shrink.None<Data>> { rng in
            var data = RosterSpec.random(using: &rng).csv(RosterSpec.Format.random(using: &rng))
            Self.mutate(&data, using: &rng)
            return data
        }
        await propertyCheck(count: 400, input: Gen.oneOf(bytes.eraseToAnySequence(), mutated.eraseToAnySequence())) { data in
            check(data)
        }
    }

    /// A valid roster written out with random quoting, delimiter, column order and case, BOM, line ends, blank lines,
    /// an extra column and encoding (UTF-8 or Windows-1252) parses back to the same accounts, people and memberships.
    @Test func aValidRosterWrittenOutParsesBackToTheSameRows() async {
        let rosters = Generator<(RosterSpec, RosterSpec.Format), Shrink.None<(RosterSpec, RosterSpec.Format)>> { rng in
            (RosterSpec.random(using: &rng), RosterSpec.Format.random(using: &rng))
        }
        await propertyCheck(count: 400, input: rosters) { spec, format in
            let data = spec.csv(format)
            let roster: Roster
            do {
                roster = try parser.parse(data)
            } catch {
                Issue.record("a valid roster was refused (\(format)): \(error)\n\(String(decoding: data, as: UTF8.self))")
                return
            }
            #expect(roster.memberships == spec.memberships, "\(format)")
            #expect(roster.accounts == spec.accounts, "\(format)")
            #expect(roster.people.mapValues { "\($0.email)|\($0.name)" } == spec.people.mapValues { "\($0.email)|\($0.name)" }, "\(format)")
            #expect(roster.warnings.isEmpty, "\(roster.warnings)")
            #expect(roster.dataRows == spec.rows.count)
        }
    }

    /// Fixed inputs the fuzzer's neighbourhood suggested: quotes and line breaks in odd places, a lone CR.
    @Test(arguments: [
        "account_id;account_name;person_email;person_name;role\r\"A1\"x;\"N\"\"\r\n",
        "\"",
        "\u{FEFF}",
        "account_id,account_name,person_email,person_name,role\n\"A1,\"\n\n\n,,,,\n",
        "account_id;account_name;person_email;person_name;role\nA1;\"multi\nline\";a@b.fi;N;supervisor\nA1;x;a@b.fi;N\n",
        "account_id;Notes;Person_email;Person_name;Account_name;City;Site;Role\r\r\n\"LqaZ\";\"lisät",
    ])
    func oddInputsAreRefusedWithLineNumbers(_ text: String) {
        check(Data(text.utf8))
    }

    private func check(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        // The lines a spreadsheet user could be pointed at: CRLF, CR and LF each end one.
        // Counted on bytes: as Characters, "\r" followed by "\r\n" would merge into one after a replacement.
        let bytes = Array(data)
        let lines = 1 + bytes.indices.filter { index in
            bytes[index] == 0x0A || (bytes[index] == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A))
        }.count
        do {
            let roster = try parser.parse(data)
            #expect(roster.memberships.count <= roster.dataRows, sourceLocation: sourceLocation)
        } catch {
            #expect(!error.issues.isEmpty, "a rejection without a reason", sourceLocation: sourceLocation)
            for issue in error.issues {
                if let line = issue.line {
                    #expect((1...lines).contains(line), "line \(line) of a \(lines)-line file: \(issue) in \(Array(data))", sourceLocation: sourceLocation)
                } else {
                    #expect(["the file is empty", "the file cannot be read as CSV"].contains(issue.problem), "\(issue)", sourceLocation: sourceLocation)
                }
                #expect(!issue.problem.isEmpty, sourceLocation: sourceLocation)
            }
        }
    }

    /// Flips, inserts, drops and cuts bytes, favouring the ones CSV and text decoding care about.
    private static func mutate(_ data: inout Data, using rng: inout some RandomNumberGenerator) {
        let special: [UInt8] = [0x22, 0x3B, 0x2C, 0x0D, 0x0A, 0x00, 0x81, 0xC3, 0xEF, 0xBB, 0xBF, 0x20, 0x09, 0x7F]
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            let byte = Bool.random(using: &rng) ? special.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            let index = data.isEmpty ? 0 : Int.random(in: 0..<data.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !data.isEmpty: data[data.startIndex + index] = byte
            case 1: data.insert(byte, at: data.startIndex + index)
            case 2 where !data.isEmpty: data.remove(at: data.startIndex + index)
            default: data = data.prefix(index)
            }
        }
    }
}

/// A valid roster as rows, and how to write it out.
struct RosterSpec: Sendable {
    struct Row: Sendable {
        var account: String, accountName: String, site: String, city: String, email: String, personName: String, role: ChannelRole
    }

    var rows: [Row]

    var memberships: [RosterMembership] {
        rows.map { RosterMembership(account: AccountID(rawValue: $0.account)!, email: $0.email, role: $0.role,
                                    sites: $0.site.isEmpty ? [] : [$0.site], cities: $0.city.isEmpty ? [] : [$0.city]) }
    }
    var accounts: [AccountID: String] {
        Dictionary(rows.map { (AccountID(rawValue: $0.account)!, $0.accountName) }, uniquingKeysWith: { first, _ in first })
    }
    var people: [String: (email: String, name: String)] {
        Dictionary(rows.map { (EmailAddress.key($0.email), (email: $0.email, name: $0.personName)) }, uniquingKeysWith: { first, _ in first })
    }

    /// 1–4 accounts, 1–5 people, each (account, person) pair on at most one row; names with delimiters, quotes,
    /// Finnish letters and emoji, never blank at the edges (the parser trims) and without control characters.
    static func random(using rng: inout some RandomNumberGenerator) -> RosterSpec {
        let idCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        var ids: [String] = []
        while ids.count < Int.random(in: 1...4, using: &rng) {
            let id = String((0..<Int.random(in: 1...8, using: &rng)).map { _ in idCharacters.randomElement(using: &rng)! })
            if !ids.contains(where: { $0.lowercased() == id.lowercased() }) { ids.append(id) }
        }
        let accounts = ids.map { ($0, name(using: &rng)) }
        var people: [(email: String, name: String)] = []
        while people.count < Int.random(in: 1...5, using: &rng) {
            let local = String((0..<Int.random(in: 1...6, using: &rng)).map { _ in Array("abcxyzAB019._+-").randomElement(using: &rng)! })
            let email = "\(local)@\(["yritys.example", "Esim.FI", "a.b.c"].randomElement(using: &rng)!)"
            guard (try? EmailAddress.validate(email)) == email, !people.contains(where: { EmailAddress.key($0.email) == EmailAddress.key(email) }) else { continue }
            people.append((email, name(using: &rng)))
        }
        var pairs = accounts.flatMap { account in people.map { (account, $0) } }
        pairs.shuffle(using: &rng)
        let rows = pairs.prefix(Int.random(in: 1...min(12, pairs.count), using: &rng)).map { account, person in
            Row(account: account.0, accountName: account.1,
                site: Bool.random(using: &rng) ? name(using: &rng) : "", city: Bool.random(using: &rng) ? name(using: &rng) : "",
                email: person.email, personName: person.name, role: ChannelRole.allCases.randomElement(using: &rng)!)
        }
        return RosterSpec(rows: rows)
    }

    private static func name(using rng: inout some RandomNumberGenerator) -> String {
        let edge = Array("AaÄäÖöÅåÉéÜü0Z😀\";,'#=")
        let inner = edge + [" ", " ", "-", "&", "<"]
        let count = Int.random(in: 1...24, using: &rng)
        return String((0..<count).map { index in (index == 0 || index == count - 1 ? edge : inner).randomElement(using: &rng)! })
    }

    struct Format: Sendable, CustomStringConvertible {
        var delimiter: Character
        var quoteAll: Bool
        var bom: Bool
        var newline: String
        var trailingNewline: Bool
        var blankLines: Bool
        var extraColumn: Bool
        var windows1252: Bool
        var columnOrder: [Int]
        var headerCase: Int

        static func random(using rng: inout some RandomNumberGenerator) -> Format {
            Format(delimiter: Bool.random(using: &rng) ? ";" : ",", quoteAll: Bool.random(using: &rng), bom: Bool.random(using: &rng),
                   newline: Bool.random(using: &rng) ? "\r\n" : "\n", trailingNewline: Bool.random(using: &rng), blankLines: Bool.random(using: &rng),
                   extraColumn: Bool.random(using: &rng), windows1252: Bool.random(using: &rng),
                   columnOrder: Array(0..<8).shuffled(using: &rng), headerCase: Int.random(in: 0..<3, using: &rng))
        }

        var description: String {
            "delimiter '\(delimiter)', quote \(quoteAll ? "all" : "as needed"), BOM \(bom), newline \(newline.debugDescription), "
                + "trailing \(trailingNewline), blank lines \(blankLines), extra column \(extraColumn), Windows-1252 \(windows1252), "
                + "columns \(columnOrder), header case \(headerCase)"
        }
    }

    /// The file's bytes. Windows-1252 only when every character has a byte there (else UTF-8, as a spreadsheet would).
    func csv(_ format: Format) -> Data {
        let header = ["account_id", "account_name", "site", "city", "person_email", "person_name", "role", "notes"]
        func fields(_ row: Row) -> [String] {
            [row.account, row.accountName, row.site, row.city, row.email, row.personName, row.role.rawValue, "lisätieto; \"x\", y"]
        }
        let columns = format.columnOrder.filter { format.extraColumn || $0 != 7 }
        func line(_ values: [String]) -> String {
            columns.map { index in
                let value = values[index]
                let needsQuotes = value.contains(format.delimiter) || value.contains("\"")
                return format.quoteAll || needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
            }.joined(separator: String(format.delimiter))
        }
        let headerNames = header.map { [$0, $0.uppercased(), $0.prefix(1).uppercased() + $0.dropFirst()][format.headerCase] }
        var lines = [columns.map { headerNames[$0] }.joined(separator: String(format.delimiter))]
        for row in rows {
            if format.blankLines { lines.append("") }
            lines.append(line(fields(row)))
        }
        let text = lines.joined(separator: format.newline) + (format.trailingNewline ? format.newline : "")
        if format.windows1252, let latin = Self.windows1252(text) { return latin }
        return (format.bom ? Data([0xEF, 0xBB, 0xBF]) : Data()) + Data(text.utf8)
    }

    /// ASCII and the letters U+00C0–U+00FF as single bytes: those bytes are never valid UTF-8 continuations, so the
    /// parser cannot mistake the file for UTF-8 unless it is plain ASCII.
    private static func windows1252(_ text: String) -> Data? {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            guard scalar.value < 0x80 || (0xC0...0xFF).contains(scalar.value) else { return nil }
            bytes.append(UInt8(scalar.value))
        }
        return Data(bytes)
    }
}
