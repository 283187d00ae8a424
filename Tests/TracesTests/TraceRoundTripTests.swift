import Foundation
import TestSupport
import Testing
import Traces

@Suite struct TraceRoundTripTests {
    static let run = RunRecord(
        runID: "run-1", startedAt: Date(timeIntervalSince1970: 1_790_000_000.125), agentperfVersion: "test",
        workload: "w", seed: 7, concurrencyLevels: [1, 4], target: "simulated fleet")

    static func step(_ attempt: String, _ id: String, parent: String? = nil, usage: TokenUsage? = nil) -> StepRecord {
        StepRecord(
            runID: "run-1", attemptID: attempt, stepID: id, parentStepID: parent,
            agentID: parent == nil ? "main" : "\(parent!).a1",
            agentName: "coder", index: 0, operation: usage == nil ? .executeTool : .chat,
            useClass: usage == nil ? .verify : .plan,
            model: usage == nil ? nil : "sim-large", tier: usage == nil ? nil : "large", provider: "agentperf-simulated-fleet",
            toolName: usage == nil ? "run_tests" : nil, usage: usage,
            timing: StepTiming(scheduled: 10, sent: 12, firstToken: 40, lastToken: 90, end: 95, serverQueue: 3),
            errorType: nil, httpStatus: usage == nil ? nil : 200)
    }

    static func attempt(_ id: String, steps: Int, outcome: Outcome = .passed) -> AttemptRecord {
        AttemptRecord(
            runID: "run-1", attemptID: id, task: "fix", agentName: "coder", concurrency: 4, isWarmup: false, worker: 2,
            sequence: 5, outcome: outcome, score: 1, graderAxes: ["success": 1, "format": 0.5], errorType: nil,
            scheduled: 5, end: 100, stepCount: steps, finalTier: "large")
    }

    @Test("every record survives a write and a read unchanged")
    func roundTrip() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.file("traces.jsonl")
        let usage = TokenUsage(uncachedInput: 100, cacheRead: 900, cacheWrite: 50, cacheWrite1h: 20, output: 30, reasoning: 10)
        let steps = [
            Self.step("a1", "s0", usage: usage), Self.step("a1", "s1"), Self.step("a1", "s1.a1.s0", parent: "s1", usage: usage),
        ]
        let window = WindowRecord(
            runID: "run-1", concurrency: 4, levelStart: 1, start: 2, end: 300, drainEnd: 350, interrupted: true)
        let writer = try TraceWriter(creating: url, run: Self.run)
        try await writer.append(attempt: Self.attempt("a1", steps: 3), steps: steps)
        try await writer.append(window: window)
        await writer.close()

        let log = try TraceLog.load(from: url)
        #expect(log.diagnostics.isEmpty)
        #expect(log.run == Self.run)
        #expect(log.attempts == [LoggedAttempt(record: Self.attempt("a1", steps: 3), steps: steps)])
        #expect(log.windows == [window])
    }

    @Test("token buckets are written with OpenTelemetry GenAI names, input including cached tokens")
    func otelNames() throws {
        let usage = TokenUsage(uncachedInput: 100, cacheRead: 900, cacheWrite: 50, output: 30, reasoning: 10)
        let line = String(decoding: try JSONEncoder().encode(Self.step("a", "s0", usage: usage)), as: UTF8.self)
        for fragment in [
            "\"gen_ai.usage.input_tokens\":1050", "\"gen_ai.usage.cache_read.input_tokens\":900",
            "\"gen_ai.usage.cache_write.input_tokens\":50", "\"gen_ai.usage.cache_creation.input_tokens\":50",
            "\"gen_ai.usage.output_tokens\":30",
            "\"gen_ai.usage.reasoning.output_tokens\":10", "\"gen_ai.operation.name\":\"chat\"",
            "\"gen_ai.request.model\":\"sim-large\"", "\"schema_version\":1", "\"record\":\"step\"",
        ] {
            #expect(line.contains(fragment), "missing \(fragment) in \(line)")
        }
    }

    @Test("a source's not_recorded declaration survives a write and a read, sorted; without one the key is absent")
    func notRecorded() throws {
        var run = Self.run
        run.notRecorded = [.tokens, .cacheBuckets]
        let text = String(decoding: try JSONEncoder().encode(run), as: UTF8.self)
        #expect(text.contains(#""not_recorded":["cache_buckets","tokens"]"#), "\(text)")
        #expect(try JSONDecoder().decode(RunRecord.self, from: Data(text.utf8)) == run)
        #expect(!String(decoding: try JSONEncoder().encode(Self.run), as: UTF8.self).contains("not_recorded"))
    }

    @Test("a step without usage stays without usage: unknown, not zero")
    func missingUsageStaysMissing() throws {
        let data = try JSONEncoder().encode(Self.step("a", "s0"))
        #expect(!String(decoding: data, as: UTF8.self).contains("input_tokens"))
        #expect(try JSONDecoder().decode(StepRecord.self, from: data).usage == nil)
    }

    @Test("a torn last line is a warning and every complete attempt before it loads")
    func tornLastLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.file("traces.jsonl")
        let writer = try TraceWriter(creating: url, run: Self.run)
        try await writer.append(attempt: Self.attempt("a1", steps: 1), steps: [Self.step("a1", "s0")])
        try await writer.append(attempt: Self.attempt("a2", steps: 1), steps: [Self.step("a2", "s0")])
        await writer.close()
        // Simulate SIGKILL in the middle of a write: half of a step line, no newline.
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"record":"step","schema_version":1,"run_id":"run-1","attem"#.utf8))
        try handle.close()

        let log = try TraceLog.load(from: url)
        #expect(log.attempts.map(\.record.attemptID) == ["a1", "a2"])
        #expect(!log.hasErrors)
        #expect(log.diagnostics.count == 1)
        #expect(log.diagnostics.first?.line == 6)
        #expect(log.diagnostics.first?.severity == .warning)
    }

    @Test("malformed lines are errors naming the line and field, and loading goes on")
    func malformedLines() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = String(decoding: try JSONEncoder().encode(TraceRecord.attempt(Self.attempt("a9", steps: 0))), as: UTF8.self)
        let lines = [
            String(decoding: try JSONEncoder().encode(TraceRecord.run(Self.run)), as: UTF8.self),
            #"{"record":"step","schema_version":1,"run_id":"r","attempt_id":"a","step_id":"s","step_index":"zero","gen_ai.operation.name":"chat","use_class":"act"}"#,
            #"{"record":"step","schema_version":1,"run_id":"r","attempt_id":"a","step_id":"s","step_index":0,"gen_ai.operation.name":"chat","use_class":"act","gen_ai.usage.input_tokens":10,"gen_ai.usage.cache_read.input_tokens":50,"gen_ai.usage.output_tokens":1}"#,
            #"{"record":"attempt","schema_version":9}"#,
            "not json at all",
            good,
        ]
        let url = try directory.write("traces.jsonl", lines.joined(separator: "\n") + "\n")
        let log = try TraceLog.load(from: url)
        #expect(log.attempts.map(\.record.attemptID) == ["a9"])
        let errors = log.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.line) == [2, 3, 4, 5])
        #expect(errors[0].message.contains("step_index") && errors[0].message.contains("whole number"))
        #expect(errors[1].message.contains("exceed") || errors[1].message.contains("negative"))
        #expect(errors[2].message.contains("schema_version 9"))
        #expect("\(errors[3])".hasPrefix(url.path + ":5: error:"))
    }

    @Test("an attempt whose step records are missing is an error; steps of unfinished attempts a warning")
    func stepAccounting() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.file("traces.jsonl")
        let writer = try TraceWriter(creating: url, run: Self.run)
        try await writer.append(attempt: Self.attempt("a1", steps: 2), steps: [Self.step("a1", "s0")])
        await writer.close()
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: try JSONEncoder().encode(TraceRecord.step(Self.step("lost", "s0"))) + Data("\n".utf8))
        try handle.close()

        let log = try TraceLog.load(from: url)
        #expect(log.diagnostics.map(\.severity) == [.error, .warning])
        #expect(log.diagnostics[0].message.contains("step_count 2 but 1"))
        #expect(log.diagnostics[1].message.contains("never finished"))
    }

    @Test("a file with no trace records is rejected by name")
    func notATraceFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = try directory.write("empty.jsonl", "\n\n")
        #expect(throws: TraceError.self) { try TraceLog.load(from: url) }
    }

    @Test("the line reader handles lines longer than its chunk and CRLF endings")
    func longLinesAndCRLF() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var attempt = Self.attempt("a1", steps: 0)
        attempt.task = String(repeating: "x", count: 3_000_000)
        let line = String(decoding: try JSONEncoder().encode(TraceRecord.attempt(attempt)), as: UTF8.self)
        let url = try directory.write("big.jsonl", line + "\r\n")
        let log = try TraceLog.load(from: url)
        #expect(log.attempts.first?.record.task.count == 3_000_000)
        #expect(log.diagnostics.isEmpty)
    }
}
