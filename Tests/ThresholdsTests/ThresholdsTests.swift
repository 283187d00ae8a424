import AgentMetrics
import Pricing
import Testing
import Thresholds
import Traces

@Suite struct ThresholdParsingTests {
    @Test(
        "expressions read into metric, comparison, bound in base units and scope",
        arguments: [
            ("p95_task_latency<8s", "p95_task_latency", Threshold.Comparison.below, 8.0, nil, nil),
            ("p99_ttft <= 800ms", "p99_ttft", .atMost, 0.8, nil, nil),
            ("max_task_latency<2m", "max_task_latency", .below, 120.0, nil, nil),
            ("pass_rate{level:c16}>0.7", "pass_rate", .above, 0.7, "c16", nil),
            ("pass_rate >= 70%", "pass_rate", .atLeast, 0.7, nil, nil),
            ("cost_per_completed_task<$0.02", "cost_per_completed_task", .below, 0.02, nil, nil),
            ("error_rate{level: c=16, variant: large}<5%", "error_rate", .below, 0.05, "c=16", "large"),
            ("steps_per_second>=12.5", "steps_per_second", .atLeast, 12.5, nil, nil),
        ] as [(String, String, Threshold.Comparison, Double, String?, String?)])
    func parses(
        expression: String, metric: String, comparison: Threshold.Comparison, bound: Double, level: String?, variant: String?
    ) throws {
        let threshold = try Threshold.parse(expression)
        #expect(threshold.metric.name == metric)
        #expect(threshold.comparison == comparison)
        #expect(abs(threshold.bound - bound) < 1e-12)
        #expect(threshold.level == level)
        #expect(threshold.variant == variant)
        // Printed back, it reads the same.
        #expect(try Threshold.parse(threshold.description) == threshold)
    }

    @Test(
        "bad expressions say what was expected",
        arguments: [
            ("p95_task_latency", "expected a comparison"),
            ("p95_latency<8s", "unknown metric \"p95_latency\"; expected one of p50_task_latency"),
            ("p95_task_latency<8x", "expected a duration like 8s"),
            ("p95_task_latency<-1s", "expected a duration"),
            ("pass_rate>1.5", "a share is at most 1"),
            ("pass_rate>", "expected a share"),
            ("pass_rate{level:c16>0.5", "must end with }"),
            ("pass_rate{tier:small}>0.5", "expected level or variant"),
            ("pass_rate{level:c1,level:c2}>0.5", "names level twice"),
            ("cost_per_attempt<1e9", "expected US dollars"),
            (String(repeating: "p", count: 300) + "<1", "longer than 200 characters"),
        ])
    func refuses(expression: String, message: String) {
        #expect {
            try Threshold.parse(expression)
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains("threshold \"\(expression.prefix(20))")
        }
    }
}

@Suite struct ThresholdCheckTests {
    static let ms: Int64 = 1_000_000
    static let prices = PriceTable(version: "t", models: ["m": ModelPrice(inputCostPerToken: 1e-6, outputCostPerToken: 2e-6)])

    /// Level c2: attempts of 1, 2, 3 and 10 s; three pass. Level c8: two attempts, none passes.
    static var summary: RunSummary {
        func attempt(_ id: String, _ level: LevelID, _ outcome: Outcome, seconds: Int64) -> LoggedAttempt {
            let step = StepRecord(
                runID: "r", attemptID: id, stepID: "s", index: 0, operation: .chat, useClass: .act, model: "m",
                usage: TokenUsage(uncachedInput: 1000, output: 100),
                timing: StepTiming(scheduled: 0, sent: 0, firstToken: 10 * ms, lastToken: 900 * ms, end: seconds * 1000 * ms))
            var record = AttemptRecord(
                runID: "r", attemptID: id, task: "t", concurrency: level.concurrency, isWarmup: false, outcome: outcome,
                scheduled: 0, end: seconds * 1000 * ms, stepCount: 1)
            record.level = level
            return LoggedAttempt(record: record, steps: [step])
        }
        let c2 = LevelID.concurrency(2)
        let c8 = LevelID.concurrency(8)
        var windows = [
            WindowRecord(runID: "r", concurrency: 2, levelStart: 0, start: 0, end: 10_000 * ms),
            WindowRecord(runID: "r", concurrency: 8, levelStart: 0, start: 0, end: 10_000 * ms),
        ]
        windows[0].level = c2
        windows[1].level = c8
        let log = TraceLog(
            attempts: [
                attempt("a", c2, .passed, seconds: 1), attempt("b", c2, .passed, seconds: 2),
                attempt("c", c2, .passed, seconds: 3), attempt("d", c2, .failed, seconds: 10),
                attempt("e", c8, .failed, seconds: 4), attempt("f", c8, .error, seconds: 5),
            ], windows: windows)
        return RunSummary.compute(from: log, prices: prices)
    }

    @Test("an unscoped threshold is judged on every level; a scoped one on its level only, by id or label")
    func scopes() throws {
        let summary = Self.summary
        let results = ThresholdCheck.evaluate(
            [try Threshold.parse("p50_task_latency<3s"), try Threshold.parse("pass_rate{level:c=2}>=0.75")], on: summary)
        #expect(results.map(\.level) == ["c=2", "c=8", "c=2"])
        // c2's median of 1, 2, 3, 10 s is 2 s (nearest rank); c8's of 4, 5 s is 4 s.
        #expect(results.map(\.holds) == [true, false, true])
        #expect(abs((results[0].value ?? 0) - 2) < 0.01)
        #expect(results[2].value == 0.75)
        #expect(ThresholdCheck.evaluate([try Threshold.parse("pass_rate{level:c2}>=0.75")], on: summary).map(\.holds) == [true])
        #expect(!ThresholdCheck.allHold(results))
    }

    @Test("an absent figure fails closed with the reason, and a scope that matches nothing fails saying so")
    func absentFigures() throws {
        let summary = Self.summary
        let noPasses = ThresholdCheck.evaluate([try Threshold.parse("cost_per_completed_task{level:c8}<$1")], on: summary)
        #expect(noPasses.count == 1)
        #expect(noPasses[0].value == nil && !noPasses[0].holds && noPasses[0].reason == "no passed attempts")
        let missing = ThresholdCheck.evaluate([try Threshold.parse("pass_rate{level:c64}>0.5")], on: summary)
        #expect(missing.count == 1 && !missing[0].holds)
        #expect(missing[0].reason?.contains("the run has c=2, c=8") == true)
    }

    @Test("error rate, cost and steps/s come from the level's figures")
    func figures() throws {
        let summary = Self.summary
        let results = ThresholdCheck.evaluate(
            [
                try Threshold.parse("error_rate{level:c8}<=50%"), try Threshold.parse("cost_per_attempt{level:c2}<$0.0012"),
                try Threshold.parse("steps_per_second{level:c2}>0.39"),
            ], on: summary)
        // c8: one of two attempts errored. c2: each attempt costs 1000 × $1e-6 + 100 × $2e-6 = $0.0012.
        #expect(results[0].value == 0.5 && results[0].holds)
        #expect(abs((results[1].value ?? 0) - 0.0012) < 1e-12 && !results[1].holds)
        // Four steps ended inside c2's 10 s window.
        #expect(results[2].value == 0.4 && results[2].holds)
    }
}

@Suite struct ThresholdSpellingTests {
    @Test("a bound is echoed as typed, so tiny and huge bounds read back; spellings of one gate are equal")
    func echo() throws {
        for expression in ["cost_per_attempt<0.00001", "cost_per_attempt<$0.0000000001", "steps_per_second>10000000000000000"] {
            let threshold = try Threshold.parse(expression)
            #expect(threshold.description == expression)
            #expect(try Threshold.parse(threshold.description).bound == threshold.bound)
        }
        #expect(try Threshold.parse("pass_rate > 70%") == Threshold.parse("pass_rate>0.7"))
        // Built in code, a gate prints a plain decimal the parser reads.
        let built = Threshold(metric: .costPerAttempt, comparison: .below, bound: 0.00001)
        #expect(built.description == "cost_per_attempt<$0.00001")
        #expect(try Threshold.parse(built.description) == built)
    }
}
