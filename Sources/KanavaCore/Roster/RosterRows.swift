import Foundation

/// What both stores share in keeping roster syncs: the summary's JSON text and the bounds of a month.
extension RosterSyncRecord.Summary {
    /// The stored JSON text of a summary.
    func stored() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    /// A stored summary; an unreadable one reads as empty.
    static func stored(_ text: String) -> Self {
        (try? JSONDecoder().decode(Self.self, from: Data(text.utf8)))
            ?? Self(format: nil, dataRows: 0, counts: RosterCounts(), warnings: [], errors: [], refusal: nil)
    }
}

enum RosterMonth {
    /// The first moment of a month and of the next one. Months are counted in Finnish time: a change at 00:30 on the
    /// 1st belongs to the new month.
    static func bounds(year: Int, month: Int) -> (start: Date, end: Date) {
        let end = month == 12 ? start(year: year + 1, month: 1) : start(year: year, month: month + 1)
        return (start(year: year, month: month), end)
    }

    private static func start(year: Int, month: Int) -> Date {
        LocalDate(year: year, month: month, day: 1)?.startInHelsinki ?? .distantPast
    }
}
