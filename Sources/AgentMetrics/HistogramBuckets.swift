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

    /// Finite samples.
    public var finiteCount: UInt64 { counts.reduce(0, &+) }

    /// A year in microseconds: no latency AgentPerf records is longer (durations are capped at 366 days).
    public static let largestMicroseconds: UInt64 = 366 * 86_400 * 1_000_000
}
