import KanavaCore
import Testing

@Suite struct FinnishCollationTests {
    @Test func åÄÖComeAfterZInThatOrder() {
        let names = ["Östra kiinteistö Ab", "Zeta Oy", "Äänekosken terveyskeskus", "Åbo Akademi", "aalto Oy", "Aalto Kiinteistöt", "Wärtsi kirjasto", "Vaasan satama", "Oulun yliopisto"]
        #expect(FinnishCollation.sorted(names, by: { $0 }) == [
            "Aalto Kiinteistöt", "aalto Oy", "Oulun yliopisto", "Vaasan satama", "Wärtsi kirjasto", "Zeta Oy",
            "Åbo Akademi", "Äänekosken terveyskeskus", "Östra kiinteistö Ab",
        ])
    }

    @Test func lettersInsideWordsFollowTheSameRules() {
        // "Mäki" sorts after "Mz…" because ä is after z; "Maki" before both.
        #expect(FinnishCollation.sorted(["Mäki", "Mzabi", "Maki", "Möttönen", "Månsson"], by: { $0 }) == ["Maki", "Mzabi", "Månsson", "Mäki", "Möttönen"])
    }

    @Test func foreignLettersSortWithTheirFinnishEquivalents() {
        #expect(FinnishCollation.precedes("Émile", "Erkki"))     // é is e, differing only by accent
        #expect(FinnishCollation.precedes("Müller", "Mz"))       // ü sorts as y
        #expect(FinnishCollation.precedes("Mz", "Müller") == false)
        #expect(FinnishCollation.precedes("Øster", "Öster") || FinnishCollation.precedes("Öster", "Øster"))
        #expect(FinnishCollation.precedes("Zorro", "Øster"))     // ø sorts as ö
        #expect(FinnishCollation.precedes("Zorro", "Æble"))      // æ sorts as ä
    }

    @Test func caseOnlyBreaksTies() {
        #expect(FinnishCollation.precedes("alku", "Bertta"))
        #expect(FinnishCollation.precedes("aalto", "Aalto"))
        #expect(!FinnishCollation.precedes("Aalto", "aalto"))
    }

    @Test func digitsAndSpacesComeBeforeLetters() {
        #expect(FinnishCollation.sorted(["Kauppa B", "Kauppa 2", "Kauppa", "Kauppa A"], by: { $0 }) == ["Kauppa", "Kauppa 2", "Kauppa A", "Kauppa B"])
    }
}
