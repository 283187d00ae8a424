import Foundation
import Harness
import Logging
import RunTarget
import TestSupport
import Testing
import Traces
import Workload

/// What a run checks and writes before and around its levels (the levels themselves are the
/// end-to-end tests' business).
@Suite(.busy) struct BenchmarkRunTests {
    static func spec(_ extra: String = "", steps: String = "[{model: {tier: small, output_tokens: 3}}]") throws -> RunSpec {
        try RunSpecLoader.load(
            yaml: """
                name: h
                load: {concurrency: [1], attempts: 2, warmup_attempts: 0}
                \(extra)tasks:
                  - {name: t, pass_probability: {small: 1}, steps: \(steps)}
                """, source: "h.yaml")
    }

    static func run(_ spec: RunSpec, endpoint: String? = nil, in directory: URL) async throws -> RunArtifacts {
        try await BenchmarkRun(
            spec: spec, outputDirectory: directory, endpointOverride: endpoint, timebase: .virtualTime,
            identity: .init(runID: "run-h", startedAt: Date(timeIntervalSince1970: 0)),
            logger: Logger(label: "h") { _ in SwiftLogNoOpLogHandler() }
        ).run()
    }

    @Test("a run leaves its config (runnable as is), prices and traces, under the id it was given")
    func artifacts() async throws {
        let directory = try TemporaryDirectory("agentperf-harness")
        let spec = try Self.spec()
        let artifacts = try await Self.run(spec, in: directory.url)
        #expect(artifacts.runID == "run-h" && !artifacts.interrupted)
        for name in [RunDirectory.config, RunDirectory.prices, RunDirectory.traces] {
            #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(name).path), "\(name)")
        }
        var reloaded = try RunSpecLoader.load(contentsOf: artifacts.config)
        reloaded.workload.source = spec.workload.source
        #expect(reloaded == spec)
        let log = try TraceLog.load(from: artifacts.traces)
        #expect(log.run?.runID == "run-h" && log.attempts.count == 2)
    }

    @Test("an endpoint that is not an http(s) URL is bad input, before anything is written")
    func badEndpoint() async throws {
        let directory = try TemporaryDirectory("agentperf-harness")
        await #expect {
            _ = try await Self.run(try Self.spec(), endpoint: "ftp://x", in: directory.url)
        } throws: { error in
            (error as? HarnessError)?.isBadInput == true && "\(error)".contains("ftp://x")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(RunDirectory.traces).path))
    }

    @Test("a backend whose key variable is unset stops the run naming the variable and the backend")
    func missingKey() async throws {
        let directory = try TemporaryDirectory("agentperf-harness")
        let spec = try Self.spec(
            """
            backends: {remote: {kind: openai-chat, base_url: "http://127.0.0.1:9/v1", api_key_env: AGENTPERF_HARNESS_UNSET_KEY}}
            models: {small: {model: m, backend: remote}}

            """)
        await #expect {
            _ = try await Self.run(spec, in: directory.url)
        } throws: { error in
            "\(error)".contains("AGENTPERF_HARNESS_UNSET_KEY") && "\(error)".contains("\"remote\"")
        }
    }
}
