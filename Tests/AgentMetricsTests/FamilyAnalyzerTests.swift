import AgentMetrics
import Pricing
import Testing
import Traces

@Suite struct FamilyAnalyzerTests {
    @Test(
        "pass@k and pass^k match the binomial formulas",
        arguments: [
            (5, 2, 2, 0.7, 0.1),  // 1 − C(3,2)/C(5,2) = 0.7;  C(2,2)/C(5,2) = 0.1
            (4, 4, 3, 1.0, 1.0),
            (4, 0, 1, 0.0, 0.0),
            (10, 3, 1, 0.3, 0.3),
            (3, 1, 3, 1.0, 0.0),
        ])
    func reliability(n: Int, c: Int, k: Int, at: Double, hat: Double) throws {
        #expect(abs(try #require(Reliability.passAtK(attempts: n, passed: c, k: k)) - at) < 1e-12)
        #expect(abs(try #require(Reliability.passHatK(attempts: n, passed: c, k: k)) - hat) < 1e-12)
    }

    @Test("products keep pass@k exact where factorials would overflow")
    func largeN() throws {
        // 1 − C(999,20)/C(1000,20) = 20/1000.
        #expect(abs(try #require(Reliability.passAtK(attempts: 1000, passed: 1, k: 20)) - 0.02) < 1e-12)
        #expect(Reliability.passAtK(attempts: 3, passed: 1, k: 4) == nil)
    }

    @Test("regression slope and R²")
    func regression() {
        var line = Regression()
        for (x, y) in [(1.0, 2.0), (2, 4), (3, 6)] { line.add(x: x, y: y) }
        #expect(line.slope == 2 && abs((line.rSquared ?? 0) - 1) < 1e-12)
        var flat = Regression()
        for (x, y) in [(1.0, 1.0), (2, 0), (3, 1)] { flat.add(x: x, y: y) }
        #expect(flat.slope == 0 && flat.rSquared == 0)
    }

    static let prices = PriceTable(version: "t", models: ["m": ModelPrice(inputCostPerToken: 1e-6, outputCostPerToken: 2e-6)])

    /// Feeds one attempt: model steps with the given input sizes (100 output tokens each).
    static func feed(
        _ analyzer: inout FamilyAnalyzer, id: String, task: String, outcome: Outcome, inputs: [Int], subAgentInputs: [Int] = [],
        verifySeconds: Int64? = nil, axes: [String: Double] = [:], agent: String = "a"
    ) {
        var steps: [StepRecord] = inputs.enumerated().map { i, input in
            StepRecord(
                runID: "r", attemptID: id, stepID: "s\(i)", index: i, operation: .chat, useClass: .act, model: "m",
                usage: TokenUsage(uncachedInput: input, output: 100))
        }
        if !subAgentInputs.isEmpty {
            steps.append(
                StepRecord(
                    runID: "r", attemptID: id, stepID: "d", index: inputs.count, operation: .invokeAgent, useClass: .delegate))
            for (i, input) in subAgentInputs.enumerated() {
                steps.append(
                    StepRecord(
                        runID: "r", attemptID: id, stepID: "d.a1.s\(i)", parentStepID: "d", agentID: "d.a1", index: i,
                        operation: .chat, useClass: .act, model: "m", usage: TokenUsage(uncachedInput: input, output: 100)))
            }
        }
        if let verifySeconds {
            steps.append(
                StepRecord(
                    runID: "r", attemptID: id, stepID: "v", index: 99, operation: .executeTool, useClass: .verify,
                    toolName: "pytest", timing: StepTiming(sent: 0, end: verifySeconds * 1_000_000_000)))
        }
        for step in steps { analyzer.step(step) }
        analyzer.attempt(
            AttemptRecord(
                runID: "r", attemptID: id, task: task, agentName: agent, outcome: outcome,
                graderAxes: axes, scheduled: 0, end: 1_000_000_000, stepCount: steps.count))
    }

    @Test("multi-agent multiplier, coordination overhead and accuracy gain on the same task")
    func multiAgent() throws {
        var analyzer = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        // Single agent: three attempts of 1,000 tokens (900 in + 100 out), two pass.
        Self.feed(&analyzer, id: "1", task: "t", outcome: .passed, inputs: [900])
        Self.feed(&analyzer, id: "2", task: "t", outcome: .passed, inputs: [900])
        Self.feed(&analyzer, id: "3", task: "t", outcome: .failed, inputs: [900])
        // Multi-agent: 1,000 tokens in the lead, 2,000 in one sub-agent; passes.
        Self.feed(&analyzer, id: "4", task: "t", outcome: .passed, inputs: [900], subAgentInputs: [900, 900])
        let group = try #require(analyzer.report().groups.first)
        #expect(group.multiAgentTokenMultiplier.value == 3)
        #expect(abs((group.coordinationOverhead.value ?? 0) - 1.0 / 3) < 1e-12)
        // (1 − 2/3) ÷ (2,000 extra tokens / 1,000)
        #expect(abs((group.accuracyGainPer1kTokens.value ?? 0) - (1.0 / 3) / 2) < 1e-12)
        // Four attempts of one task: pass@1 = 3/4; k defaults to 4: pass@4 = 1, pass^4 = 0.
        #expect(group.passAt1.value == 0.75 && group.k == 4 && group.passAtK.value == 1 && group.passHatK.value == 0)
        // Budget curve: passed attempts used 1,000, 1,000 and 3,000 tokens of 4 graded.
        #expect(group.budgetCurve.first == BudgetPoint(tokens: 1000, successRate: 0.5))
        #expect(group.budgetCurve.last == BudgetPoint(tokens: 5000, successRate: 0.75))
        // Cost: 6,000 tokens = 5,400 in × 1e-6 + 600 out × 2e-6 = 0.0066, over 3 artifacts.
        #expect(abs((group.costPerArtifact.value ?? 0) - 0.0066 / 3) < 1e-15)
    }

    @Test("context growth is the mean slope of input tokens over model steps; efficiency counts passes per 1M input")
    func context() throws {
        var analyzer = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        Self.feed(&analyzer, id: "1", task: "a", outcome: .passed, inputs: [1000, 1500, 2000])
        Self.feed(&analyzer, id: "2", task: "b", outcome: .failed, inputs: [1000, 1300])
        let group = try #require(analyzer.report().groups.first)
        #expect(abs((group.contextGrowth.value ?? 0) - (500 + 300) / 2) < 1e-9)
        #expect(abs((group.contextEfficiency.value ?? 0) - 1 / (6800 / 1e6)) < 1e-9)
    }

    @Test("context growth counts model calls, not steps: tools between calls and completion order change nothing")
    func growthPerModelCall() throws {
        // main: chat 1000, tool, chat 1600, tool, tool, chat 2200 (steps 0, 2, 5): +600 per model call,
        // not +240 per step; a sub-agent's own calls start its own count.
        let chats = [(0, 1000), (2, 1600), (5, 2200)].map { index, input in
            StepRecord(
                runID: "r", attemptID: "x", stepID: "s\(index)", index: index, operation: .chat, useClass: .act, model: "m",
                usage: TokenUsage(uncachedInput: input, output: 10))
        }
        let tools = [1, 3, 4].map { index in
            StepRecord(
                runID: "r", attemptID: "x", stepID: "s\(index)", index: index, operation: .executeTool, useClass: .act,
                toolName: "t", timing: StepTiming(sent: 0, end: 1))
        }
        let sub = [(0, 300), (1, 900)].map { index, input in
            StepRecord(
                runID: "r", attemptID: "x", stepID: "s6.a1.s\(index)", parentStepID: "s6", agentID: "s6.a1", index: index,
                operation: .chat, useClass: .act, model: "m", usage: TokenUsage(uncachedInput: input, output: 10))
        }
        var analyzer = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        // Completion order, not index order.
        for step in [chats[2], tools[0], sub[1], chats[0], tools[2], sub[0], chats[1], tools[1]] { analyzer.step(step) }
        analyzer.attempt(
            AttemptRecord(
                runID: "r", attemptID: "x", task: "t", outcome: .passed, scheduled: 0, end: 1, stepCount: 8))
        let group = try #require(analyzer.report().groups.first)
        // Points: main (0, 1000), (1, 1600), (2, 2200); sub (0, 300), (1, 900). Pooled slope: 600.
        #expect(abs((group.contextGrowth.value ?? 0) - 600) < 1e-9, "\(String(describing: group.contextGrowth.value))")
    }

    @Test("verification cost per artifact and coverage")
    func verification() throws {
        var analyzer = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        Self.feed(&analyzer, id: "1", task: "a", outcome: .passed, inputs: [100], verifySeconds: 4)
        Self.feed(&analyzer, id: "2", task: "b", outcome: .passed, inputs: [100], verifySeconds: 2)
        Self.feed(&analyzer, id: "3", task: "c", outcome: .failed, inputs: [100])
        let group = try #require(analyzer.report().groups.first)
        #expect(group.verificationSecondsPerArtifact.value == 3)
        #expect(abs((group.verificationCoverage.value ?? 0) - 2.0 / 3) < 1e-12)
    }

    @Test("groups that order two grader axes differently are reported as a rank flip")
    func rankFlips() {
        var analyzer = FamilyAnalyzer(grouping: .agent, prices: Self.prices)
        Self.feed(
            &analyzer, id: "1", task: "a", outcome: .passed, inputs: [10], axes: ["success": 1, "privacy": 0.2], agent: "fast")
        Self.feed(
            &analyzer, id: "2", task: "a", outcome: .failed, inputs: [10], axes: ["success": 0, "privacy": 0.9], agent: "careful")
        let flips = analyzer.report().rankFlips
        #expect(flips == [RankFlip(first: "careful", second: "fast", axisFirstLeads: "privacy", axisSecondLeads: "success")])
    }

    @Test("ungraded traces give honest unavailability, not zeros")
    func ungraded() throws {
        var analyzer = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        Self.feed(&analyzer, id: "1", task: "a", outcome: .ungraded, inputs: [100])
        let group = try #require(analyzer.report().groups.first)
        #expect(group.costPerArtifact.value == nil && group.costPerArtifact.reason?.contains("graded") == true)
        #expect(group.passAt1.value == nil)
        #expect(group.cacheReadShare.value == 0)
    }

    @Test("attempt-level token totals are priced under the attempt's model, and a missing model is reported")
    func unattributed() throws {
        var analyzer = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        analyzer.attempt(
            AttemptRecord(
                runID: "r", attemptID: "x", task: "a", outcome: .passed, scheduled: nil, end: nil, stepCount: 0,
                unattributedUsage: TokenUsage(uncachedInput: 1000, output: 500), unattributedModel: "m", reportedCost: 0.002))
        analyzer.attempt(
            AttemptRecord(
                runID: "r", attemptID: "y", task: "b", outcome: .failed, scheduled: nil, end: nil, stepCount: 0,
                unattributedUsage: TokenUsage(uncachedInput: 10)))
        let group = try #require(analyzer.report().groups.first)
        #expect(abs(group.cost.total - 0.002) < 1e-15)
        #expect(group.reportedCost.value == 0.002 && abs((group.computedCostOfReported.value ?? 0) - 0.002) < 1e-15)
        #expect(group.unpricedModels == ["(model not recorded)"])
        #expect(group.costPerArtifact.value == nil)
    }

    /// Feeds one rollout: model steps that generated `outputs` (hash, output tokens) in order.
    static func feedRollout(_ analyzer: inout FamilyAnalyzer, id: String, task: String, outputs: [(String, Int)]) {
        for (i, (hash, tokens)) in outputs.enumerated() {
            analyzer.step(
                StepRecord(
                    runID: "r", attemptID: id, stepID: "s\(i)", index: i, operation: .chat, useClass: .act, model: "m",
                    usage: TokenUsage(uncachedInput: 10, output: tokens), outputHash: hash))
        }
        analyzer.attempt(
            AttemptRecord(
                runID: "r", attemptID: id, task: task, outcome: .ungraded, scheduled: 0, end: 1,
                stepCount: outputs.count))
    }

    @Test("tree-rollout diversity counts shared prefixes once and identical rollouts as one leaf")
    func rolloutDiversity() throws {
        var analyzer = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        // Task t: root → A(100) → B(50) and root → A(100) → C(70); a third rollout repeats A → B.
        Self.feedRollout(&analyzer, id: "1", task: "t", outputs: [("A", 100), ("B", 50)])
        Self.feedRollout(&analyzer, id: "2", task: "t", outputs: [("A", 100), ("C", 70)])
        Self.feedRollout(&analyzer, id: "3", task: "t", outputs: [("A", 100), ("B", 50)])
        // Task u has one rollout: nothing to compare, so it is left out.
        Self.feedRollout(&analyzer, id: "4", task: "u", outputs: [("A", 999)])
        let group = try #require(analyzer.report().groups.first)
        // 2 distinct leaves over 100 + 50 + 70 = 220 unique generated tokens, per 1,000.
        #expect(abs((group.treeRolloutDiversity.value ?? 0) - 2 / 0.220) < 1e-9)
    }

    @Test("tree-rollout diversity is unavailable without output hashes or repeated tasks")
    func rolloutDiversityUnavailable() throws {
        var noHashes = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        Self.feed(&noHashes, id: "1", task: "t", outcome: .ungraded, inputs: [10])
        Self.feed(&noHashes, id: "2", task: "t", outcome: .ungraded, inputs: [10])
        #expect(try #require(noHashes.report().groups.first).treeRolloutDiversity.reason?.contains("output_hash") == true)
        var single = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        Self.feedRollout(&single, id: "1", task: "t", outputs: [("A", 10)])
        #expect(try #require(single.report().groups.first).treeRolloutDiversity.reason?.contains("two or more rollouts") == true)
    }

    @Test("coordination overhead needs delegation and tokens, not grades")
    func coordinationUngraded() throws {
        var analyzer = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        Self.feed(&analyzer, id: "1", task: "t", outcome: .ungraded, inputs: [900], subAgentInputs: [400])
        let group = try #require(analyzer.report().groups.first)
        // Lead 1,000 of 1,500 tokens.
        #expect(abs((group.coordinationOverhead.value ?? 0) - 1000.0 / 1500) < 1e-12)
        #expect(group.multiAgentTokenMultiplier.value == nil)
    }

    @Test("a delegation whose sub-agent left no steps in the traces gives no coordination overhead, never 100%")
    func coordinationWithoutSubagentTranscript() throws {
        func delegatingWithoutTranscript(_ analyzer: inout FamilyAnalyzer, id: String) {
            // A Claude Code Task call whose side-chain transcript is not in the files read.
            analyzer.step(
                StepRecord(
                    runID: "r", attemptID: id, stepID: "s0", index: 0, operation: .chat, useClass: .act, model: "m",
                    usage: TokenUsage(uncachedInput: 800, output: 100)))
            analyzer.step(
                StepRecord(runID: "r", attemptID: id, stepID: "d", index: 1, operation: .invokeAgent, useClass: .delegate))
            analyzer.attempt(
                AttemptRecord(runID: "r", attemptID: id, task: "t", outcome: .ungraded, scheduled: 0, end: 1, stepCount: 2))
        }
        var alone = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        delegatingWithoutTranscript(&alone, id: "x")
        let unknown = try #require(alone.report().groups.first).coordinationOverhead
        #expect(unknown.value == nil && unknown.reason?.contains("sub-agents' own steps are absent") == true, "\(unknown)")

        // Beside an attempt whose sub-agent is in the traces, only that one counts.
        var mixed = FamilyAnalyzer(grouping: .all, prices: Self.prices)
        delegatingWithoutTranscript(&mixed, id: "x")
        Self.feed(&mixed, id: "1", task: "t", outcome: .ungraded, inputs: [900], subAgentInputs: [400])
        let known = try #require(mixed.report().groups.first).coordinationOverhead
        #expect(abs((known.value ?? 0) - 1000.0 / 1500) < 1e-12)
    }
}

@Suite struct FamilyAnalyzerCountingTests {
    static func run(_ id: String, workload: String = "w") -> RunRecord {
        RunRecord(runID: id, startedAt: nil, agentperfVersion: "t", workload: workload)
    }

    @Test("an attempt seen twice is counted once and reported as an error")
    func duplicates() {
        var analyzer = FamilyAnalyzer(grouping: .all, prices: FamilyAnalyzerTests.prices)
        for _ in 0..<2 {
            analyzer.begin(Self.run("r1"))
            FamilyAnalyzerTests.feed(&analyzer, id: "1", task: "t", outcome: .passed, inputs: [900])
        }
        let report = analyzer.report()
        #expect(report.groups.first?.attempts == 1)
        #expect(analyzer.diagnostics.hasErrors)
        #expect(analyzer.diagnostics.lines.contains { $0.contains("attempt 1 appears twice") })
    }

    @Test("--group-by session keeps two runs of one workload apart")
    func sessions() {
        var analyzer = FamilyAnalyzer(grouping: .session, prices: FamilyAnalyzerTests.prices)
        for run in ["r1", "r2"] {
            analyzer.begin(Self.run(run, workload: "agent-mix"))
            FamilyAnalyzerTests.feed(&analyzer, id: "1", task: "t", outcome: .passed, inputs: [900])
        }
        #expect(analyzer.report().groups.map(\.key).sorted() == ["agent-mix · r1", "agent-mix · r2"])
        #expect(!analyzer.diagnostics.hasErrors, "the same attempt id in two runs is two attempts")
    }
}
