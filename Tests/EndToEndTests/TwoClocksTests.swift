import AgentMetrics
import Foundation
import Harness
import Logging
import RunTarget
import TestSupport
import Testing
import Traces
import Workload

/// `simulate` (virtual time, fleet in-process) and `run` (real time, fleet over loopback HTTP)
/// model the same fleet, so on one workload they must agree on the figures the simulator exists
/// to predict: task latency p50 and p95 and steps/s at each level, within 10% (issue 11, item 7).
@Suite(.exclusive) struct TwoClocksTests {
    /// Two model calls of different tiers around a simulated tool: about 1.3 s an attempt, with
    /// batching at c = 8 (the small deployment batches up to 16 sequences, the large one 8). Steps
    /// last long enough that what real time adds and the model leaves out (the harness and HTTP,
    /// a few ms per call in a debug build beside other suites) stays a small share.
    static let workload = """
        name: two-clocks
        seed: 11
        load: {concurrency: [1, 8], warmup: 1s, duration: 8s, attempt_timeout: 30s}
        tools:
          lookup: {latency: 200ms, result_tokens: 80}
        tasks:
          - name: look-up-and-answer
            system_prompt_tokens: 1200
            task_prompt_tokens: 150
            pass_probability: {small: 0.8, large: 0.9}
            steps:
              - model: {tier: small, output_tokens: 60}
              - tool: {name: lookup}
              - model: {tier: large, output_tokens: 40}
        """

    static func summary(_ timebase: BenchmarkRun.Timebase) async throws -> RunSummary {
        let spec = try RunSpecLoader.load(yaml: Self.workload, source: "two-clocks.yaml")
        let directory = try TemporaryDirectory("agentperf-two-clocks")
        let artifacts = try await BenchmarkRun(
            spec: spec, outputDirectory: directory.url, timebase: timebase,
            logger: Logger(label: "two-clocks") { _ in SwiftLogNoOpLogHandler() }
        ).run()
        return RunSummary.compute(from: try TraceLog.load(from: artifacts.traces), prices: spec.workload.prices)
    }

    @Test("virtual and real time agree within 10% on task latency p50 and p95 and on steps/s at c = 1 and 8")
    func agree() async throws {
        let simulated = try await Self.summary(.virtualTime)
        let measured = try await Self.summary(.realTime)
        #expect(simulated.clock == .virtual && measured.clock == .continuous)
        #expect(simulated.levels.count == 2 && measured.levels.count == 2)
        for (virtual, real) in zip(simulated.levels, measured.levels) {
            let label = real.label
            #expect(real.attempts.total >= 5 && virtual.attempts.total >= 5, "\(label): enough attempts to compare")
            let pairs: [(String, Double?, Double?)] = [
                ("task latency p50", virtual.taskLatency.p50, real.taskLatency.p50),
                ("task latency p95", virtual.taskLatency.p95, real.taskLatency.p95),
                ("steps/s", virtual.steps.perSecond, real.steps.perSecond),
            ]
            for (figure, simulatedValue, measuredValue) in pairs {
                let s = try #require(simulatedValue, "\(label) \(figure) simulated")
                let m = try #require(measuredValue, "\(label) \(figure) measured")
                #expect(abs(s - m) <= 0.10 * m, "\(label) \(figure): simulated \(s), real time \(m)")
            }
        }
    }
}
