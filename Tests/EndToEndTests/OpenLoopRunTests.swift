import AgentMetrics
import Foundation
import Harness
import Logging
import Reports
import RunTarget
import TestSupport
import Testing
import Traces
import Workload

/// Open-loop arrivals over real loopback HTTP: the wrk2 demonstration. A server stalls one
/// response for 2 s; arrivals at a fixed rate keep coming while the only worker waits, so they
/// start late. Latency from each arrival's intended start shows the stall in p99; latency from
/// when it actually started — what a load generator blind to coordinated omission reports — does not.
@Suite(.serialized, .timed) struct OpenLoopRunTests {
    @Test(
        "a 2 s stall once at 50 arrivals/s and one worker: corrected p99 shows it, uncorrected p99 stays low, late starts counted"
    )
    func coordinatedOmissionOnLoopback() async throws {
        // Calls take 16 ms, arrivals come every 20 ms: the arrivals queued behind the stall wait the
        // whole 2 s and more (2 s + 16 ms − i × 4 ms for the i-th), so the corrected p99 reaches it.
        var normal = ScriptedResponse.chatAnswer("ok fine")
        normal.headDelay = .milliseconds(16)
        var stalled = ScriptedResponse.chatAnswer("ok fine")
        stalled.headDelay = .milliseconds(2016)  // 2 s longer than the others
        let script = ["/v1/chat/completions": Array(repeating: normal, count: 100) + [stalled, normal]]
        try await withScriptedServer(script) { server, _ in
            let spec = try RunSpecLoader.load(
                yaml: """
                    name: stall
                    seed: 1
                    load: {arrival: constant, rates: [50], workers: 1, attempts: 300, attempt_timeout: 30s}
                    backends:
                      stalling: {kind: openai-chat, base_url: \(server.absoluteString)/v1}
                    models:
                      small: {model: m, backend: stalling}
                    prices:
                      m: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
                    tasks:
                      - name: one-call
                        pass_probability: {small: 1}
                        steps: [{model: {tier: small, output_tokens: 2}}]
                    """, source: "stall.yaml")
            let directory = try TemporaryDirectory("agentperf-open-loop")
            defer { directory.remove() }
            let artifacts = try await BenchmarkRun(
                spec: spec, outputDirectory: directory.url, logger: Logger(label: "open") { _ in SwiftLogNoOpLogHandler() }
            ).run()
            let log = try TraceLog.load(from: artifacts.traces)
            #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")
            #expect(log.windows.map(\.level) == [LevelID.rate(perSecond: 50)])
            #expect(log.attempts.count == 300)
            #expect(log.attempts.allSatisfy { $0.record.started != nil && $0.record.concurrency == nil })

            let summary = RunSummary.compute(from: log, prices: spec.workload.prices)
            let level = try #require(summary.levels.first)
            let corrected = try #require(level.taskLatency.p99)
            let uncorrected = try #require(level.taskLatencyUncorrected?.p99)
            #expect(corrected >= 2, "corrected p99 \(corrected) s")
            // Below the stall, with room to spare: ~16 ms on an idle machine; other suites running
            // beside this one (the runner runs suites in parallel on two cores) stretch calls to ~0.8 s.
            #expect(uncorrected < 2 && corrected - uncorrected >= 1, "uncorrected p99 \(uncorrected) s, corrected \(corrected) s")
            #expect((level.lateStarts ?? 0) >= 90, "\(level.lateStarts ?? 0) late starts")
            let table = SummaryTable.render(summary)
            #expect(table.contains("50/s") && table.contains("uncorrected p50 / p99") && table.contains("late starts"))
        }
    }
}
