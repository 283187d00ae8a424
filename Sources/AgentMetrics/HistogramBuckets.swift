/// A latency histogram written out: the recorded buckets of an HDR histogram (three significant
/// digits, microseconds) with their counts, plus the +∞ samples. Reading it back gives the same
/// histogram, so stored histograms merge exactly and give the same percentiles.
public struct HistogramBuckets: Sendable, Hashable, Codable {
    /// The top of each recorded bucket, microseconds, ascending.
    public var microseconds: [UInt64]
    /// Samples in each bucket, parallel to `microseconds`.
    public var counts: [UInt64]
    /// The largest finite sample, microseconds, exactly (percentiles are capped at it); nil with none.
    public var maxMicroseconds: UInt64?
    /// Samples recorded as +∞ (attempts that did not pass, in an error-adjusted view).
    public var infinite: Int
    /// Σ of the finite samples in seconds (for the mean).
    public var sumSeconds: Double

    /// Buckets as given.
    public init(
        microseconds: [UInt64], counts: [UInt64], maxMicroseconds: UInt64? = nil, infinite: Int = 0, sumSeconds: Double
    ) {
        self.microseconds = microseconds
        self.maxMicroseconds = maxMicroseconds ?? microseconds.last
        self.counts = counts
        self.infinite = infinite
        self.sumSeconds = sumSeconds
    }

    enum CodingKeys: String, CodingKey {
        case microseconds, counts, maxMicroseconds = "max_microseconds", infinite, sumSeconds = "sum_seconds"
    }

    /// Finite samples (meaningful when `problem` is nil).
    public var finiteCount: UInt64 { counts.reduce(0, &+) }

    /// The most buckets a stored histogram may have (one of an hour at three digits has ~45,000).
    public static let maximumBuckets = 100_000
    /// The most samples a stored histogram may have.
    public static let maximumSamples: UInt64 = 1_000_000_000_000

    /// Why these buckets are not a histogram AgentPerf wrote, or nil when they are: a stored
    /// histogram is read, never trusted blindly.
    public var problem: String? {
        guard microseconds.count == counts.count else { return "\(microseconds.count) buckets but \(counts.count) counts" }
        guard counts.count <= Self.maximumBuckets else { return "more than \(Self.maximumBuckets) buckets" }
        guard zip(microseconds, microseconds.dropFirst()).allSatisfy({ $0 < $1 }) else { return "buckets not ascending" }
        guard (microseconds.last ?? 0) <= Self.largestMicroseconds else { return "a bucket longer than a year" }
        guard (0...Int(Self.maximumSamples)).contains(infinite) else { return "infinite count out of range" }
        guard sumSeconds.isFinite, sumSeconds >= 0 else { return "sum not a finite non-negative number" }
        var total: UInt64 = 0
        for count in counts {
            total += min(count, Self.maximumSamples + 1)
            if total > Self.maximumSamples { return "more than 10¹² samples" }
        }
        if let top = maxMicroseconds, let last = microseconds.last, top > last { return "maximum above the last bucket" }
        return nil
    }

    /// A year in microseconds: no latency AgentPerf records is longer (durations are capped at 366 days).
    public static let largestMicroseconds: UInt64 = 366 * 86_400 * 1_000_000
}
