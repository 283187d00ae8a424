import AgentMetrics
import Foundation
import Harness
import Logging
import RunTarget
import TestSupport
import Testing
import Traces
import Workload

/// Whole runs against a loopback server that injects one fault class per attempt: every
/// attempt is recorded with the right error type, nothing crashes, and the pass rate's
/// denominator includes the failures. Retries are steps, so their cost and waits show.
@Suite(.serialized, .timed) struct FaultRunTests {
    static func workload(
        baseURL: URL, retry: String, timeouts: String = "{first_token: 1500ms, total: 3s}", attempts: Int
    )
        throws -> RunSpec
    {
        try RunSpecLoader.load(
            yaml: """
                name: faults
                seed: 1
                load: {concurrency: [1], attempts: \(attempts), warmup_attempts: 0, attempt_timeout: 20s}
                backends:
                  flaky:
                    kind: openai-chat
                    base_url: \(baseURL.absoluteString)/v1
                    api_key_env: AGENTPERF_TEST_FAULTS_KEY
                    timeouts: \(timeouts)
                    retry: \(retry)
                models:
                  main: {model: flaky-model, backend: flaky}
                prices:
                  flaky-model: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
                tools:
                  multiply:
                    command: [expr, "{a}", "*", "{b}"]
                    parameters: {type: object, properties: {a: {type: integer}, b: {type: integer}}, required: [a, b]}
                tasks:
                  - name: answer
                    prompt: What is 6 times 7?
                    model: main
                    tools: [multiply]
                    graders: [{numeric: 42}]
                """, source: "faults.yaml")
    }

    static func run(_ spec: RunSpec, preflight: Bool = true) async throws -> (TraceLog, URL) {
        let directory = try TemporaryDirectory("agentperf-faults")
        var benchmark = BenchmarkRun(
            spec: spec, outputDirectory: directory.url, logger: Logger(label: "faults") { _ in SwiftLogNoOpLogHandler() })
        benchmark.checksEndpoints = preflight
        let artifacts = try await benchmark.run()
        return (try TraceLog.load(from: artifacts.traces), directory.url)
    }

    static let key = "sk-agentperf-test-\(UInt64.random(in: 1...UInt64.max))"

    static func withKey<T>(_ body: () async throws -> T) async rethrows -> T {
        setenv("AGENTPERF_TEST_FAULTS_KEY", key, 1)
        defer { unsetenv("AGENTPERF_TEST_FAULTS_KEY") }
        return try await body()
    }

    static let errorBody = #"{"error":{"message":"injected","type":"server_error"}}"#

    @Test("one fault per attempt: each its own error type, every attempt recorded, failures in the pass-rate denominator")
    func eachFaultClass() async throws {
        let answer = ScriptedResponse.chatAnswer("The answer is 42")
        var cutOff = ScriptedResponse.chatAnswer("The answer is 42")
        cutOff.pieces = Array(cutOff.pieces.prefix(4))  // the role event and the first word
        cutOff.cutOff = true
        var lateHead = answer
        lateHead.headDelay = .milliseconds(2500)
        // 60 words at ≈75 bytes an event, 80 bytes every 100 ms: the first word in time, the end
        // (≈6 s) past the total timeout. Margins are wide (a loaded 2-core machine runs these
        // beside the other suites): the first reply must arrive within 1.5 s.
        let slowBody = ScriptedResponse.sse(
            ScriptedResponse.chatAnswer(String(repeating: "word ", count: 60) + "42").pieces.joined(), pieceSize: 80,
            pause: .milliseconds(100))
        let script: [ScriptedResponse] = [
            answer,
            .json(Self.errorBody, status: 429, headers: ["retry-after": "1"]),
            .json(Self.errorBody, status: 400),
            .json(Self.errorBody, status: 503),
            cutOff,
            .sse("data: {\"choices\": [oops\n\n"),
            lateHead,
            slowBody,
            .chatToolCall("multiply", arguments: #"{"a": 6, "b": "#),
            .chatAnswer("I could not compute it, maybe 41"),
        ]
        let expected: [(Outcome, StepErrorType?)] = [
            (.passed, nil), (.error, StepErrorType.http(429)), (.error, StepErrorType.http(400)),
            (.error, StepErrorType.http(503)),
            (.error, StepErrorType.truncatedStream), (.error, StepErrorType.malformedEvent),
            (.error, StepErrorType.firstTokenTimeout), (.error, StepErrorType.timeout), (.failed, nil),
        ]
        let (log, directory) = try await Self.withKey {
            try await withScriptedServer(["/v1/chat/completions": script]) { url, _ in
                try await Self.run(Self.workload(baseURL: url, retry: "{max_tries: 1}", attempts: expected.count))
            }
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")
        let attempts = log.attempts.sorted { ($0.record.sequence ?? 0) < ($1.record.sequence ?? 0) }
        #expect(attempts.count == expected.count)
        for (attempt, (outcome, error)) in zip(attempts, expected) {
            #expect(attempt.record.outcome == outcome, "attempt \(attempt.record.attemptID)")
            #expect(attempt.record.errorType == error, "attempt \(attempt.record.attemptID)")
            if outcome == .error { #expect(attempt.record.stopReason == StopReason.modelError) }
        }
        // The malformed tool call is answered, recorded, and the model's next reply ends it.
        let last = try #require(attempts.last)
        #expect(last.steps.map(\.errorType) == [nil, StepErrorType.invalidToolArguments, nil] as [StepErrorType?])
        // What arrived before the cut-off is kept on the step.
        let truncated = try #require(attempts[4].steps.first)
        #expect(truncated.timing.firstToken != nil)

        let summary = RunSummary.compute(
            from: log, prices: try Self.workload(baseURL: URL(string: "http://x")!, retry: "{}", attempts: 1).workload.prices)
        let level = try #require(summary.levels.first)
        #expect(level.attempts.total == expected.count && level.attempts.passed == 1)
        #expect(level.passRate.trials == expected.count, "failed and errored attempts count in the denominator")
        #expect(
            level.stepErrors[StepErrorType.http(429).rawValue] == 1
                && level.stepErrors[StepErrorType.invalidToolArguments.rawValue] == 1)
    }

    @Test("retries follow the policy and are steps: Retry-After and backoff waits show as queue time, and all tries cost")
    func retriesAreSteps() async throws {
        let script: [ScriptedResponse] = [
            .json(Self.errorBody, status: 429, headers: ["retry-after-ms": "150"]),
            .json(Self.errorBody, status: 502),
            .chatAnswer("42", promptTokens: 80),
        ]
        let (log, directory) = try await Self.withKey {
            try await withScriptedServer(["/v1/chat/completions": script]) { url, _ in
                try await Self.run(
                    Self.workload(baseURL: url, retry: "{max_tries: 3, backoff: 60ms, max_backoff: 1s}", attempts: 1))
            }
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let attempt = try #require(log.attempts.first)
        #expect(attempt.record.outcome == .passed)
        let steps = attempt.steps
        #expect(steps.map(\.errorType) == [StepErrorType.http(429), StepErrorType.http(502), nil])
        #expect(steps.map(\.httpStatus) == [429, 502, 200])
        // Each retry is scheduled when the failed try ended; the wait before it is its queue time.
        #expect(steps[1].timing.scheduled == steps[0].timing.end && steps[2].timing.scheduled == steps[1].timing.end)
        let waits = steps.dropFirst().map { ($0.timing.sent ?? 0) - ($0.timing.scheduled ?? 0) }
        #expect(waits[0] >= 150_000_000, "Retry-After: 150 ms")
        #expect(waits[1] >= 120_000_000, "second backoff: 60 ms × 2")
        #expect(steps[2].usage?.totalInput == 80)
    }

    @Test("retries stop at max_tries, and an error not in the policy is not retried")
    func retriesStop() async throws {
        let (log, directory) = try await Self.withKey {
            try await withScriptedServer(["/v1/chat/completions": [.json(Self.errorBody, status: 500)]]) { url, _ in
                try await Self.run(Self.workload(baseURL: url, retry: "{max_tries: 2, backoff: 10ms}", attempts: 1))
            }
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(log.attempts.first?.steps.map(\.errorType) == [StepErrorType.http(500), StepErrorType.http(500)])
        let (unretried, directory2) = try await Self.withKey {
            try await withScriptedServer(["/v1/chat/completions": [.json(Self.errorBody, status: 401)]]) { url, _ in
                try await Self.run(Self.workload(baseURL: url, retry: "{max_tries: 5, backoff: 10ms}", attempts: 1))
            }
        }
        defer { try? FileManager.default.removeItem(at: directory2) }
        #expect(unretried.attempts.first?.steps.map(\.errorType) == [StepErrorType.http(401)])
    }

    @Test("nothing listening, pre-flight check off: connect_error on every try, attempts recorded, the run completes")
    func refused() async throws {
        // Nothing listens on port 1; the client retries a refused connection until its connect timeout.
        let (log, directory) = try await Self.withKey {
            try await Self.run(
                Self.workload(
                    baseURL: URL(string: "http://127.0.0.1:1")!, retry: "{max_tries: 2, backoff: 10ms}",
                    timeouts: "{connect: 300ms}", attempts: 2), preflight: false)
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(log.attempts.count == 2)
        for attempt in log.attempts {
            #expect(attempt.record.outcome == .error && attempt.record.errorType == StepErrorType.connect)
            #expect(attempt.steps.map(\.errorType) == [StepErrorType.connect, StepErrorType.connect])
        }
    }

    @Test(
        "the pre-flight check fails the run before any level, exit-2 class: nothing listening, a refused key, a model not served"
    )
    func preflight() async throws {
        func failure(_ body: () async throws -> Void) async -> String? {
            do { try await body() } catch let error as HarnessError {
                return error.isBadInput ? error.description : "not bad input: \(error)"
            } catch { return "\(error)" }
            return nil
        }
        let refused = await failure {
            _ = try await Self.withKey {
                try await Self.run(
                    Self.workload(
                        baseURL: URL(string: "http://127.0.0.1:1")!, retry: "{}", timeouts: "{connect: 300ms}", attempts: 1))
            }
        }
        #expect(refused?.contains("http://127.0.0.1:1 cannot be reached (connect_error)") == true, "\(refused ?? "passed")")
        let list = ScriptedResponse.json(
            #"{"object":"list","data":[{"id":"other-model","owned_by":"vllm"},{"id":"flaky","owned_by":"vllm"}]}"#)
        let refusedKey = ScriptedResponse.json(#"{"error":{"message":"bad key"}}"#, status: 401)
        for (script, expected) in [
            (list, "does not list flaky-model (tier main); it lists flaky, other-model"),
            (refusedKey, "refused the credentials (HTTP 401)"),
        ] {
            let message = await failure {
                _ = try await Self.withKey {
                    try await withScriptedServer(["/v1/models": [script], "/v1/chat/completions": [.chatAnswer("42")]]) {
                        url, _ in try await Self.run(Self.workload(baseURL: url, retry: "{}", attempts: 1))
                    }
                }
            }
            #expect(message?.contains(expected) == true, "\(message ?? "passed")")
        }
        // What does not prove the model missing lets the run go on (with a warning): a dated id of
        // the alias (Anthropic), a list from a server that may serve more than it lists (a proxy,
        // llama.cpp), a paginated list, a key that may not list models.
        for passing in [
            ScriptedResponse.json(#"{"data":[{"id":"flaky-model-20250929"}]}"#),
            ScriptedResponse.json(#"{"data":[{"id":"something-else","owned_by":"openai"}]}"#),
            ScriptedResponse.json(#"{"data":[{"id":"a","owned_by":"vllm"}],"has_more":true}"#),
            ScriptedResponse.json(#"{"error":{"message":"Missing scopes: api.model.read"}}"#, status: 403),
        ] {
            let (log, directory) = try await Self.withKey {
                try await withScriptedServer(["/v1/models": [passing], "/v1/chat/completions": [.chatAnswer("42")]]) { url, _ in
                    try await Self.run(Self.workload(baseURL: url, retry: "{}", attempts: 1))
                }
            }
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(log.attempts.count == 1)
        }
    }

    @Test("the API key is sent to the server and written nowhere in the output directory")
    func keyNeverWritten() async throws {
        let (directory, received) = try await Self.withKey {
            try await withScriptedServer(["/v1/chat/completions": [.chatAnswer("42")]]) { url, server in
                let (_, directory) = try await Self.run(Self.workload(baseURL: url, retry: "{}", attempts: 2))
                return (directory, server.received)
            }
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(received.first?.headers["authorization"] == "Bearer \(Self.key)")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        #expect(files.count >= 3)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.contains(Self.key), "\(file.lastPathComponent) contains the API key")
            #expect(!text.contains("sk-agentperf-test"), "\(file.lastPathComponent) contains part of the API key")
        }
    }

    @Test("a missing API key variable stops the run before anything starts, naming the variable")
    func missingKey() async throws {
        unsetenv("AGENTPERF_TEST_FAULTS_KEY")
        let directory = try TemporaryDirectory("agentperf-faults")
        defer { directory.remove() }
        let run = BenchmarkRun(
            spec: try Self.workload(baseURL: URL(string: "http://127.0.0.1:9")!, retry: "{}", attempts: 1),
            outputDirectory: directory.url, logger: Logger(label: "faults") { _ in SwiftLogNoOpLogHandler() })
        await #expect {
            _ = try await run.run()
        } throws: { error in
            "\(error)".contains("AGENTPERF_TEST_FAULTS_KEY") && "\(error)".contains("flaky")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("traces.jsonl").path))
    }

    @Test("the built-in fleet injects faults on request: each recorded with its type, 429s retried, every attempt counted")
    func fleetFaults() async throws {
        let spec = try RunSpecLoader.load(
            yaml: """
                name: fleet-faults
                seed: 4
                load: {concurrency: [1], attempts: 16, warmup_attempts: 0, attempt_timeout: 30s}
                fleet: {faults: {rate_limited: 0.2, retry_after: 20ms, server_error: 0.05, truncated: 0.1, malformed: 0.1, seed: 3}}
                tasks:
                  - name: ask
                    prompt: Say done.
                    model: small
                    graders: [{contains: done}]
                    simulate: [{answer: "done", output_tokens: 12}]
                """, source: "fleet-faults.yaml")
        let (log, directory) = try await Self.run(spec)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(log.attempts.count == 16)
        let errors = log.attempts.flatMap(\.steps).compactMap(\.errorType)
        #expect(
            Set(errors).isSubset(of: [
                StepErrorType.http(429), StepErrorType.http(503), StepErrorType.truncatedStream, StepErrorType.malformedEvent,
            ]))
        #expect(errors.contains(StepErrorType.http(429)) && errors.contains(StepErrorType.truncatedStream))
        #expect(errors.contains(StepErrorType.malformedEvent))
        for attempt in log.attempts {
            let steps = attempt.steps
            // A 429 is retried (the policy allows 3 tries): a later try follows it.
            for (n, step) in steps.enumerated() where step.errorType == StepErrorType.http(429) && n < 2 {
                #expect(n + 1 < steps.count, "\(attempt.record.attemptID)")
            }
            let last = try #require(steps.last)
            switch last.errorType {
            case nil: #expect(attempt.record.outcome == .passed)
            case let error?: #expect(attempt.record.outcome == .error && attempt.record.errorType == error)
            }
        }
        let summary = RunSummary.compute(from: log, prices: spec.workload.prices)
        let level = try #require(summary.levels.first)
        #expect(level.passRate.trials == 16 && level.attempts.passed + level.attempts.errored == 16)
    }

    @Test("embeddings calls retry under the same policy as chat, each try a step")
    func embeddingRetries() async throws {
        let embedding =
            #"{"object":"list","model":"e","data":[{"object":"embedding","index":0,"embedding":[0.6,0.8]}],"usage":{"prompt_tokens":7,"total_tokens":7}}"#
        let (log, directory) = try await Self.withKey {
            try await withScriptedServer(["/v1/embeddings": [.json(Self.errorBody, status: 503), .json(embedding)]]) { url, _ in
                try await Self.run(
                    RunSpecLoader.load(
                        yaml: """
                            name: embed-retry
                            load: {concurrency: [1], attempts: 1, warmup_attempts: 0}
                            backends:
                              flaky: {kind: openai-chat, base_url: "\(url.absoluteString)/v1", api_key_env: AGENTPERF_TEST_FAULTS_KEY, retry: {backoff: 10ms}}
                            models:
                              small: sim-small
                              embedding: {model: e, backend: flaky}
                            tasks:
                              - name: t
                                pass_probability: {small: 1}
                                steps: [{embed: {input_tokens: 5}}, {model: {tier: small, output_tokens: 3}}]
                            """, source: "embed-retry.yaml"))
            }
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let steps = try #require(log.attempts.first).steps
        #expect(steps.map(\.operation) == [.embeddings, .embeddings, .chat])
        #expect(steps.map(\.errorType) == [StepErrorType.http(503), nil, nil])
        #expect(steps[1].timing.scheduled == steps[0].timing.end && steps[1].usage?.totalInput == 7)
        #expect(log.attempts.first?.record.outcome == .passed)
    }
}
