/// Latencies in milliseconds summarised by nearest-rank percentiles of the sorted samples.
public struct LatencySummary: Encodable, Sendable, Equatable {
    public var count: Int
    public var p50: Double
    public var p99: Double
    public var max: Double

    public init(milliseconds samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        p50 = Self.percentile(0.50, of: sorted)
        p99 = Self.percentile(0.99, of: sorted)
        max = sorted.last ?? 0
    }

    /// Nearest rank: the smallest sample with at least `fraction` of the samples at or below it.
    static func percentile(_ fraction: Double, of sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
    }
}
