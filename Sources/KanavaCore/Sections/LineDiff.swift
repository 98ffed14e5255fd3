/// A line diff (longest common subsequence) between two texts, for a section's history.
enum LineDiff {
    /// Above this many line pairs in the changed middle, the diff shows the middle as replaced.
    static let maxCells = 4_000_000

    static func diff(_ old: String, _ new: String) -> [DiffLine] {
        let a = old.isEmpty ? [] : old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.isEmpty ? [] : new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let middleA = Array(a[prefix..<(a.count - suffix)]), middleB = Array(b[prefix..<(b.count - suffix)])

        var lines = a[..<prefix].map { DiffLine(kind: .same, text: $0) }
        if middleA.count * middleB.count > maxCells {
            lines += middleA.map { DiffLine(kind: .removed, text: $0) } + middleB.map { DiffLine(kind: .added, text: $0) }
        } else {
            lines += lcs(middleA, middleB)
        }
        return lines + a[(a.count - suffix)...].map { DiffLine(kind: .same, text: $0) }
    }

    private static func lcs(_ a: [String], _ b: [String]) -> [DiffLine] {
        let n = a.count, m = b.count
        var table = [Int](repeating: 0, count: (n + 1) * (m + 1))
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i * (m + 1) + j] = a[i] == b[j] ? table[(i + 1) * (m + 1) + j + 1] + 1 : max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1])
            }
        }
        var lines: [DiffLine] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                lines.append(DiffLine(kind: .same, text: a[i])); i += 1; j += 1
            } else if i < n, j == m || table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1] {
                lines.append(DiffLine(kind: .removed, text: a[i])); i += 1  // a replaced line reads "old, then new"
            } else {
                lines.append(DiffLine(kind: .added, text: b[j])); j += 1
            }
        }
        return lines
    }
}
