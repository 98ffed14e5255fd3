import Foundation

/// Orders strings as a Finnish reader expects (CLDR's Finnish collation, the parts that matter for names):
/// A–Z, then Å, Ä, Ö; `ü` sorts as `y`, `æ` as `ä`, `ø`/`õ`/`ő`/`œ` as `ö`, other accents (é, á, š …) as their
/// base letter; case and accents only break ties. Done here rather than through the platform's locale
/// support, whose collation differs between macOS and Linux builds of Foundation.
public enum FinnishCollation {
    /// True when `a` sorts before `b`.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        (key(a), a) < (key(b), b)
    }

    /// Sorts any collection by a string key in Finnish order.
    public static func sorted<T>(_ items: some Sequence<T>, by name: (T) -> String) -> [T] {
        items.map { (key: key(name($0)), name: name($0), item: $0) }
            .sorted { ($0.key, $0.name) < ($1.key, $1.name) }
            .map(\.item)
    }

    /// Primary weights decide (letters), then secondary (accents), then tertiary (case).
    struct Key: Comparable {
        var primary: [UInt32] = []
        var secondary: [UInt32] = []
        var tertiary: [UInt32] = []

        static func < (a: Key, b: Key) -> Bool {
            if a.primary != b.primary { return a.primary.lexicographicallyPrecedes(b.primary) }
            if a.secondary != b.secondary { return a.secondary.lexicographicallyPrecedes(b.secondary) }
            return a.tertiary.lexicographicallyPrecedes(b.tertiary)
        }
    }

    /// Letters after `z` in the Finnish alphabet, and the letters that sort with them.
    private static let afterZ: [Character: UInt32] = [
        "å": 1, "ä": 2, "æ": 2, "ę": 2, "ö": 3, "ø": 3, "õ": 3, "ő": 3, "œ": 3,
    ]
    private static let asY: Set<Character> = ["ü", "ű"]

    static func key(_ string: String) -> Key {
        var key = Key()
        for character in string {
            let lower = Character(character.lowercased())
            let isUpper = lower != character
            if let rank = afterZ[lower] {
                key.primary.append(letterBase + 26 + rank)
                key.secondary.append(lower == "å" || lower == "ä" || lower == "ö" ? 0 : 1)
            } else if asY.contains(lower) {
                key.primary.append(letterBase + 25)
                key.secondary.append(1)
            } else {
                // Strip combining marks: "é" → "e" with a secondary difference.
                let decomposed = String(lower).decomposedStringWithCanonicalMapping.unicodeScalars
                guard let base = decomposed.first else { continue }
                let accented = decomposed.count > 1
                key.primary.append(primaryWeight(base))
                key.secondary.append(accented ? 1 : 0)
            }
            key.tertiary.append(isUpper ? 1 : 0)
        }
        return key
    }

    private static let letterBase: UInt32 = 0x20_0000
    private static let digitBase: UInt32 = 0x10_0000

    /// Spaces and punctuation sort first, then digits, then letters (a = 1 … z = 26, å ä ö after).
    private static func primaryWeight(_ scalar: Unicode.Scalar) -> UInt32 {
        switch scalar.value {
        case 0x61...0x7A: return letterBase + (scalar.value - 0x60)
        case 0x30...0x39: return digitBase + (scalar.value - 0x30)
        default:
            if scalar.properties.isAlphabetic { return letterBase + 0x100 + scalar.value }
            return scalar.value
        }
    }
}
