import Histogram

/// Percentiles of a latency sample, in seconds, with the sample count they came from.
///
/// `nil` values mean there were no samples; `+∞` appears in error-adjusted distributions when
/// the percentile falls among attempts that did not pass.
public struct Percentiles: Sendable, Hashable, Codable {
    /// Samples, infinite ones included.
    public var count: Int
    /// Median in seconds; nil with no samples, +∞ when it falls among infinite samples.
    public var p50: Double?
    /// 95th percentile in seconds; nil with no samples, +∞ when it falls among infinite samples.
    public var p95: Double?
    /// 99th percentile in seconds; nil with no samples, +∞ when it falls among infinite samples.
    public var p99: Double?
    /// Largest sample in seconds; nil with no samples, +∞ when any sample is infinite.
    public var max: Double?
    /// Mean of the samples in seconds; nil with no samples, +∞ when any sample is infinite.
    public var mean: Double?

    /// Percentiles as given, in seconds.
    public init(count: Int, p50: Double?, p95: Double?, p99: Double?, max: Double?, mean: Double?) {
        self.count = count
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.max = max
        self.mean = mean
    }

    /// No samples: a count of 0 and every value nil.
    public static let empty = Percentiles(count: 0, p50: nil, p95: nil, p99: nil, max: nil, mean: nil)
}

/// A latency sample kept in an HDR histogram: bounded memory, mergeable across workers and
/// shards, three significant digits.
///
/// Percentiles use the nearest-rank rule: pXX is the smallest recorded value v such that at
/// least XX% of samples are ≤ v. It is reported at the histogram's resolution (the top of the
/// bucket holding v, capped at the largest sample), so within 0.1% of the exact sample. Samples
/// are recorded in microseconds. Infinite samples (failed attempts in an error-adjusted view)
/// sort above every finite one.
public struct LatencyDistribution: Sendable {
    private var histogram: Histogram<UInt64>
    private var infiniteCount = 0
    private var sum: Double = 0

    /// An empty distribution, tracking up to one hour at first and growing past that when needed.
    public init() {
        histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
    }

    /// Samples recorded, infinite ones included.
    public var count: Int { Int(histogram.totalCount) + infiniteCount }

    /// Records a sample in seconds (negative values count as 0).
    public mutating func record(seconds: Double) {
        let micros = UInt64(max(0, (seconds * 1e6).rounded()))
        _ = histogram.record(micros)
        sum += Double(micros) / 1e6
    }

    /// Records a sample in nanoseconds.
    public mutating func record(nanoseconds: Int64) { record(seconds: Double(nanoseconds) / 1e9) }

    /// Records a sample that never completed successfully (+∞).
    public mutating func recordInfinite() { infiniteCount += 1 }

    /// The distribution's buckets, for storing it.
    public var buckets: HistogramBuckets {
        var values: [UInt64] = []
        var counts: [UInt64] = []
        for bucket in histogram.recordedValues() {
            values.append(bucket.value)
            counts.append(bucket.count)
        }
        return HistogramBuckets(
            microseconds: values, counts: counts, maxMicroseconds: values.isEmpty ? nil : histogram.maxRecorded,
            infinite: infiniteCount, sumSeconds: sum)
    }

    /// The distribution the buckets were written from. Buckets that are not ascending, longer
    /// than a year, or more than 10¹² samples are refused (nil): a stored histogram is read,
    /// never trusted blindly.
    public init?(buckets: HistogramBuckets) {
        guard buckets.problem == nil else { return nil }
        self.init()
        // The last bucket's samples go in at the exact maximum (the same bucket), so the
        // maximum, and the percentiles capped at it, read back exactly.
        guard let last = buckets.microseconds.last else {
            infiniteCount = buckets.infinite
            sum = buckets.sumSeconds
            return
        }
        let top = buckets.maxMicroseconds ?? last
        guard histogram.lowestEquivalentForValue(last) <= top else { return nil }
        for (index, (value, count)) in zip(buckets.microseconds, buckets.counts).enumerated() where count > 0 {
            _ = histogram.record(index == buckets.microseconds.count - 1 ? top : value, count: count)
        }
        infiniteCount = buckets.infinite
        sum = buckets.sumSeconds
    }

    /// Adds every sample of `other`.
    public mutating func merge(_ other: LatencyDistribution) {
        histogram.add(other.histogram)
        infiniteCount += other.infiniteCount
        sum += other.sum
    }

    /// The nearest-rank percentile, in seconds; `nil` with no samples, `+∞` when it falls
    /// among infinite samples.
    public func percentile(_ p: Double) -> Double? {
        let total = count
        guard total > 0 else { return nil }
        let rank = Swift.max(1, Int((p / 100 * Double(total)).rounded(.up)))
        let finite = Int(histogram.totalCount)
        if rank > finite { return .infinity }
        // The value at `rank` among the finite samples.
        let value = histogram.valueAtPercentile(100 * Double(rank) / Double(finite))
        return Double(value) / 1e6
    }

    /// Count, p50, p95, p99, max and mean in seconds; `Percentiles.empty` with no samples.
    public var summary: Percentiles {
        guard count > 0 else { return .empty }
        let finite = Int(histogram.totalCount)
        return Percentiles(
            count: count, p50: percentile(50), p95: percentile(95), p99: percentile(99),
            max: infiniteCount > 0 ? .infinity : Double(histogram.maxRecorded) / 1e6,
            mean: infiniteCount > 0 ? .infinity : (finite > 0 ? sum / Double(finite) : nil))
    }
}

/// A binomial proportion with its Wilson score interval.
public struct Proportion: Sendable, Hashable, Codable {
    /// Trials that succeeded (passed attempts).
    public var successes: Int
    /// Trials counted (graded attempts); with none, `rate`, `low` and `high` are nil.
    public var trials: Int
    /// successes ÷ trials; `nil` with no trials.
    public var rate: Double?
    /// 95% Wilson score interval.
    public var low: Double?
    /// Upper end of the interval, at most 1; nil with no trials.
    public var high: Double?

    /// The Wilson interval at z = 1.96 (95%):
    /// (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) ÷ (1 + z²/n).
    public init(successes: Int, trials: Int, z: Double = 1.959963984540054) {
        self.successes = successes
        self.trials = trials
        guard trials > 0 else { return }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let center = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        rate = p
        low = max(0, center - half)
        high = min(1, center + half)
    }
}

extension Proportion {
    /// 95% interval of `a.rate − b.rate` for independent samples: Newcombe's hybrid score
    /// interval from the two Wilson intervals (Newcombe 1998, method 10). Nil when either has no trials.
    public static func differenceInterval(_ a: Proportion, minus b: Proportion) -> ClosedRange<Double>? {
        guard let p1 = a.rate, let l1 = a.low, let u1 = a.high, let p2 = b.rate, let l2 = b.low, let u2 = b.high else {
            return nil
        }
        let low = p1 - p2 - ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot()
        let high = p1 - p2 + ((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)).squareRoot()
        return low...high
    }
}
