import Foundation
import TestSupport
import Testing
import Traces

/// `--otlp-endpoint` through the real binary, received by a real OTLP/HTTP receiver that parses
/// every request strictly with the official protocol definitions (opentelemetry-proto from PyPI;
/// scripts/otlp-receiver), and imported back through AgentPerf's OTLP importer.
@Suite(.serialized, .busy) struct OTLPExportTests {
    static let receiverDirectory = Fixtures.packageRoot.appendingPathComponent("scripts/otlp-receiver")

    /// Starts the receiver writing into `out`; returns it and its base URL.
    static func startReceiver(_ out: URL, _ options: [String] = []) async throws -> (RunningProcess, String) {
        let setup = try Subprocesses.run(
            URL(fileURLWithPath: "/bin/bash"), [receiverDirectory.appendingPathComponent("setup.sh").path])
        try #require(setup.status == 0, "scripts/otlp-receiver/setup.sh failed: \(setup.stderr)")
        let receiver = try Subprocesses.start(
            receiverDirectory.appendingPathComponent(".venv/bin/python"),
            [receiverDirectory.appendingPathComponent("receiver.py").path, out.path] + options)
        for _ in 0..<100 {
            if let port = Int(receiver.stdoutSoFar.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return (receiver, "http://127.0.0.1:\(port)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        receiver.signal(SIGTERM)
        throw CancellationError()
    }

    @Test(
        "a run's steps arrive as GenAI spans the official protobuf definitions accept; imported back, token buckets and timings are the run's"
    )
    func roundTrip() async throws {
        let directory = try TemporaryDirectory("otlp")
        defer { directory.remove() }
        let (receiver, endpoint) = try await Self.startReceiver(
            directory.file("received"), ["--require-header", "authorization=Bearer t0ken-123"])
        defer {
            receiver.signal(SIGKILL)
            _ = Subprocesses.finish(receiver)
        }
        let run = try Subprocesses.run(
            AgentPerfBinary.url,
            [
                "run", "--virtual-time", "--concurrency", "2", "--attempts", "6", "--warmup", "0s", "--no-history",
                "--out", directory.file("run").path, "--otlp-endpoint", endpoint,
            ],
            environment: ["OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20t0ken-123"])
        try #require(run.status == 0, "\(run.stderr)")
        let original = try TraceLog.load(from: directory.file("run/traces.jsonl"))
        let spans = original.attempts.count + original.attempts.reduce(0) { $0 + $1.steps.count }
        #expect(run.stderr.contains("Exported \(spans) spans and the headline metrics to \(endpoint)"), "\(run.stderr)")
        let metrics = try String(contentsOf: directory.file("received/metrics.jsonl"), encoding: .utf8)
        #expect(metrics.contains("\"agentperf.task.duration.p95\"") && metrics.contains("\"agentperf.level\""))

        let imported = try Subprocesses.run(
            AgentPerfBinary.url,
            ["import", directory.file("received/traces.jsonl").path, "--out", directory.file("imported").path])
        try #require(imported.status == 0, "\(imported.stderr)")
        let back = try TraceLog.load(from: directory.file("imported/traces.jsonl.agentperf.jsonl"))
        #expect(back.attempts.count == original.attempts.count)
        // Per attempt, in order: every step's token buckets and its times from the attempt's start, to the nanosecond.
        func shape(_ attempt: LoggedAttempt) -> [String] {
            let start = attempt.record.scheduled ?? 0
            return attempt.steps.map { step in
                let usage = step.usage
                let timing = step.timing
                let times = [timing.sent, timing.firstToken, timing.lastToken, timing.end].map {
                    $0.map { String($0 - start) } ?? "-"
                }
                return "\(step.operation.rawValue) \(step.model ?? step.toolName ?? "") "
                    + "\(usage.map { "\($0.uncachedInput)/\($0.cacheRead)/\($0.cacheWrite)/\($0.output)/\($0.reasoning)" } ?? "no usage") "
                    + times.joined(separator: ",")
            }.sorted()
        }
        for (sent, received) in zip(original.attempts, back.attempts) {
            #expect(shape(received) == shape(sent), "\(sent.record.attemptID)")
            #expect(received.record.latency == sent.record.latency)
        }
        #expect(!run.stderr.contains("t0ken-123"))
    }

    @Test("a receiver that refuses, rejects part, or is not there: exit 1 naming it, no credential in the message, the run saved")
    func failures() async throws {
        let directory = try TemporaryDirectory("otlp-failures")
        defer { directory.remove() }
        let base = [
            "run", "--virtual-time", "--concurrency", "1", "--attempts", "1", "--warmup", "0s", "--no-history", "--quiet",
        ]
        let unreachable = try Subprocesses.run(
            AgentPerfBinary.url, base + ["--out", directory.file("a").path, "--otlp-endpoint", "http://127.0.0.1:1"])
        #expect(
            unreachable.status == 1 && unreachable.stderr.contains("OTLP export to http://127.0.0.1:1"), "\(unreachable.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.file("a/summary.json").path))

        let (receiver, endpoint) = try await Self.startReceiver(
            directory.file("received"), ["--require-header", "authorization=right", "--reject-spans", "3"])
        defer {
            receiver.signal(SIGKILL)
            _ = Subprocesses.finish(receiver)
        }
        let refused = try Subprocesses.run(
            AgentPerfBinary.url, base + ["--out", directory.file("b").path, "--otlp-endpoint", endpoint],
            environment: ["OTEL_EXPORTER_OTLP_HEADERS": "authorization=wrong-s3cret"])
        #expect(refused.status == 1 && refused.stderr.contains("refused with HTTP 401"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("wrong-s3cret"))
        let partial = try Subprocesses.run(
            AgentPerfBinary.url, ["report", directory.file("b").path, "--otlp-endpoint", endpoint],
            environment: ["OTEL_EXPORTER_OTLP_HEADERS": "authorization=right"])
        #expect(partial.status == 1 && partial.stderr.contains("rejected 3 of the records (over quota)"), "\(partial.stderr)")
        let malformed = try Subprocesses.run(
            AgentPerfBinary.url, ["report", directory.file("b").path, "--otlp-endpoint", "localhost:4318"])
        #expect(
            malformed.status == 2 && malformed.stderr.contains("--otlp-endpoint: expected an http(s) URL"), "\(malformed.stderr)")
        let credentialed = try Subprocesses.run(
            AgentPerfBinary.url, ["report", directory.file("b").path, "--otlp-endpoint", "http://user:pa55word@127.0.0.1:4318"])
        #expect(credentialed.status == 2 && !credentialed.stderr.contains("pa55word"), "\(credentialed.stderr)")
        let pasted = try Subprocesses.run(
            AgentPerfBinary.url, ["report", directory.file("b").path, "--otlp-endpoint", endpoint],
            environment: ["OTEL_EXPORTER_OTLP_HEADERS": "sk-proj-abcdefghijklmnop"])
        #expect(pasted.status == 2 && pasted.stderr.contains("entry 1 of 1"), "\(pasted.stderr)")
        #expect(!pasted.stderr.contains("abcdefgh"))
    }
}
