import Foundation

/// A deterministic synthetic roster shaped like the billing system's export (and like
/// `shared/data/gen_roster.py`): supervisors per site (some running several sites), instructors on some
/// sites, regional directors per city, one sales person and one director per account from shared pools.
struct RosterGenerator {
    var accounts: Int
    var rows: Int
    var seed: UInt64

    private static let first = ["Aino", "Eino", "Helmi", "Väinö", "Sanna", "Jukka", "Päivi", "Mikko", "Tiina", "Ömer", "Åsa", "Kirsi", "Lauri", "Sari", "Janne"]
    private static let last = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen", "Öhman", "Åberg"]
    private static let places = ["Aalto", "Ääni", "Åland", "Öljy", "Zeta", "Borea", "Cedar", "Delta", "Eira", "Fenno", "Haka", "Lumo", "Meri", "Nova", "Wärtsi"]
    private static let kinds = ["kauppa", "palvelutalo", "kiinteistö", "hotelli", "sairaala", "koulu", "logistiikka", "toimisto"]
    private static let cities = ["Helsinki", "Espoo", "Tampere", "Vantaa", "Oulu", "Turku", "Jyväskylä", "Kuopio", "Lahti", "Pori", "Vaasa", "Rovaniemi"]

    static let header = "account_id;account_name;site;city;person_email;person_name;role"

    /// The file's lines (header first), joined with CRLF by ``data()``.
    func lines() -> [String] {
        var random = SplitMix64(seed: seed)
        var serial = 0
        func person() -> (name: String, email: String) {
            serial += 1
            let first = Self.first[Int(random.next() % UInt64(Self.first.count))]
            let last = Self.last[Int(random.next() % UInt64(Self.last.count))]
            return ("\(first) \(last)", "\(Self.ascii(first)).\(Self.ascii(last)).\(serial)@yritys.example")
        }
        let regions = Dictionary(uniqueKeysWithValues: Self.cities.map { ($0, person()) })
        let sales = (0..<max(3, accounts / 5)).map { _ in person() }
        let directors = (0..<max(2, accounts / 8)).map { _ in person() }
        // Per account: ~1.3 rows per site (a supervisor, sometimes an instructor), one regional director per
        // city (up to all of them), a sales person and a director.
        let sitesPerAccount = max(1, Int((Double(rows) / Double(accounts) - Double(Self.cities.count) - 2) / 1.3))

        var lines = [Self.header]
        lines.reserveCapacity(rows + 1)
        for index in 0..<accounts {
            let place = Self.places[index % Self.places.count]
            let name = "\(place) \(Self.kinds[(index / Self.places.count) % Self.kinds.count]) \(index) Oy"
            let id = "A\(10_000 + index)"
            var supervisors: [(name: String, email: String)] = []
            var cities: Set<String> = []
            for site in 0..<sitesPerAccount {
                let city = Self.cities[Int(random.next() % UInt64(Self.cities.count))]
                cities.insert(city)
                let supervisor = !supervisors.isEmpty && random.next() % 100 < 15 ? supervisors[Int(random.next() % UInt64(supervisors.count))] : person()
                if !supervisors.contains(where: { $0.email == supervisor.email }) { supervisors.append(supervisor) }
                let siteName = "\(place) \(city) \(site + 1)"
                lines.append("\(id);\(name);\(siteName);\(city);\(supervisor.email);\(supervisor.name);supervisor")
                if random.next() % 100 < 30 {
                    let instructor = person()
                    lines.append("\(id);\(name);\(siteName);\(city);\(instructor.email);\(instructor.name);instructor")
                }
            }
            for city in cities.sorted() {
                let director = regions[city]!
                lines.append("\(id);\(name);;\(city);\(director.email);\(director.name);regional_director")
            }
            let seller = sales[Int(random.next() % UInt64(sales.count))]
            lines.append("\(id);\(name);;;\(seller.email);\(seller.name);sales")
            let director = directors[Int(random.next() % UInt64(directors.count))]
            lines.append("\(id);\(name);;;\(director.email);\(director.name);account_director")
        }
        return lines
    }

    static func data(_ lines: [String]) -> Data {
        Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    private static func ascii(_ text: String) -> String {
        String(text.lowercased().map { ["ä": "a", "ö": "o", "å": "a"][$0] ?? $0 })
    }
}

/// A small, fast, seedable random number generator (same sequence on every machine): the benchmark's workloads and
/// the tests' fuzzers are reproducible from their seed.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
