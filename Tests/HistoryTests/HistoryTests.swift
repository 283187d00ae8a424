import AgentMetrics
import Foundation
import Pricing
import TestSupport
import Testing
import Traces

@testable import History

/// Summaries made from hand-built attempts: one closed-loop level, latencies as given.
enum Runs {
    static let ms: Int64 = 1_000_000
    static let prices = PriceTable(version: "t", models: ["m": ModelPrice(inputCostPerToken: 1e-6, outputCostPerToken: 2e-6)])

    /// A run of `latencies` seconds at c4, the first `passes` attempts passing, over a 10 s window.
    static func summary(_ runID: String, latencies: [Double], passes: Int, workload: String = "w") -> RunSummary {
        let level = LevelID.concurrency(4)
        let attempts = latencies.enumerated().map { index, seconds in
            let end = Int64(seconds * 1000) * ms
            let step = StepRecord(
                runID: runID, attemptID: "a\(index)", stepID: "s", index: 0, operation: .chat, useClass: .act, model: "m",
                usage: TokenUsage(uncachedInput: 1000, output: 100),
                timing: StepTiming(scheduled: 0, sent: 0, firstToken: ms, lastToken: end, end: end))
            var record = AttemptRecord(
                runID: runID, attemptID: "a\(index)", task: "t", concurrency: 4, isWarmup: false,
                outcome: index < passes ? .passed : .failed, scheduled: 0, end: end, stepCount: 1)
            record.level = level
            return LoggedAttempt(record: record, steps: [step])
        }
        var window = WindowRecord(runID: runID, concurrency: 4, levelStart: 0, start: 0, end: 10_000 * ms)
        window.level = level
        let run = RunRecord(
            runID: runID, startedAt: Date(timeIntervalSince1970: 1_800_000_000), agentperfVersion: "test", workload: workload,
            seed: 1, concurrencyLevels: [4], target: "t")
        return RunSummary.compute(from: TraceLog(run: run, attempts: attempts, windows: [window]), prices: prices)
    }

    /// `count` latencies spread evenly over [center − 0.2, center + 0.2] seconds.
    static func spread(_ count: Int, around center: Double) -> [Double] {
        (0..<count).map { center - 0.2 + 0.4 * Double($0) / Double(max(1, count - 1)) }
    }
}

@Suite struct HistoryStoreTests {
    @Test("entries round-trip with their histograms; a run id is recorded once; newest first")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try HistoryStore(path: directory.file("h/history.sqlite"))
        let first = HistoryEntry(
            source: .run, summary: Runs.summary("r1", latencies: [1, 2, 3], passes: 2), workloadHash: "abc", fleet: "workload",
            seed: 42, gitCommit: nil, directory: "/runs/1", recordedAt: Date(timeIntervalSince1970: 1_800_000_000))
        let (id, added) = try store.record(first)
        #expect(added)
        #expect(try store.record(first) == (id, false))
        let second = HistoryEntry(
            source: .run, summary: Runs.summary("r2", latencies: [4], passes: 1, workload: "other"),
            recordedAt: Date(timeIntervalSince1970: 1_800_000_100))
        _ = try store.record(second)
        #expect(try store.list().map(\.summary.runID) == ["r2", "r1"])
        #expect(try store.list(workload: "w").map(\.summary.runID) == ["r1"])
        let read = try #require(try store.entry(id: id))
        #expect(read.summary == first.summary)
        #expect(read.workloadHash == "abc" && read.seed == 42 && read.fleet == "workload" && read.directory == "/runs/1")
        let buckets = try #require(read.summary.levels.first?.taskLatencyHistogram)
        #expect(buckets.finiteCount == 3)
        // The buckets give back the same percentiles.
        let distribution = try #require(LatencyDistribution(buckets: buckets))
        #expect(distribution.summary == read.summary.levels[0].taskLatency)
    }

    @Test("a database a newer AgentPerf migrated is refused with a message, not a crash")
    func newerSchema() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("history.sqlite")
        _ = try HistoryStore(path: path)
        let sqlite = try Subprocesses.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"insert into grdb_migrations values ('v9: future')\"); c.commit()",
                path.path,
            ])
        #expect(sqlite.status == 0, "\(sqlite.stderr)")
        #expect {
            try HistoryStore(path: path)
        } throws: { error in
            "\(error)".contains("written by a newer AgentPerf (migrations v9: future)")
        }
    }

    @Test("stored buckets that are not a histogram are refused")
    func badBuckets() {
        #expect(LatencyDistribution(buckets: HistogramBuckets(microseconds: [5, 3], counts: [1, 1], sumSeconds: 0)) == nil)
        #expect(LatencyDistribution(buckets: HistogramBuckets(microseconds: [5], counts: [1, 2], sumSeconds: 0)) == nil)
        #expect(
            LatencyDistribution(
                buckets: HistogramBuckets(microseconds: [5], counts: [1], infinite: Int.max, sumSeconds: 0)) == nil)
    }
}

@Suite struct ComparisonMathTests {
    @Test("the incomplete beta function matches known values")
    func incompleteBeta() {
        // I_x(a, b) for integers is a binomial tail: I_0.5(2, 3) = P(Bin(4, 0.5) ≥ 2) = 11/16.
        #expect(abs(regularizedIncompleteBeta(0.5, 2, 3) - 0.6875) < 1e-12)
        #expect(abs(regularizedIncompleteBeta(0.2, 1, 1) - 0.2) < 1e-12)
        // P(Bin(100, 0.3) ≥ 40) = 0.020988…
        #expect(abs(regularizedIncompleteBeta(0.3, 40, 61) - 0.0210) < 1e-4)
    }

    @Test("the exact bootstrap of a median equals enumerating every resample")
    func exactBootstrap() throws {
        let values: [UInt64] = [1_000, 2_000, 3_000, 5_000, 8_000]
        let buckets = HistogramBuckets(microseconds: values, counts: [1, 1, 1, 1, 1], sumSeconds: 0.019)
        let quantile = try #require(BootstrapQuantile(buckets, percentile: 50))
        // All 5⁵ resamples: the median (rank 3 of 5) of each.
        var counts: [Double: Int] = [:]
        for code in 0..<3125 {
            var draw: [UInt64] = []
            var rest = code
            for _ in 0..<5 {
                draw.append(values[rest % 5])
                rest /= 5
            }
            counts[Double(draw.sorted()[2]) / 1e6, default: 0] += 1
        }
        #expect(quantile.atoms.count == 5)
        for atom in quantile.atoms {
            #expect(abs(atom.probability - Double(counts[atom.value] ?? 0) / 3125) < 1e-12)
        }
    }

    @Test("the same run compared with itself changes nothing; a slower one changes latency and only latency")
    func compare() {
        let base = Runs.summary("a", latencies: Runs.spread(40, around: 2), passes: 30)
        let same = RunComparison(base, base)
        #expect(same.changes.count == ComparedMetric.allCases.count)
        #expect(same.changes.allSatisfy { !$0.beyondNoise })
        // 40 samples give a p95 a verdict but not a p99 (the largest sample).
        #expect(same.changes.filter { $0.interval == nil }.map(\.metric) == [.p99TaskLatency])
        #expect(same.changes.first { $0.metric == .p99TaskLatency }?.note == "too few samples (40) for a p99")
        let slower = Runs.summary("b", latencies: Runs.spread(40, around: 3), passes: 29)
        let changes = RunComparison(base, slower).changes
        let changed = Set(changes.filter(\.beyondNoise).map(\.metric))
        #expect(changed == [.p50TaskLatency, .p95TaskLatency])
        #expect(changes.filter(\.beyondNoise).allSatisfy { $0.regressed })
        let p50 = changes.first { $0.metric == .p50TaskLatency }
        #expect(abs((p50?.delta ?? 0) - 1) < 0.02)
        #expect((p50?.interval).map { $0.lowerBound > 0.8 && $0.upperBound < 1.2 } == true)
    }

    @Test("a pass rate that fell from 90% to 50% over 40 attempts is beyond noise (Newcombe)")
    func passRate() throws {
        let a = Runs.summary("a", latencies: Runs.spread(40, around: 2), passes: 36)
        let b = Runs.summary("b", latencies: Runs.spread(40, around: 2), passes: 20)
        let change = try #require(RunComparison(a, b).changes.first { $0.metric == .passRate })
        #expect(change.beyondNoise && change.regressed)
        let interval = try #require(change.interval)
        #expect(interval.lowerBound < -0.4 && interval.upperBound < -0.2)
    }

    @Test("moved first: the first run beyond noise against the oldest, not the largest change later")
    func movedFirst() throws {
        func entry(_ id: Int64, _ summary: RunSummary) -> HistoryEntry {
            var entry = HistoryEntry(source: .run, summary: summary, recordedAt: Date(timeIntervalSince1970: Double(id) * 60))
            entry.id = id
            return entry
        }
        let series = [
            entry(1, Runs.summary("1", latencies: Runs.spread(40, around: 2), passes: 36)),
            entry(2, Runs.summary("2", latencies: Runs.spread(40, around: 2.01), passes: 36)),
            entry(3, Runs.summary("3", latencies: Runs.spread(40, around: 2), passes: 18)),
            entry(4, Runs.summary("4", latencies: Runs.spread(40, around: 4), passes: 18)),
        ]
        let moved = try #require(MovedFirst(series.shuffled()))
        #expect(moved.baseline.id == 1 && moved.compared == 3)
        #expect(moved.run?.id == 3)
        #expect(moved.regressions.map(\.metric).contains(.passRate))
        #expect(!moved.regressions.map(\.metric).contains(.p95TaskLatency))
        #expect(moved.confirmed)
        #expect(MovedFirst(Array(series.prefix(2)))?.run == nil)
        // One regression the next run does not repeat is noise, not a move.
        let blip = [series[0], series[2], series[1]].enumerated().map { entry(Int64($0.offset + 10), $0.element.summary) }
        #expect(MovedFirst(blip)?.run == nil)
        // In the latest run alone it is named, unconfirmed.
        let latest = try #require(MovedFirst(Array(series.prefix(3))))
        #expect(latest.run?.id == 3 && !latest.confirmed)
    }
}

@Suite struct DifferenceIntervalTests {
    @Test("one value in both runs: the difference is exactly 0, not beyond noise")
    func pointMass() throws {
        let buckets = HistogramBuckets(microseconds: [2_000_000], counts: [30], sumSeconds: 60)
        let quantile = try #require(BootstrapQuantile(buckets, percentile: 95))
        let interval = quantile.differenceInterval(to: quantile)
        #expect(interval.low == 0 && interval.high == 0)
    }

    @Test("the interval from bisection matches the convolution of the atoms, enumerated")
    func matchesConvolution() throws {
        let a = try #require(
            BootstrapQuantile(
                HistogramBuckets(microseconds: [1_000, 2_000, 4_000, 7_000], counts: [3, 2, 4, 1], sumSeconds: 0.03),
                percentile: 50))
        let b = try #require(
            BootstrapQuantile(
                HistogramBuckets(microseconds: [1_500, 2_000, 9_000], counts: [2, 5, 3], sumSeconds: 0.04), percentile: 50))
        var pairs: [(Double, Double)] = []
        for x in a.atoms { for y in b.atoms { pairs.append((y.value - x.value, x.probability * y.probability)) } }
        pairs.sort { $0.0 < $1.0 }
        func point(_ share: Double) -> Double {
            var running = 0.0
            for (difference, probability) in pairs {
                running += probability
                if running >= share - 1e-12 { return difference }
            }
            return pairs.last?.0 ?? 0
        }
        let interval = a.differenceInterval(to: b)
        #expect(abs(interval.low - point(0.025)) < 1e-9)
        #expect(abs(interval.high - point(0.975)) < 1e-9)
    }

    @Test("a histogram with a million buckets or overflowing counts is refused, not computed")
    func refusesHuge() {
        let many = HistogramBuckets(
            microseconds: (1...200_000).map { UInt64($0) }, counts: Array(repeating: 1, count: 200_000), sumSeconds: 1)
        #expect(many.problem != nil && BootstrapQuantile(many, percentile: 50) == nil)
        let overflow = HistogramBuckets(microseconds: [1, 2], counts: [UInt64.max, 2], sumSeconds: 1)
        #expect(overflow.problem != nil && BootstrapQuantile(overflow, percentile: 50) == nil)
    }
}
