import AgentMetrics
import Pricing
import Testing
import Traces

@Suite struct LevelMetricsTests {
    /// $1 per million uncached input, $0.10 cached, $1.25 written, $2 output.
    static let prices = PriceTable(
        version: "test",
        models: [
            "m": ModelPrice(
                inputCostPerToken: 1e-6, outputCostPerToken: 2e-6, cacheReadInputTokenCost: 0.1e-6,
                cacheCreationInputTokenCost: 1.25e-6)
        ])

    /// Three measured attempts at c=4 (two pass, one fails after spending), one warm-up.
    static var log: TraceLog {
        // Costs: usage1 0.001 + 0.0009 + 0.0002 = 0.0021; usage2 0.002 + 0.005 + 0.0006 = 0.0076;
        // usage3 0.0005 + 0.00005 + 0.0001 = 0.00065.
        let usage1 = TokenUsage(uncachedInput: 1000, cacheRead: 9000, output: 100)
        let usage2 = TokenUsage(uncachedInput: 2000, cacheWrite: 4000, output: 300)
        let usage3 = TokenUsage(uncachedInput: 500, cacheRead: 500, cacheWrite: 0, output: 50)
        return TraceLog(
            attempts: [
                Build.attempt(
                    "w", .passed, scheduled: 0, end: 900, warmup: true,
                    steps: [
                        Build.chat("w", "s0", scheduled: 0, sent: 0, first: 100, last: 800, end: 900, usage: usage1)
                    ]),
                Build.attempt(
                    "a", .passed, scheduled: 1000, end: 3000,
                    steps: [
                        Build.chat(
                            "a", "s0", scheduled: 1000, sent: 1002, first: 1110, last: 1610, end: 1620, serverQueue: 8,
                            usage: usage1),
                        Build.tool("a", "s1", scheduled: 1620, sent: 1620, end: 2620),
                        Build.chat("a", "s2", scheduled: 2620, sent: 2620, first: 2700, last: 2990, end: 3000, usage: usage3),
                    ]),
                Build.attempt(
                    "b", .failed, scheduled: 1000, end: 5000,
                    steps: [
                        Build.chat("b", "s0", scheduled: 1000, sent: 1000, first: 1200, last: 4700, end: 5000, usage: usage2)
                    ]),
                Build.attempt(
                    "c", .passed, scheduled: 2000, end: 4000,
                    steps: [
                        Build.chat("c", "s0", scheduled: 2000, sent: 2000, first: 2100, last: 3900, end: 4000, usage: usage1)
                    ]),
            ],
            windows: [Build.window(4, start: 1000, end: 5000)])
    }

    static var level: LevelSummary { RunSummary.compute(from: log, prices: prices).levels[0] }

    @Test("cost per completed task charges every attempt, failures included, to the passed ones")
    func costPerCompletedTask() throws {
        let level = Self.level
        let total = 0.0021 + 0.00065 + 0.0076 + 0.0021  // a (two calls), b, c; the warm-up is excluded
        #expect(abs(level.cost.total.total - total) < 1e-12)
        #expect(abs(try #require(level.cost.perCompletedTask) - total / 2) < 1e-12)
        #expect(abs(try #require(level.cost.perAttempt) - total / 3) < 1e-12)
        #expect(abs(level.cost.total.cacheWrite - 0.005) < 1e-12)
        #expect(abs(level.cost.total.cacheRead - (0.0009 * 2 + 0.00005)) < 1e-12)
        #expect(level.cost.unpricedModels.isEmpty)
    }

    @Test("outcome counts, pass rate and its Wilson interval cover measured attempts only")
    func outcomes() {
        let level = Self.level
        #expect(
            level.attempts.total == 3 && level.attempts.passed == 2 && level.attempts.failed == 1 && level.attempts.warmup == 1)
        #expect(level.passRate.rate == 2.0 / 3.0)
    }

    @Test("task latency covers every measured attempt; quality-conditioned only the passed")
    func latencies() {
        let level = Self.level
        #expect(level.taskLatency.count == 3)
        #expect(level.taskLatency.max == 4.0)  // b: 1 s → 5 s
        #expect(level.qualityConditionedLatency.count == 2)
        #expect(level.qualityConditionedLatency.max == 2.0)  // a and c both take 2 s
        #expect(level.taskLatencyErrorAdjusted.p99 == .infinity)
    }

    @Test("steps/s counts steps ending inside the window, split by family")
    func throughput() {
        let level = Self.level
        // Window 1 s → 5 s: all five steps of a, b, c end inside; the warm-up step ends at 0.9 s.
        #expect(level.windowSeconds == 4)
        #expect(level.steps.total == 5 && level.steps.model == 4 && level.steps.tool == 1)
        #expect(level.steps.perSecond == 5.0 / 4)
        #expect(level.steps.toolPerSecond == 1.0 / 4)
    }

    @Test("steps that ended during warm-up never count; a warm-up attempt's step that ends inside the window is load and does")
    func warmupSteps() {
        var log = Self.log
        log.attempts.append(
            Build.attempt(
                "w2", .passed, scheduled: 500, end: 1500, warmup: true,
                steps: [Build.chat("w2", "s0", scheduled: 500, sent: 500, first: 600, last: 1400, end: 1500, usage: nil)]))
        let level = RunSummary.compute(from: log, prices: Self.prices).levels[0]
        // The warm-up attempt "w" ends at 900, before the window: its step is not counted.
        #expect(Self.level.steps.total == 5)
        #expect(level.steps.total == 6 && level.steps.model == 5, "w2's step ended at 1500, inside the window")
        #expect(level.achievedConcurrency.map { $0 > Self.level.achievedConcurrency ?? 0 } == true, "its time is load")
    }

    @Test("achieved concurrency is time in flight inside the window over its length")
    func achievedConcurrency() {
        // a: 2 s, b: 4 s, c: 2 s inside [1 s, 5 s] → 8 s / 4 s.
        #expect(Self.level.achievedConcurrency == 2.0)
    }

    @Test("TTFT, ITL and queue time per model step")
    func perStepTiming() throws {
        let level = Self.level
        #expect(level.ttft.count == 4)
        // Step a/s0: TTFT 108 ms; ITL (1610 − 1110) ms / (100 − 1) tokens = 5.0505 ms.
        #expect(DistributionTests.close(level.ttft.p50, 0.100))  // sorted TTFTs: 80, 100, 108, 200 ms → rank 2
        // ITLs: a/s0 500/99, a/s2 290/49, b 3500/299, c 1800/99 ms; the largest is c's.
        #expect(level.itl.count == 4)
        #expect(DistributionTests.close(level.itl.max, 1.8 / 99))
        #expect(DistributionTests.close(level.itl.p50, 0.290 / 49))
        // a/s0 waited 2 ms on the client and 8 ms on the server.
        #expect(DistributionTests.close(level.queue.max, 0.010))
    }

    @Test("model calls' queue and tool calls' queue are apart")
    func queuesApart() throws {
        let log = TraceLog(
            attempts: [
                Build.attempt(
                    "q", .passed, scheduled: 0, end: 500, concurrency: 1,
                    steps: [
                        Build.chat("q", "s0", scheduled: 0, sent: 5, first: 20, last: 30, end: 30),
                        Build.tool("q", "s1", scheduled: 30, sent: 130, end: 200),
                    ])
            ], windows: [WindowRecord(runID: "r", concurrency: 1, levelStart: 0, start: 0, end: 500_000_000)])
        let level = try #require(RunSummary.compute(from: log, prices: Self.prices).levels.first)
        #expect(level.queue.count == 1 && DistributionTests.close(level.queue.max, 0.005))
        #expect(level.toolQueue.count == 1 && DistributionTests.close(level.toolQueue.max, 0.100))
    }

    @Test("tokens by bucket and the cache-read share")
    func tokens() throws {
        let level = Self.level
        #expect(level.tokens.uncachedInput == 1000 + 500 + 2000 + 1000)
        #expect(level.tokens.cacheRead == 9000 + 500 + 9000)
        #expect(level.tokens.cacheWrite == 4000)
        #expect(level.tokens.output == 100 + 50 + 300 + 100)
        let all = Double(4500 + 18500 + 4000 + 550)
        #expect(abs(try #require(level.tokens.cacheReadShare) - 18500 / all) < 1e-12)
    }

    @Test("the latency breakdown follows the critical path and adds up to task latency")
    func breakdown() throws {
        // One attempt: 10 ms orchestration, a delegation whose slower sub-agent has a tool and a
        // chat call, then 5 ms orchestration.
        let attempt = Build.attempt(
            "x", .passed, scheduled: 0, end: 1000,
            steps: [
                Build.tool("x", "s0.a1.s0", scheduled: 20, sent: 20, end: 200, parent: "s0", agent: "s0.a1"),
                Build.tool("x", "s0.a2.s0", scheduled: 20, sent: 30, end: 400, parent: "s0", agent: "s0.a2"),
                Build.chat(
                    "x", "s0.a2.s1", scheduled: 400, sent: 400, first: 500, last: 980, end: 990, serverQueue: 40, parent: "s0",
                    agent: "s0.a2"),
                Build.delegate("x", "s0", scheduled: 10, end: 995),
            ])
        let b = try #require(LatencyBreakdown.of(attempt))
        #expect(abs(b.queue - 0.050) < 1e-9)  // 10 ms tool queue + 40 ms server queue
        #expect(abs(b.tool - 0.370) < 1e-9)
        #expect(abs(b.prefill - 0.060) < 1e-9)  // 100 ms TTFT − 40 ms queue
        #expect(abs(b.decode - 0.490) < 1e-9)
        #expect(abs(b.orchestration - 0.030) < 1e-9)  // 10 before + 10 in delegation before a2 + 5 in delegation + 5 after
        #expect(abs(b.total - 1.0) < 1e-9)
    }

    @Test("the bottleneck is the component whose share grows most from the lowest level to the highest")
    func bottleneck() throws {
        func level(_ c: Int, serverQueue: Int64) -> [LoggedAttempt] {
            [
                Build.attempt(
                    "c\(c)", .passed, scheduled: 0, end: 1000 + serverQueue, concurrency: c,
                    steps: [
                        Build.chat(
                            "c\(c)", "s0", scheduled: 0, sent: 0, first: 100 + serverQueue, last: 900 + serverQueue,
                            end: 1000 + serverQueue, serverQueue: serverQueue)
                    ])
            ]
        }
        let log = TraceLog(
            attempts: level(1, serverQueue: 0) + level(64, serverQueue: 3000),
            windows: [Build.window(1, start: 0, end: 1000), Build.window(64, start: 0, end: 4000)])
        let summary = RunSummary.compute(from: log, prices: Self.prices)
        let bottleneck = try #require(summary.bottleneck)
        #expect(bottleneck.component == "queue")
        #expect(bottleneck.fromShare == 0)
        #expect(abs(bottleneck.toShare - 0.75) < 1e-9)
        #expect(bottleneck.p95Growth.map { abs($0 - 4) < 0.01 } == true)
    }

    @Test("a bottleneck is named only beyond noise: a share change of 5 points, 3 attempts at both ends")
    func bottleneckNoise() throws {
        func level(_ c: Int, serverQueue: Int64, attempts: Int) -> [LoggedAttempt] {
            (0..<attempts).map { n in
                Build.attempt(
                    "c\(c)-\(n)", .passed, scheduled: 0, end: 1000 + serverQueue, concurrency: c,
                    steps: [
                        Build.chat(
                            "c\(c)-\(n)", "s0", scheduled: 0, sent: 0, first: 100 + serverQueue, last: 900 + serverQueue,
                            end: 1000 + serverQueue, serverQueue: serverQueue)
                    ])
            }
        }
        func bottleneck(queue: Int64, attempts: Int) throws -> Bottleneck {
            let log = TraceLog(
                attempts: level(1, serverQueue: 0, attempts: attempts) + level(8, serverQueue: queue, attempts: attempts),
                windows: [Build.window(1, start: 0, end: 1000), Build.window(8, start: 0, end: 4000)])
            return try #require(RunSummary.compute(from: log, prices: Self.prices).bottleneck)
        }
        #expect(try bottleneck(queue: 3000, attempts: 3).clear)
        #expect(try !bottleneck(queue: 3000, attempts: 2).clear, "too few attempts at each end")
        #expect(try !bottleneck(queue: 20, attempts: 5).clear, "a 2-point change is noise")
    }

    @Test("an unpriced model leaves cost incomplete and says which model")
    func unpriced() {
        var log = Self.log
        log.attempts[1].steps[0].model = "unknown-model"
        let level = RunSummary.compute(from: log, prices: Self.prices).levels[0]
        #expect(level.cost.unpricedModels == ["unknown-model"])
    }

    @Test("the summary survives JSON, infinities included")
    func jsonRoundTrip() throws {
        let summary = RunSummary.compute(from: Self.log, prices: Self.prices)
        #expect(try RunSummary.decode(summary.jsonData()) == summary)
    }
}
