import AgentMetrics
import Testing

@Suite struct DistributionTests {
    /// HDR histograms with three significant digits report values within 0.1%.
    static func close(_ value: Double?, _ expected: Double) -> Bool {
        guard let value else { return false }
        return abs(value - expected) <= expected * 0.001
    }

    @Test("percentiles of 1…100 ms follow the nearest-rank rule at HDR resolution")
    func knownData() {
        var distribution = LatencyDistribution()
        for i in 1...100 { distribution.record(seconds: Double(i) / 1000) }
        let summary = distribution.summary
        #expect(summary.count == 100)
        #expect(Self.close(summary.p50, 0.050))
        #expect(Self.close(summary.p95, 0.095))
        #expect(Self.close(summary.p99, 0.099))
        #expect(summary.max == 0.100)
        #expect(Self.close(summary.mean, 0.0505))
    }

    @Test("with few samples a percentile is the sample at rank ⌈p·n⌉")
    func nearestRank() {
        var distribution = LatencyDistribution()
        for seconds in [4.0, 1.0, 3.0, 2.0] { distribution.record(seconds: seconds) }
        #expect(Self.close(distribution.percentile(25), 1))
        #expect(Self.close(distribution.percentile(50), 2))
        #expect(Self.close(distribution.percentile(51), 3))
        #expect(Self.close(distribution.percentile(95), 4))
    }

    @Test("attempts that did not pass count as +∞ in the error-adjusted view")
    func errorAdjusted() {
        var distribution = LatencyDistribution()
        for i in 1...8 { distribution.record(seconds: Double(i)) }
        distribution.recordInfinite()
        distribution.recordInfinite()
        #expect(Self.close(distribution.percentile(50), 5))  // rank 5 of 10
        #expect(Self.close(distribution.percentile(80), 8))  // rank 8: the last finite one
        #expect(distribution.percentile(81) == .infinity)  // rank 9
        #expect(distribution.summary.max == .infinity)
        #expect(distribution.count == 10)
    }

    @Test("merging histograms equals recording everything in one")
    func merge() {
        var a = LatencyDistribution(), b = LatencyDistribution(), all = LatencyDistribution()
        for i in 1...50 { a.record(seconds: Double(i)); all.record(seconds: Double(i)) }
        for i in 51...100 { b.record(seconds: Double(i)); all.record(seconds: Double(i)) }
        a.merge(b)
        #expect(a.summary == all.summary)
    }

    @Test("an empty distribution has no percentiles")
    func empty() {
        #expect(LatencyDistribution().summary == .empty)
    }

    @Test(
        "Wilson 95% intervals match the published values",
        arguments: [
            (8, 10, 0.4902, 0.9433), (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (1, 2, 0.0945, 0.9055),
            (50, 100, 0.4038, 0.5962),
        ])
    func wilson(successes: Int, trials: Int, low: Double, high: Double) throws {
        let proportion = Proportion(successes: successes, trials: trials)
        #expect(abs(try #require(proportion.low) - low) < 5e-4)
        #expect(abs(try #require(proportion.high) - high) < 5e-4)
        #expect(proportion.rate == Double(successes) / Double(trials))
    }

    @Test("no trials, no rate")
    func noTrials() {
        #expect(Proportion(successes: 0, trials: 0).rate == nil)
    }
}
