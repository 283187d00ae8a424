import AgentMetrics
import Foundation
import Harness
import Logging
import Pricing
import Routing
import RunTarget
import TestSupport
import Testing
import Traces
import Workload

/// Variant runs of examples/routing.yaml in virtual time: every task under every variant, paired
/// by task and repeat, and `route` over the result.
@Suite(.serialized, .busy) struct VariantRunTests {
    static func run(repeats: Int, variants: [String] = []) async throws -> (TraceLog, RunSpec, TemporaryDirectory) {
        let url = Fixtures.packageRoot.appendingPathComponent("examples/routing.yaml")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(
            of: "  repeats: 20", with: "  repeats: \(repeats)")
        let spec = try RunSpecLoader.load(yaml: text, source: url.path, directory: url.deletingLastPathComponent())
        let directory = try TemporaryDirectory("agentperf-variants")
        let artifacts = try await BenchmarkRun(
            spec: spec, outputDirectory: directory.url, timebase: .virtualTime,
            identity: BenchmarkRun.RunIdentity(runID: "run-variants", startedAt: Date(timeIntervalSince1970: 1_764_547_200)),
            variants: variants, logger: Logger(label: "variants") { _ in SwiftLogNoOpLogHandler() }
        ).run()
        return (try TraceLog.load(from: artifacts.traces), spec, directory)
    }

    /// (task, repeat) → the attempt of that pair under `variant`.
    static func pairs(_ log: TraceLog, _ variant: String) -> [String: LoggedAttempt] {
        var result: [String: LoggedAttempt] = [:]
        for attempt in log.attempts where attempt.record.variant == variant {
            result["\(attempt.record.task)#\(attempt.record.repeatIndex ?? -1)"] = attempt
        }
        return result
    }

    @Test("every task runs under every variant, and the same task and repeat draw the same seeds under each")
    func variantsArePaired() async throws {
        let (log, spec, directory) = try await Self.run(repeats: 4)
        defer { directory.remove() }
        #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")
        let variants = spec.workload.variants.map(\.name)
        #expect(variants == ["cascade", "large", "no-verify", "small", "step-routed"])
        #expect(log.attempts.count == variants.count * spec.workload.tasks.count * 4)
        #expect(Set(log.windows.compactMap(\.variant)) == Set(variants))
        let small = Self.pairs(log, "small")
        let large = Self.pairs(log, "large")
        let cascade = Self.pairs(log, "cascade")
        #expect(small.count == 20 && large.count == 20 && cascade.count == 20)
        for (key, s) in small {
            let l = try #require(large[key])
            // Same draws: the same steps, the same reply lengths, on another tier.
            #expect(s.steps.map(\.operation) == l.steps.map(\.operation), "\(key)")
            #expect(s.steps.map { $0.usage?.output } == l.steps.map { $0.usage?.output }, "\(key)")
            #expect(s.steps.filter { $0.operation == .chat }.allSatisfy { $0.tier == "small" })
            #expect(l.steps.filter { $0.operation == .chat }.allSatisfy { $0.tier == "large" })
            // The cascade's tries are these very attempts: small, then large when small failed.
            let c = try #require(cascade[key])
            let escalated = s.record.outcome != .passed
            #expect(c.steps.count == s.steps.count + (escalated ? l.steps.count : 0), "\(key)")
            #expect(c.record.outcome == (escalated ? l.record.outcome : s.record.outcome), "\(key)")
            #expect(c.record.finalTier == (escalated ? "large" : "small"), "\(key)")
            #expect(Set(c.steps.map(\.stepID)).count == c.steps.count, "step ids stay unique in \(key)")
        }
        // Verification off skips the verify steps and grades by the unverified probabilities.
        let unverified = Self.pairs(log, "no-verify")
        #expect(unverified.values.allSatisfy { $0.steps.allSatisfy { $0.useClass != .verify } })
        #expect(large.values.contains { $0.steps.contains { $0.useClass == .verify } })
        // Step-level routing: planning and verification on large, the rest on small.
        for attempt in Self.pairs(log, "step-routed").values {
            for step in attempt.steps where step.operation == .chat {
                #expect(step.tier == (step.useClass == .plan || step.useClass == .verify ? "large" : "small"))
            }
        }
    }

    @Test("route over the routing example: a frontier, the oracle, small dominating one task and not another")
    func routeOverTheExample() async throws {
        let (log, spec, directory) = try await Self.run(repeats: 8)
        defer { directory.remove() }
        var outcomes = TraceOutcomes(prices: spec.workload.prices)
        outcomes.setSource("run")
        outcomes.begin(try #require(log.run))
        for attempt in log.attempts {
            for step in attempt.steps { outcomes.step(step) }
            outcomes.attempt(attempt.record)
        }
        let (table, problems) = outcomes.builder.build()
        #expect(problems.isEmpty, "\(problems)")
        #expect(table.items.count == spec.workload.tasks.count * 8)
        let report = RouteReport(table: table, settings: RoutingSettings())
        let frontier = try #require(report.frontier)
        #expect(frontier.vertices.count >= 2)
        #expect(report.routers.contains { $0.kind == .oracle })
        let small = try #require(table.modelIndex("small"))
        let large = try #require(table.modelIndex("large"))
        let dominated = report.tasks.filter { task in
            task.cells[small].quality >= task.cells[large].quality
                && (task.cells[small].costPerItem ?? 1) < (task.cells[large].costPerItem ?? 0)
        }
        let needsLarge = report.tasks.filter { $0.cells[small].quality < $0.cells[large].quality }
        #expect(!dominated.isEmpty, "a task where the small tier dominates")
        #expect(!needsLarge.isEmpty, "a task where it does not")
        // The run's cascade variant: the large tier's quality, at a lower cost per completed task.
        let cascade = try #require(report.routers.first { $0.name == "cascade" })
        let allLarge = try #require(report.routers.first { $0.name == "large" })
        #expect(cascade.quality >= allLarge.quality)
        #expect((cascade.costPerCompleted.value ?? .infinity) < (allLarge.costPerCompleted.value ?? 0))
    }

    @Test("unknown variant names and workloads without variants are refused before anything runs")
    func unknownVariants() async throws {
        await #expect(throws: HarnessError.self) { _ = try await Self.run(repeats: 1, variants: ["tiny"]) }
        let directory = try TemporaryDirectory("agentperf-variants")
        defer { directory.remove() }
        let error = await #expect(throws: HarnessError.self) {
            _ = try await BenchmarkRun(
                spec: try RunSpecLoader.bundled(), outputDirectory: directory.url, timebase: .virtualTime, variants: [],
                logger: Logger(label: "variants") { _ in SwiftLogNoOpLogHandler() }
            ).run()
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("declares no variants"))
    }
}

/// The switches of a variant other than where calls go: budgets, prompt caching, sub-agents.
@Suite(.serialized, .busy) struct VariantSwitchTests {
    static let workload = """
        name: switches
        seed: 9
        load: {concurrency: [2], attempts: 1, repeats: 3, attempt_timeout: 60s}
        variants:
          base: {}
          budget: {token_budget: 1500}
          no-cache: {prompt_caching: off}
          single: {subagents: off}
          escalate: {cascade: [small, large], escalate_on: success}
        tasks:
          - name: research
            system_prompt_tokens: 600
            task_prompt_tokens: 50
            pass_probability: {small: 0.5, large: 0.9}
            steps:
              - model: {tier: small, use: plan, output_tokens: 20}
              - fanout:
                  agents: 2
                  name: reader
                  system_prompt_tokens: 300
                  steps:
                    - model: {tier: small, use: read, output_tokens: 30}
              - model: {tier: small, output_tokens: 40}
              - model: {tier: small, use: verify, output_tokens: 10}
        """

    static func run() async throws -> (TraceLog, TemporaryDirectory) {
        let spec = try RunSpecLoader.load(yaml: Self.workload, source: "switches.yaml")
        let directory = try TemporaryDirectory("agentperf-switches")
        let artifacts = try await BenchmarkRun(
            spec: spec, outputDirectory: directory.url, timebase: .virtualTime,
            identity: BenchmarkRun.RunIdentity(runID: "run-switches", startedAt: Date(timeIntervalSince1970: 1_764_547_200)),
            variants: [], logger: Logger(label: "switches") { _ in SwiftLogNoOpLogHandler() }
        ).run()
        return (try TraceLog.load(from: artifacts.traces), directory)
    }

    @Test(
        "a token budget stops the attempt as failed with its stop reason; no-cache reads and writes no cache; single-agent has no delegation"
    )
    func switches() async throws {
        let (log, directory) = try await Self.run()
        defer { directory.remove() }
        #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")
        func attempts(_ variant: String) -> [LoggedAttempt] { log.attempts.filter { $0.record.variant == variant } }
        #expect(attempts("base").count == 3)

        for attempt in attempts("budget") {
            #expect(attempt.record.outcome == .failed && attempt.record.stopReason == StopReason.tokenBudget)
            // Checked before each call: the spend before the last call made was under the budget.
            let chats = attempt.steps.filter { $0.operation == .chat }.compactMap(\.usage)
            let beforeLast = chats.dropLast().reduce(0) { $0 + $1.total }
            #expect(beforeLast < 1500 && chats.reduce(0) { $0 + $1.total } >= 1500, "\(chats.map(\.total))")
            #expect(attempt.steps.allSatisfy { $0.errorType == nil })
        }
        let base = attempts("base").flatMap(\.steps).compactMap(\.usage)
        #expect(base.reduce(0) { $0 + $1.cacheRead } > 0, "the base variant reads the cache")
        let uncached = attempts("no-cache").flatMap(\.steps).compactMap(\.usage)
        #expect(!uncached.isEmpty && uncached.allSatisfy { $0.cacheRead == 0 && $0.cacheWrite == 0 }, "\(uncached)")

        for attempt in attempts("single") {
            #expect(!attempt.steps.contains { $0.operation == .invokeAgent || $0.parentStepID != nil })
            // Two readers' calls, done by the parent in turn: 5 model calls in all.
            #expect(attempt.steps.filter { $0.operation == .chat }.count == 5)
        }
        #expect(attempts("base").allSatisfy { $0.steps.contains { $0.operation == .invokeAgent } })
        #expect(attempts("escalate").count == 3)
    }

    @Test("escalate_on must name an axis every task grades, and belongs to a cascade")
    func escalateOnChecks() throws {
        let unknownAxis = Self.workload.replacingOccurrences(of: "escalate_on: success", with: "escalate_on: tone")
        #expect {
            _ = try RunSpecLoader.load(yaml: unknownAxis, source: "switches.yaml")
        } throws: { "\($0)".contains("has no grader axis \"tone\"") }
        let notCascade = Self.workload.replacingOccurrences(
            of: "escalate: {cascade: [small, large], escalate_on: success}", with: "escalate: {tier: large, escalate_on: success}"
        )
        #expect {
            _ = try RunSpecLoader.load(yaml: notCascade, source: "switches.yaml")
        } throws: { "\($0)".contains("escalate_on belongs to a cascade") }
        let unpriced = Self.workload.replacingOccurrences(of: "token_budget: 1500", with: "dollar_budget: 0.01")
            .replacingOccurrences(
                of: "load:",
                with: "endpoint: {base_url: \"http://127.0.0.1:9/v1\"}\nmodels: {small: mystery-model, large: sim-large}\nload:")
        #expect {
            _ = try RunSpecLoader.load(yaml: unpriced, source: "switches.yaml")
        } throws: { "\($0)".contains("has no price, so its calls would cost $0") }
        let badBudget = Self.workload.replacingOccurrences(of: "token_budget: 1500", with: "token_budget: 0")
        #expect(throws: (any Error).self) { _ = try RunSpecLoader.load(yaml: badBudget, source: "switches.yaml") }
    }
}
