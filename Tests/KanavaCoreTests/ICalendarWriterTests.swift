import Foundation
@testable import KanavaCore
import Testing

/// RFC 5545 text: escaping (3.3.11) and line folding (3.1).
@Suite struct ICalendarWriterTests {
    @Test func textIsEscaped() {
        #expect(ICalendarWriter.escape(#"a\b;c,d"#) == #"a\\b\;c\,d"#)
        #expect(ICalendarWriter.escape("rivi 1\nrivi 2\r\nrivi 3\rloppu") == #"rivi 1\nrivi 2\nrivi 3\nloppu"#)
        #expect(ICalendarWriter.escape("Päättäjät: \"Östra\" – sisäinen") == "Päättäjät: \"Östra\" – sisäinen", "colons, quotes and non-ASCII stay")
        #expect(ICalendarWriter.escape("sarkain\tjää, kello\u{7}ei") == "sarkain\tjää\\, kelloei", "a tab stays; other control characters go")
        #expect(ICalendarWriter.escape("") == "")
    }

    @Test func shortLinesAreNotFolded() {
        let line = String(repeating: "x", count: 75)
        #expect(ICalendarWriter.fold(line) == line)
    }

    @Test func longLinesAreFoldedAt75Octets() {
        let folded = ICalendarWriter.fold(String(repeating: "x", count: 200))
        let lines = folded.components(separatedBy: "\r\n")
        #expect(lines.map(\.utf8.count) == [75, 75, 52], "75, then a space and 74, then a space and the last 51")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(Self.unfold(folded) == String(repeating: "x", count: 200))
    }

    @Test func foldingNeverSplitsAUTF8Sequence() {
        // 74 ASCII octets, then "ä" (2 octets) would make 76: it moves whole to the next line.
        let line = String(repeating: "a", count: 74) + "äö"
        let lines = ICalendarWriter.fold(line).components(separatedBy: "\r\n")
        #expect(lines == [String(repeating: "a", count: 74), " äö"])

        for text in [String(repeating: "ä", count: 100), String(repeating: "€", count: 60), String(repeating: "🙂x", count: 40),
                     "SUMMARY:" + String(repeating: "Järjestelmällinen laatukäynti – ", count: 8)] {
            let folded = ICalendarWriter.fold(text)
            for physical in folded.components(separatedBy: "\r\n") {
                #expect(physical.utf8.count <= 75, "\(physical)")
                #expect(String(validating: Array(physical.utf8), as: UTF8.self) != nil, "every line is whole UTF-8")
            }
            #expect(Self.unfold(folded) == text)
        }
    }

    @Test func theWriterEndsEveryLineWithCRLF() {
        var writer = ICalendarWriter()
        writer.property("BEGIN", "VEVENT")
        writer.text("SUMMARY", "Asiakastapaaminen; Tampere, Oulu")
        writer.property("END", "VEVENT")
        #expect(writer.text == "BEGIN:VEVENT\r\nSUMMARY:Asiakastapaaminen\\; Tampere\\, Oulu\r\nEND:VEVENT\r\n")
        #expect(!writer.text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare line feeds")
    }

    /// RFC 5545's unfolding: a CRLF followed by one space or tab is removed.
    static func unfold(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\r\n\t", with: "")
    }
}
