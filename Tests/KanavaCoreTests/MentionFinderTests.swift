import KanavaCore
import Testing

@Suite struct MentionFinderTests {
    let ville = PersonRef(id: PersonID(1), name: "Ville Mäkinen", email: "v@x.fi")
    let villeM = PersonRef(id: PersonID(2), name: "Ville Mäki", email: "vm@x.fi")
    let namesake = PersonRef(id: PersonID(3), name: "Ville Mäkinen", email: "v2@x.fi")
    let aino = PersonRef(id: PersonID(4), name: "Aino", email: "a@x.fi")

    @Test func theLongestNameAtAWordBoundaryWins() {
        let finder = MentionFinder(members: [villeM, ville, aino])
        #expect(finder.mentions(in: "@Ville Mäkinen, katso tämä") == [ville])
        #expect(finder.mentions(in: "@ville mäki ja @AINO!") == [villeM, aino])
        #expect(finder.mentions(in: "@Ainoastaan ei ole nimi, eikä aino@x.fi") == [])
        #expect(finder.mentions(in: "@Aino @Aino") == [aino])
        #expect(finder.mentions(in: "ei mainintoja @") == [])
    }

    @Test func namesakesAreBothMentioned() {
        let finder = MentionFinder(members: [ville, namesake])
        #expect(Set(finder.mentions(in: "@Ville Mäkinen").map(\.id)) == [PersonID(1), PersonID(3)])
    }
}
