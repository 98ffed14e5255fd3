import CSV
import Foundation

/// Reads a roster CSV exported by the billing system and validates every row.
///
/// Accepts what spreadsheet programs write: `;` or `,` (detected from the header), UTF-8 with or without a
/// byte-order mark or else Windows-1252 (reported in ``Roster/format``), CRLF or LF, RFC 4180 quoting, header
/// names in any order and case. Either everything is valid and a ``Roster`` is returned, or every problem
/// is thrown at once as ``RosterRejection`` — never a partial result.
public struct RosterParser: Sendable {
    public var maxNameChars: Int

    public init(maxNameChars: Int = 200) {
        self.maxNameChars = maxNameChars
    }

    public func parse(_ data: Data) throws(RosterRejection) -> Roster {
        let (text, encoding) = try decode(data)
        let delimiter = Self.detectDelimiter(text)
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false, delimiter: delimiter)
        } catch {
            throw RosterRejection([RosterIssue(line: nil, problem: "the file cannot be read as CSV")])
        }

        guard let header = reader.next(), !(header.count == 1 && header[0].trimmingCharacters(in: .whitespaces).isEmpty) else {
            throw RosterRejection([RosterIssue(line: nil, problem: "the file is empty")])
        }
        let columns = try Self.mapColumns(header)
        var validator = RowValidator(columns: columns, headerCount: header.count, maxNameChars: maxNameChars)

        var line = 1 + Self.lineBreaks(in: header)
        while let fields = reader.next() {
            line += 1
            if !(fields.count == 1 && fields[0].isEmpty) {  // blank lines are ignored
                validator.check(fields, line: line)
            }
            line += Self.lineBreaks(in: fields)
        }
        if !validator.errors.isEmpty { throw RosterRejection(validator.errors) }
        return validator.roster(format: "\(encoding), '\(delimiter)'")
    }

    // MARK: - Bytes to text

    /// UTF-8 (a BOM is dropped), else Windows-1252; anything with NUL bytes or undefined code points is binary.
    private func decode(_ data: Data) throws(RosterRejection) -> (String, String) {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let nul = bytes.firstIndex(of: 0) {
            let line = 1 + bytes[..<nul].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw RosterRejection([RosterIssue(line: line, problem: "the file contains a NUL byte: it is not a text file")])
        }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, "UTF-8") }
        var scalars = String.UnicodeScalarView()
        for (offset, byte) in bytes.enumerated() {
            guard let scalar = Windows1252.scalar(byte) else {
                let line = 1 + bytes.prefix(offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                throw RosterRejection([RosterIssue(line: line, problem: "the file is neither UTF-8 nor Windows-1252 text (byte 0x\(String(byte, radix: 16, uppercase: true)))")])
            }
            scalars.append(scalar)
        }
        return (String(scalars), "Windows-1252")
    }

    // MARK: - Header

    /// The delimiter of the header line: the one of `;` and `,` that occurs there (Finnish Excel writes `;`).
    static func detectDelimiter(_ text: String) -> UnicodeScalar {
        var semicolons = 0, commas = 0, quoted = false
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted.toggle() }
            if quoted { continue }
            if scalar == "\n" || scalar == "\r" { break }
            if scalar == ";" { semicolons += 1 }
            if scalar == "," { commas += 1 }
        }
        return semicolons >= commas && semicolons > 0 ? ";" : ","
    }

    private static func mapColumns(_ header: [String]) throws(RosterRejection) -> [RosterColumn: Int] {
        var columns: [RosterColumn: Int] = [:]
        var issues: [RosterIssue] = []
        for (index, raw) in header.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard let column = RosterColumn(rawValue: name) else { continue }  // extra columns are allowed
            if columns[column] != nil {
                issues.append(RosterIssue(line: 1, column: name, problem: "the column appears twice in the header"))
            }
            columns[column] = index
        }
        for column in RosterColumn.required where columns[column] == nil {
            issues.append(RosterIssue(line: 1, column: column.rawValue, problem: "a required column is missing from the header"))
        }
        if !issues.isEmpty { throw RosterRejection(issues) }
        return columns
    }

    private static func lineBreaks(in fields: [String]) -> Int {
        fields.reduce(0) { count, field in count + field.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
    }
}

/// A roster that was not applied, with every problem found.
public struct RosterRejection: Error, Sendable, CustomStringConvertible {
    public var issues: [RosterIssue]
    public init(_ issues: [RosterIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Windows-1252: Latin-1 with printable characters in 0x80–0x9F, five of which are undefined.
enum Windows1252 {
    private static let high: [UInt32?] = [
        0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil, 0x017D, nil,
        nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178,
    ]

    /// The character of a byte, or nil for bytes no text file contains (undefined, or control characters).
    static func scalar(_ byte: UInt8) -> UnicodeScalar? {
        switch byte {
        case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0xA0...0xFF: UnicodeScalar(byte)
        case 0x80...0x9F: high[Int(byte - 0x80)].flatMap(UnicodeScalar.init)
        default: nil
        }
    }
}
