import AgentMetrics
import Foundation
import Harness
import Logging
import RunTarget
import TestSupport
import Testing
import Traces
import Workload

/// The proof that any agent can be benchmarked: examples/openai-agent/agent.py, written on the
/// official `openai` Python SDK from PyPI and knowing nothing of AgentPerf, runs as a process per
/// attempt through the recording gateway against the built-in fleet (served on loopback, so its
/// /metrics counters can be read afterwards).
@Suite(.serialized, .exclusive) struct OpenAISDKAgentTests {
    static let example = Fixtures.packageRoot.appendingPathComponent("examples/openai-agent")

    /// Installs the SDK into the example's virtual environment (once; PyPI is reachable here).
    static func installSDK() throws {
        let setup = try Subprocesses.run(
            URL(fileURLWithPath: "/bin/bash"), [example.appendingPathComponent("setup.sh").path])
        try #require(setup.status == 0, "examples/openai-agent/setup.sh failed: \(setup.stderr)")
    }

    @Test(
        "the openai-SDK agent at c = 1, 16, 64: graded attempts, the four headline figures, tokens equal to the fleet's counters")
    func sdkAgentThroughTheGateway() async throws {
        try Self.installSDK()
        let example = try String(contentsOf: Self.example.appendingPathComponent("workload.yaml"), encoding: .utf8)
        try await withLoopbackFleet { fleet in
            // The example as shipped, with its tier on this fleet and a fixed number of attempts per level.
            // The agents run at the lowest priority: 64 interpreters starting at once would otherwise
            // starve the timing-sensitive tests running beside this one.
            let yaml =
                example.replacingOccurrences(
                    of: "command: [.venv/bin/python", with: "command: [nice, -n, \"19\", .venv/bin/python"
                )
                .replacingOccurrences(
                    of: "load:\n  concurrency: [1, 16, 64]\n  duration: 10s\n  warmup: 2s\n",
                    with: "load:\n  concurrency: [1, 16, 64]\n  attempts_per_worker: 1\n  warmup_attempts: 0\n")
                    + """
                    backends:
                      sim: {kind: openai-chat, base_url: \(fleet.absoluteString), provider: agentperf-simulated-fleet}
                    models:
                      small: {model: sim-small, backend: sim}
                    """
            #expect(
                yaml.contains("attempts_per_worker: 1") && yaml.contains("[nice, -n"),
                "the example's load section or command changed; update this test")
            let spec = try RunSpecLoader.load(yaml: yaml, source: "openai-agent.yaml", directory: Self.example)
            let directory = try TemporaryDirectory("agentperf-openai-sdk")
            defer { directory.remove() }
            let artifacts = try await BenchmarkRun(
                spec: spec, outputDirectory: directory.url, logger: Logger(label: "sdk") { _ in SwiftLogNoOpLogHandler() }
            ).run()
            let log = try TraceLog.load(from: artifacts.traces)
            #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")

            let attempts = log.attempts.filter { !$0.record.isWarmup }
            #expect(attempts.count == 1 + 16 + 64)
            #expect(attempts.allSatisfy { $0.record.outcome == .passed }, "\(Set(attempts.map(\.record.stopReason)))")
            #expect(attempts.allSatisfy { $0.record.gradeSimulated }, "the fleet's script decided the replies")
            // Each attempt: a tool call, the agent's own tool run (seen as the gap), the answer.
            #expect(attempts.allSatisfy { $0.steps.map(\.operation) == [.chat, .executeTool, .chat] })
            #expect(Set(attempts.flatMap(\.steps).compactMap(\.toolName)) == ["calculator", "lookup"])

            let summary = RunSummary.compute(from: log, prices: spec.workload.prices)
            #expect(summary.levels.map(\.concurrency) == [1, 16, 64])
            for level in summary.levels {
                #expect(level.taskLatency.p50 != nil && level.taskLatency.p95 != nil && level.taskLatency.p99 != nil)
                #expect((level.steps.perSecond ?? 0) > 0)
                #expect(level.cost.perCompletedTask != nil)
                #expect(level.qualityConditionedLatency.p50 != nil)
            }

            let metrics = prometheusSamples(
                try await exchange("GET", fleet.deletingLastPathComponent().appendingPathComponent("metrics")).body)
            let usage = log.attempts.flatMap(\.steps).compactMap(\.usage)
            #expect(usage.allSatisfy { !$0.isEstimated })
            let prompt = usage.reduce(0) { $0 + $1.uncachedInput + $1.cacheRead + $1.cacheWrite }
            #expect(Double(prompt) == metrics["agentperf_sim_prompt_tokens_total"]?["sim-small"])
            #expect(
                Double(usage.reduce(0) { $0 + $1.cacheRead }) == metrics["agentperf_sim_cached_prompt_tokens_total"]?["sim-small"]
            )
            #expect(Double(usage.reduce(0) { $0 + $1.output }) == metrics["agentperf_sim_generation_tokens_total"]?["sim-small"])
        }
    }
}
