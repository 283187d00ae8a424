import AgentMetrics
import Foundation
import Harness
import Logging
import Reports
import RunTarget
import SimulatedFleet
import TestSupport
import Testing
import Traces
import Workload

/// Whole runs in virtual time: the same scheduler, agent loops, tools and engine as real runs,
/// on a `VirtualClock` with the fleet in-process (no socket, no sleep).
@Suite(.serialized, .busy) struct VirtualTimeRunTests {
    static let identity = BenchmarkRun.RunIdentity(
        runID: "run-virtual-test", startedAt: Date(timeIntervalSince1970: 1_764_547_200))

    static func run(
        _ spec: RunSpec, timebase: BenchmarkRun.Timebase = .virtualTime
    ) async throws -> (TraceLog, Data, TemporaryDirectory) {
        let directory = try TemporaryDirectory("agentperf-virtual")
        let artifacts = try await BenchmarkRun(
            spec: spec, outputDirectory: directory.url, timebase: timebase,
            identity: timebase == .virtualTime ? Self.identity : nil,
            logger: Logger(label: "virtual") { _ in SwiftLogNoOpLogHandler() }
        ).run()
        return (try TraceLog.load(from: artifacts.traces), try Data(contentsOf: artifacts.traces), directory)
    }

    @Test("the bundled default runs end to end in virtual time, and the same seed gives the same traces byte for byte")
    func bundledDefault() async throws {
        let spec = try RunSpecLoader.bundled()
        let (log, bytes, _) = try await Self.run(spec)
        let (_, again, _) = try await Self.run(spec)
        #expect(bytes == again)
        #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")
        #expect(log.run?.clock == .virtual)
        #expect(log.windows.map(\.concurrency) == [1, 16, 64])
        for window in log.windows {
            // Timed levels: issuing stops exactly at warm-up + duration on the virtual clock.
            #expect(window.start - window.levelStart == 2_000_000_000)
            #expect(window.length == 10_000_000_000)
        }
        let summary = RunSummary.compute(from: log, prices: spec.workload.prices)
        #expect(summary.levels.count == 3)
        for level in summary.levels {
            let concurrency = try #require(level.concurrency)
            #expect(level.attempts.total > 0 && level.attempts.passed > 0, "level \(concurrency)")
            #expect(level.attempts.errored == 0 && level.attempts.timedOut == 0, "level \(concurrency)")
            let achieved = try #require(level.achievedConcurrency)
            #expect(achieved > 0.9 * Double(concurrency), "level \(concurrency): \(achieved)")
            #expect(level.simulatedGrades == level.attempts.total, "scripted tasks only: every grade is a draw")
        }
        let table = SummaryTable.render(summary)
        #expect(table.contains("Outcome — quality simulated") && table.contains("Note: quality is simulated for"))
        let steps = log.attempts.flatMap(\.steps)
        #expect(steps.contains { $0.operation == .embeddings } && steps.contains { $0.operation == .invokeAgent })
        #expect(steps.filter { $0.operation == .chat }.allSatisfy { $0.usage != nil && $0.timing.firstToken != nil })
        #expect(steps.compactMap(\.usage).reduce(0) { $0 + $1.cacheRead } > 0, "shared system prompts hit the prefix cache")
    }

    /// One agent at a time, faults included, so that both fronts see requests in the same order.
    static let faultWorkload = """
        name: fleet-faults
        seed: 4
        load: {concurrency: [1], attempts: 16, warmup_attempts: 0, attempt_timeout: 30s}
        fleet: {faults: {rate_limited: 0.2, retry_after: 20ms, server_error: 0.05, truncated: 0.1, malformed: 0.1, seed: 3}}
        tools:
          lookup: {latency: 5ms, result_tokens: 40}
        tasks:
          - name: ask
            prompt: Look it up, then say done.
            model: small
            tools: [lookup]
            graders: [{contains: done}]
            simulate: [{call: lookup, arguments: {q: "x"}, output_tokens: 6}, {answer: "done", output_tokens: 12}]
          - name: scripted
            system_prompt_tokens: 200
            task_prompt_tokens: 20
            pass_probability: {small: 0.5}
            steps: [{model: {tier: small, output_tokens: 8}}, {tool: {name: lookup}}, {model: {tier: small, output_tokens: 5}}]
        """

    /// What a step's outcome and tokens were, without its times.
    struct StepOutcome: Hashable {
        var stepID: String
        var errorType: StepErrorType?
        var usage: TokenUsage?
        var outputHash: String?
    }

    static func outcomes(_ log: TraceLog) -> [String: [StepOutcome]] {
        Dictionary(
            uniqueKeysWithValues: log.attempts.map { attempt in
                (
                    attempt.record.attemptID,
                    attempt.steps.sorted { $0.stepID < $1.stepID }.map {
                        StepOutcome(stepID: $0.stepID, errorType: $0.errorType, usage: $0.usage, outputHash: $0.outputHash)
                    }
                )
            })
    }

    @Test("the in-process fleet and the HTTP fleet give the same steps: same tokens, cache hits, replies and faults")
    func sameAsOverHTTP() async throws {
        let spec = try RunSpecLoader.load(yaml: Self.faultWorkload, source: "fleet-faults.yaml")
        let (virtual, _, _) = try await Self.run(spec)
        let (real, _, _) = try await Self.run(spec, timebase: .realTime)
        #expect(real.run?.clock == .continuous)
        let errors = Set(virtual.attempts.flatMap(\.steps).compactMap(\.errorType))
        #expect(
            errors.isSuperset(of: [StepErrorType.http(429), StepErrorType.truncatedStream, StepErrorType.malformedEvent]),
            "\(errors)")
        #expect(Self.outcomes(virtual) == Self.outcomes(real))
        #expect(virtual.attempts.map(\.record.outcome) == real.attempts.map(\.record.outcome))
        // The scripted task passes by a draw; the model-driven one is graded on the answer its
        // simulate: script wrote: both simulated, whenever a grade was reached.
        #expect(
            virtual.attempts.allSatisfy {
                $0.record.gradeSimulated == ($0.record.outcome.isGraded && $0.record.outcome != .error)
            })
        let summary = RunSummary.compute(from: virtual, prices: spec.workload.prices)
        #expect(SummaryTable.render(summary).contains("quality partly simulated"))
    }

    @Test(
        "what keeps real time is refused in virtual time, naming it",
        arguments: [
            (
                "tools:\n  run: {command: [echo, hi]}\n", "[{tool: {name: run}}, {model: {tier: small, output_tokens: 3}}]",
                "tool \"run\" runs a command"
            ),
            (
                "endpoint: {base_url: \"http://127.0.0.1:9/v1\"}\n", "[{model: {tier: small, output_tokens: 3}}]",
                "backend \"endpoint\" is a real server"
            ),
        ])
    func refused(_ setup: String, _ steps: String, _ reason: String) async throws {
        let spec = try RunSpecLoader.load(
            yaml: """
                name: real-things
                load: {concurrency: [1], attempts: 1}
                \(setup)tasks:
                  - {name: t, pass_probability: {small: 1}, steps: \(steps)}
                """, source: "real.yaml")
        await #expect {
            _ = try await Self.run(spec)
        } throws: { error in
            guard let error = error as? HarnessError else { return false }
            return error.isBadInput && error.description.contains(reason) && error.description.contains("virtual time")
        }
    }

    @Test("a model-driven task that calls an HTTP tool is refused in virtual time")
    func httpToolRefused() async throws {
        let spec = try RunSpecLoader.load(
            yaml: """
                name: http-tool
                load: {concurrency: [1], attempts: 1}
                tools:
                  get: {http: {url: "http://127.0.0.1:9/x"}}
                tasks:
                  - {name: t, prompt: Fetch it., model: small, tools: [get], graders: [{contains: x}]}
                """, source: "http.yaml")
        await #expect {
            _ = try await Self.run(spec)
        } throws: { error in
            "\(error)".contains("tool \"get\" calls a real HTTP server")
        }
    }

    @Test("a timed level ends in virtual time even when every call is refused at once")
    func refusalsTakeTime() async throws {
        let spec = try RunSpecLoader.load(
            yaml: """
                name: refused
                load: {concurrency: [2], duration: 200ms, attempt_timeout: 10s}
                tasks:
                  - {name: t, pass_probability: {small: 1}, steps: [{model: {tier: small, output_tokens: 900000}}]}
                """, source: "refused.yaml")
        let (log, _, _) = try await Self.run(spec)
        let window = try #require(log.windows.first)
        #expect(window.length == 200_000_000)
        #expect(!log.attempts.isEmpty && log.attempts.allSatisfy { $0.record.errorType == .http(400) })
        // Each refusal costs the fleet's 500 µs overhead: about 2 × 200 ms ÷ 500 µs attempts, not unbounded.
        #expect(log.attempts.count <= 1000, "\(log.attempts.count)")
    }

    @Test("a zero-latency fleet and MCP servers are refused in virtual time")
    func zeroLatencyAndMCP() async throws {
        let base = """
            name: z
            load: {concurrency: [1], attempts: 1}
            tasks:
              - {name: t, pass_probability: {small: 1}, steps: [{model: {tier: small, output_tokens: 3}}]}
            """
        var zero = try RunSpecLoader.load(yaml: base, source: "z.yaml")
        zero.target.fleet.timing = .zero
        await #expect { _ = try await Self.run(zero) } throws: { "\($0)".contains("zero-latency") }
        let mcp = try RunSpecLoader.load(
            yaml: base + "\nmcp_servers: {calc: {command: [python3, calc.py]}}\n", source: "z.yaml")
        await #expect { _ = try await Self.run(mcp) } throws: { "\($0)".contains("MCP server \"calc\"") }
    }
}
