import Foundation
@testable import KanavaCore
import Testing

@Suite struct MemberJSONTests {
    /// The hand-written event data must be byte for byte what the general encoder writes.
    @Test(arguments: ["Ville Mäkinen", "\"Quoted\" \\ back/slash", "tab\tnew\nline\r\u{01}\u{1F}\u{08}\u{0C}", "emoji 🧹 e\u{301}", ""])
    func writesWhatTheEncoderWrites(_ name: String) throws {
        let membership = Membership(account: try AccountID.parse("A1"), person: PersonID(42), role: .regionalDirector, source: .roster,
                                    sites: [name, "Wärtsi Tampere 2"], cities: [], joinedAt: Date(timeIntervalSince1970: 1_790_000_000.75))
        let member = Member(person: PersonRef(id: PersonID(42), name: name, email: "a.b@yritys.example"), membership: membership)
        let expected = try EventCoding.encoder.encode(member)
        #expect(String(decoding: member.eventJSON, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }
}
