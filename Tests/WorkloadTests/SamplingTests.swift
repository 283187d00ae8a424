import Pricing
import Sampling
import SpecDecoding
import Testing
import Timekeeping
import Traces
import Workload

@Suite struct SamplingTests {
    @Test("a seeded generator repeats its stream, and named streams differ")
    func seeded() {
        var a = SeededGenerator(seed: 42, stream: "x"), b = SeededGenerator(seed: 42, stream: "x")
        var c = SeededGenerator(seed: 42, stream: "y")
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
    }

    @Test("a log-normal latency lands near its median and 95th percentile")
    func lognormal() throws {
        let distribution = LatencyDistribution.lognormal(
            median: try #require(DurationSpec(parsing: "100ms")), p95: try #require(DurationSpec(parsing: "400ms")))
        var generator = SeededGenerator(seed: 1)
        let samples = (0..<20_000).map { _ in distribution.sample(using: &generator).seconds }.sorted()
        #expect(abs(samples[10_000] - 0.100) < 0.005)
        #expect(abs(samples[19_000] - 0.400) < 0.03)
        let mean = samples.reduce(0, +) / Double(samples.count)
        #expect(abs(mean - distribution.meanSeconds) / distribution.meanSeconds < 0.03)
    }

    @Test("token ranges stay within their bounds and reach both ends")
    func tokenRanges() {
        var generator = SeededGenerator(seed: 3)
        let values = (0..<1000).map { _ in TokenCount(min: 3, max: 6).sample(using: &generator) }
        #expect(Set(values) == [3, 4, 5, 6])
    }

    @Test("durations need a unit", arguments: [("250ms", 0.25), ("2s", 2.0), ("1.5m", 90.0), ("800us", 0.0008), ("1h", 3600.0)])
    func durations(text: String, seconds: Double) throws {
        #expect(abs(try #require(DurationSpec(parsing: text)).seconds - seconds) < 1e-9)
    }

    @Test("synthetic text has the requested number of words")
    func syntheticText() {
        var generator = SeededGenerator(seed: 9)
        #expect(SyntheticText.words(250, using: &generator).split(separator: " ").count == 250)
    }

    @Test("no user number traps a duration: over a year is refused, huge draws saturate")
    func checkedDurations() throws {
        #expect(DurationSpec(parsing: "366d") == nil)
        #expect(DurationSpec(parsing: "1e30s") == nil && DurationSpec(parsing: "9000000h") == nil)
        #expect(DurationSpec(parsing: "8784h")?.duration == .seconds(366 * 86_400))
        #expect(Duration.seconds(saturating: 1e300) == .nanoseconds(Int64.max))
        #expect(Duration.seconds(saturating: -.infinity) == .nanoseconds(Int64.min))
        #expect(Duration.seconds(saturating: .nan) == .zero)
        #expect(Duration.seconds(saturating: 1.5) == .milliseconds(1500))
        let year = try #require(DurationSpec(parsing: "8784h"))
        var generator = SeededGenerator(seed: 3)
        let draws = (0..<1000).map { _ in LatencyDistribution.exponential(mean: year).sample(using: &generator) }
        #expect(draws.allSatisfy { $0 >= .zero })
    }
}
