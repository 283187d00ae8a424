import AgentMetrics
import Foundation
import Harness
import Importers
import Logging
import RunTarget
import TestSupport
import Testing
import Traces
import Workload

/// Recorded sessions replayed as load on the built-in fleet: the real Claude Code sessions in
/// ../shared/data/real (copied into Tests/Fixtures/real/claude-code with their provenance) keep
/// their calls, their sizes and their cache reuse.
@Suite(.serialized, .busy) struct ReplayRunTests {
    static let sessions = Fixtures.real("claude-code")

    /// Model calls, prompt tokens (all buckets), output tokens and cache-read share of a session's steps.
    struct Shape: CustomStringConvertible {
        var calls = 0
        var input = 0
        var cacheRead = 0
        var output = 0

        init(_ steps: [StepRecord]) {
            for step in steps where step.operation.generatesTokens {
                guard let usage = step.usage else { continue }
                calls += 1
                input += usage.uncachedInput + usage.cacheRead + usage.cacheWrite
                cacheRead += usage.cacheRead
                output += usage.output
            }
        }

        var cacheReadShare: Double { Double(cacheRead) / Double(input + output) }
        var description: String { "\(calls) calls, \(input) in, \(output) out, read share \(cacheReadShare)" }
    }

    @Test(
        "each replayed session: the recorded model-call count exactly, token totals within 1%, cache-read share within 5 points")
    func claudeCodeSessionsKeepTheirShape() async throws {
        let plan = try ReplayPlan.read([Self.sessions], speed: 1)
        #expect(plan.sessions.count == 2)
        var recorded: [String: Shape] = [:]
        for file in try FileManager.default.contentsOfDirectory(at: Self.sessions, includingPropertiesForKeys: nil)
        where file.pathExtension == "jsonl" {
            var sink = CollectingSink()
            try TraceFormat.claudeCode.read(file, into: &sink)
            for attempt in sink.log.attempts { recorded[attempt.record.attemptID] = Shape(attempt.steps) }
        }
        let yaml = try plan.workloadYAML(model: "sim-large", count: 2, arrival: .recorded, seed: 1, workers: nil)
        let spec = try RunSpecLoader.load(yaml: yaml, source: "replay.yaml")
        let directory = try TemporaryDirectory("agentperf-replay")
        defer { directory.remove() }
        let artifacts = try await BenchmarkRun(
            spec: spec, outputDirectory: directory.url, timebase: .virtualTime,
            logger: Logger(label: "replay") { _ in SwiftLogNoOpLogHandler() }
        ).run()
        let log = try TraceLog.load(from: artifacts.traces)
        #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")
        let replayed = log.attempts.filter { !$0.record.isWarmup }
        #expect(replayed.count == 2)
        #expect(log.attempts.filter(\.record.isWarmup).map(\.record.task) == ["prime-cache"])
        for attempt in replayed {
            let source = try #require(recorded[attempt.record.task], "replayed \(attempt.record.task)")
            let shape = Shape(attempt.steps)
            #expect(attempt.record.outcome == .ungraded && attempt.record.stopReason == StopReason.replayed)
            #expect(shape.calls == source.calls, "\(attempt.record.task): \(shape) vs recorded \(source)")
            #expect(abs(Double(shape.input - source.input)) <= 0.01 * Double(source.input), "\(shape) vs \(source)")
            #expect(abs(Double(shape.output - source.output)) <= 0.01 * Double(source.output), "\(shape) vs \(source)")
            #expect(abs(shape.cacheReadShare - source.cacheReadShare) <= 0.05, "\(shape) vs \(source)")
            let tools = attempt.steps.filter { $0.operation == .executeTool }
            #expect(!tools.isEmpty && tools.allSatisfy { $0.toolName != nil })
        }
    }

    @Test("replay inputs that hold no session with usage are refused; speed divides the recorded gaps")
    func planRules() throws {
        let plan = try ReplayPlan.read([Self.sessions], speed: 1)
        let fast = try ReplayPlan.read([Self.sessions], speed: 4)
        let gaps = plan.sessions.flatMap(\.agents).flatMap(\.events).map(\.gapBefore)
        let fastGaps = fast.sessions.flatMap(\.agents).flatMap(\.events).map(\.gapBefore)
        #expect(zip(gaps, fastGaps).allSatisfy { abs($0 / 4 - $1) < 1e-9 })
        #expect(gaps.contains { $0 > 0 })
        let empty = try TemporaryDirectory("agentperf-replay-empty")
        defer { empty.remove() }
        _ = try empty.write(
            "none.jsonl", #"{"record":"run","schema_version":1,"run_id":"r","agentperf_version":"x","workload":"w"}"# + "\n")
        #expect(try ReplayPlan.read([empty.url], speed: 1).sessions.isEmpty)
    }
}
