import Foundation
import KanavaCore
import KanavaTestSupport
import Testing

/// Expands for each case `{"rule", "start", "from", "through"}` the rule with python-dateutil and prints the dates.
private let dateutilScript = """
    import json, sys
    from datetime import datetime
    from dateutil.rrule import rrulestr
    out = []
    for case in json.load(sys.stdin):
        rule = rrulestr(case["rule"], dtstart=datetime.fromisoformat(case["start"]))
        dates = rule.between(datetime.fromisoformat(case["from"]), datetime.fromisoformat(case["through"]), inc=True)
        out.append([d.date().isoformat() for d in dates])
    json.dump(out, sys.stdout)
    """

/// A small deterministic generator (SplitMix64), so a failure names a case that comes back on the next run.
private struct Generator {
    var state: UInt64
    mutating func next(_ range: ClosedRange<Int>) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return range.lowerBound + Int(z % UInt64(range.count))
    }
    mutating func chance(_ percent: Int) -> Bool { next(1...100) <= percent }
}

/// Our expansion against an independent RFC 5545 implementation (python-dateutil) on many generated rules, including
/// the ones the annual clock refuses (skipping months), since their dates must still be RFC 5545's.
@Suite struct RecurrenceDateutilTests {
    /// python-dateutil is installed into `.build/python` if missing; the test fails (never skips) if it cannot be.
    @Test func expansionAgreesWithDateutil() async throws {
        var random = Generator(state: 20_260_310)
        var cases: [[String: String]] = []
        var ours: [[String]] = []
        let weekdays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        for _ in 0..<1500 {
            let yearly = random.chance(40)
            var parts = ["FREQ=" + (yearly ? "YEARLY" : "MONTHLY")]
            if random.chance(50) { parts.append("INTERVAL=\(random.next(1...(yearly ? 4 : 14)))") }
            let months = yearly && random.chance(70) ? Set((0..<random.next(1...4)).map { _ in random.next(1...12) }) : []
            if !months.isEmpty { parts.append("BYMONTH=" + months.map(String.init).joined(separator: ",")) }
            switch random.next(0...2) {
            case 1:
                let days = Set((0..<random.next(1...3)).map { _ in random.next(1...31) * (random.chance(30) ? -1 : 1) })
                parts.append("BYMONTHDAY=" + days.map(String.init).joined(separator: ","))
            case 2 where !yearly || !months.isEmpty:
                let days = Set((0..<random.next(1...2)).map { _ in "\(random.next(1...5) * (random.chance(30) ? -1 : 1))\(weekdays[random.next(0...6)])" })
                parts.append("BYDAY=" + days.joined(separator: ","))
            default: break
            }
            let start = LocalDate(dayNumber: LocalDate("2000-01-01")!.dayNumber + random.next(0...11_000))!
            switch random.next(0...3) {
            case 0: parts.append("COUNT=\(random.next(1...40))")
            case 1: parts.append("UNTIL=" + LocalDate(dayNumber: start.dayNumber + random.next(-30...2_000))!.description.replacingOccurrences(of: "-", with: ""))
            default: break
            }
            let from = LocalDate(dayNumber: start.dayNumber + random.next(-400...3_000))!
            let through = LocalDate(dayNumber: from.dayNumber + random.next(0...Recurrence.maxWindowDays))!
            let rule = parts.joined(separator: ";")
            let recurrence = try Recurrence.parse(rule)
            ours.append(recurrence.dates(start: start, in: from...through).map(\.description))
            cases.append(["rule": rule, "start": start.description, "from": from.description, "through": through.description])
        }
        let pythonPath = try await PythonDependencies.path(module: "dateutil.rrule", package: "python-dateutil")
        let result = try await Python.run(["-c", dateutilScript], input: try JSONSerialization.data(withJSONObject: cases), pythonPath: pythonPath)
        try #require(result.status == 0, "python-dateutil failed: \(result.standardError)")
        let theirs = try #require(try JSONSerialization.jsonObject(with: result.output) as? [[String]])
        try #require(theirs.count == cases.count)
        var mismatches = 0
        for index in cases.indices where ours[index] != theirs[index] {
            mismatches += 1
            if mismatches <= 5 { Issue.record("\(cases[index]): ours \(ours[index].prefix(8)) … dateutil \(theirs[index].prefix(8)) …") }
        }
        #expect(mismatches == 0)
        #expect(ours.filter { !$0.isEmpty }.count > 1000, "most cases have dates to compare")
    }
}
