import Foundation
import TestSupport
import Testing
import Traces

/// The `agentperf` executable, run as a real subprocess.
@Suite(.serialized, .busy) struct CommandLineTests {
    static let tinyWorkload = """
        name: tiny
        seed: 3
        load: {concurrency: [1, 2], attempts: 3, attempt_timeout: 20s}
        tools:
          lookup: {latency: 3ms, result_tokens: 20}
        tasks:
          - name: answer
            system_prompt_tokens: 100
            task_prompt_tokens: 20
            pass_probability: {small: 0.6}
            steps:
              - tool: {name: lookup, use: read}
              - model: {tier: small, output_tokens: 6}
          - name: plan-then-answer
            system_prompt_tokens: 150
            task_prompt_tokens: 20
            pass_probability: {small: 0.4, large: 0.9}
            steps:
              - model: {tier: large, use: plan, output_tokens: 5}
              - model: {tier: small, output_tokens: 5}
              - model: {tier: large, use: verify, output_tokens: 3}
        """

    /// Long enough to be killed mid-run.
    static let longWorkload =
        tinyWorkload
        .replacingOccurrences(
            of: "load: {concurrency: [1, 2], attempts: 3, attempt_timeout: 20s}",
            with: "load: {concurrency: [4], duration: 60s, attempt_timeout: 20s}"
        )
        .replacingOccurrences(of: "latency: 3ms", with: "latency: 30ms")

    static func agentperf(_ arguments: [String]) throws -> ProcessOutput {
        try Subprocesses.run(AgentPerfBinary.url, arguments)
    }

    @Test(
        "a process agent that fails: its exit status and standard error tail are kept on the attempt, credentials scrubbed; exit 1"
    )
    func failedProcessAgent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try directory.write(
            "failing.yaml",
            """
            name: failing-agent
            load: {concurrency: [1], attempts: 2, attempt_timeout: 20s}
            tasks:
              - name: crash
                prompt: anything
                model: small
                process: {command: [sh, -c, "echo 'starting' >&2; echo 'fatal: bad key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx' >&2; exit 3"], prompt: stdin}
                graders: [{contains: never}]
            """)
        let result = try Subprocesses.run(
            AgentPerfBinary.url, ["run", workload.path, "--quiet", "--no-history", "--out", directory.file("run").path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("agent_failed: exit status 3; standard error ends: starting"), "\(result.stderr)")
        let log = try TraceLog.load(from: directory.file("run/traces.jsonl"))
        let message = try #require(log.attempts.first?.record.errorMessage)
        #expect(message.contains("fatal: bad key") && !message.contains("AbCdEfGhIjKlMnOp"), "\(message)")
        #expect(!(try String(contentsOf: directory.file("run/traces.jsonl"), encoding: .utf8)).contains("AbCdEfGhIjKlMnOp"))

        // One that cannot start at all: why, in the message, and no trap on the unused stdin file.
        let missing = try directory.write(
            "missing.yaml",
            (try String(contentsOf: workload, encoding: .utf8)).replacingOccurrences(
                of: #"[sh, -c, "echo 'starting' >&2; echo 'fatal: bad key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx' >&2; exit 3"]"#,
                with: "[/nonexistent/agent-binary]"))
        let unstarted = try Subprocesses.run(
            AgentPerfBinary.url, ["run", missing.path, "--quiet", "--no-history", "--out", directory.file("missing").path])
        #expect(unstarted.status == 1, "\(unstarted.stderr)")
        #expect(unstarted.stderr.contains("agent_failed: cannot run /nonexistent/agent-binary"), "\(unstarted.stderr)")
    }

    @Test("two processes running the same workload in virtual time write the same traces, run ids aside")
    func virtualTimeAcrossProcesses() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let arguments = ["run", "--virtual-time", "--quiet", "--concurrency", "1,8", "--duration", "3s", "--warmup", "1s"]
        var traces: [[String]] = []
        for name in ["a", "b"] {
            let result = try Self.agentperf(arguments + ["--out", directory.file(name).path])
            #expect(result.status == 0, "\(result.stderr)")
            let text = try String(contentsOf: directory.file("\(name)/traces.jsonl"), encoding: .utf8)
            traces.append(
                text.split(separator: "\n").filter { !$0.contains(#""record":"run""#) }.map {
                    $0.replacingOccurrences(of: #""run_id":"[^"]*""#, with: "", options: .regularExpression)
                })
        }
        #expect(traces[0].count > 20)
        let same = traces[0] == traces[1]
        #expect(same, "each process hashes dictionaries with its own seed; nothing may depend on that order")
    }

    @Test("the gateway refuses an address other machines can reach without --allow-remote and a token, exit 2")
    func gatewayRemoteBind() throws {
        let directory = try TemporaryDirectory("agentperf-gateway-bind")
        defer { directory.remove() }
        let refused = try Self.agentperf(["gateway", "--listen", "0.0.0.0:0", "--out", directory.file("run").path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--allow-remote") && refused.stderr.contains("AGENTPERF_GATEWAY_TOKEN"))
        // With a token in this environment the gateway would start: check the missing-token case only without one.
        if ProcessInfo.processInfo.environment["AGENTPERF_GATEWAY_TOKEN"] == nil {
            let flagOnly = try Self.agentperf([
                "gateway", "--listen", "0.0.0.0:0", "--allow-remote", "--out", directory.file("run").path,
            ])
            #expect(flagOnly.status == 2 && flagOnly.stderr.contains("AGENTPERF_GATEWAY_TOKEN"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("run").path), "nothing is written before refusing")
        let badPolicy = try directory.write("policy.yaml", "budgets: {calls: 3}\n")
        let refusedPolicy = try Self.agentperf([
            "gateway", "--policy", badPolicy.path, "--listen", "127.0.0.1:0", "--out", directory.file("run").path,
        ])
        #expect(refusedPolicy.status == 2 && refusedPolicy.stderr.contains("budgets"), "\(refusedPolicy.stderr)")
    }

    @Test("Ctrl-C stops the gateway: it writes its report (--html, --threshold accepted) and exits by the figures")
    func gatewayStops() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let html = directory.file("gateway.html")
        let gateway = try Subprocesses.start(
            AgentPerfBinary.url,
            ["gateway", "--listen", "127.0.0.1:0", "--out", directory.file("run").path, "--html", html.path])
        var waited = 0
        while !gateway.stderrSoFar.contains("AgentPerf gateway on http://127.0.0.1:"), waited < 300 {
            Thread.sleep(forTimeInterval: 0.1)
            waited += 1
        }
        gateway.signal(SIGINT)
        let result = Subprocesses.finish(gateway)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("Can't read a value"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: html.path))
        #expect(result.stdout.contains("Where task time goes") && result.stdout.contains("n/a"), "no attempts: n/a, not 0%")
    }

    @Test("a run in which every attempt failed exits 1 with the first failure's message")
    func everyAttemptFailed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "failing.yaml",
            Self.tinyWorkload.replacingOccurrences(
                of: #"output_tokens: \d+"#, with: "output_tokens: 900000", options: .regularExpression))
        let result = try Self.agentperf(["run", file.path, "--virtual-time", "--quiet", "--out", directory.file("out").path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("every attempt of the run failed"), "\(result.stderr)")
        #expect(result.stderr.contains("http_400: This model's maximum context length"), "\(result.stderr)")
        #expect(!result.stderr.contains("Saved to"), "--quiet prints no closing line")
        #expect(FileManager.default.fileExists(atPath: directory.file("out/traces.jsonl").path), "the failures are kept")
    }

    @Test(
        "simulate is run in virtual time, headed simulated time; --fleet swaps the fleet, and one that lacks a tier's model is refused"
    )
    func simulate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("tiny.yaml", Self.tinyWorkload)
        func withoutRunIDs(_ name: String) throws -> [String] {
            try String(contentsOf: directory.file("\(name)/traces.jsonl"), encoding: .utf8).split(separator: "\n")
                .filter { !$0.contains(#""record":"run""#) }
                .map { $0.replacingOccurrences(of: #""run_id":"[^"]*""#, with: "", options: .regularExpression) }
        }
        let simulated = try Self.agentperf(["simulate", file.path, "--out", directory.file("simulated").path])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        #expect(simulated.stdout.contains(" · simulated time · "), "\(simulated.stdout)")
        #expect(simulated.stdout.contains("Note: simulated time: the run used a virtual clock"))
        // The header says what the fleet is, settings that change figures included (issue 14, item 11).
        #expect(
            simulated.stderr.contains(
                "fleet: sim-small = llama-3.1-8b on 1×h100-sxm, 1 replica; prefix caching, cache writes not reported"),
            "\(simulated.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.file("simulated/summary.json")))
        #expect((summary as? [String: Any])?["clock"] as? String == "virtual")
        let run = try Self.agentperf(["run", file.path, "--virtual-time", "--quiet", "--out", directory.file("run").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try withoutRunIDs("simulated") == withoutRunIDs("run"), "simulate is run --virtual-time")
        // A run directory analyses cleanly: its config, prices and summary are not traces to warn about.
        let analyzed = try Self.agentperf(["analyze", directory.file("simulated").path, "--group-by", "all"])
        #expect(analyzed.status == 0 && !analyzed.stderr.contains("skipped"), "\(analyzed.stderr)")

        // The small model on an L4 instead of an H100 (with a context its KV cache can hold): the
        // same workload, slower.
        let slow = try directory.write(
            "slow.yaml",
            """
            deployments:
              - {name: sim-small, model: llama-3.1-8b, hardware: l4, tensor_parallel: 1, max_model_len: 32768}
              - {name: sim-large, model: llama-3.1-70b, hardware: h200, tensor_parallel: 4}
            """)
        let slower = try Self.agentperf([
            "simulate", file.path, "--fleet", slow.path, "--quiet", "--json", "--out", directory.file("slow").path,
        ])
        #expect(slower.status == 0, "\(slower.stderr)")
        func p50(_ json: String) throws -> Double {
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let levels = object?["levels"] as? [[String: Any]]
            return try #require((levels?.first?["task_latency"] as? [String: Any])?["p50"] as? Double)
        }
        let fast = try Self.agentperf(["simulate", file.path, "--quiet", "--json", "--out", directory.file("fast").path])
        #expect(try p50(slower.stdout) > 1.5 * p50(fast.stdout))

        let partial = try directory.write(
            "partial.yaml", "deployments: [{name: sim-small, model: llama-3.1-8b, hardware: h100-sxm}]")
        let refused = try Self.agentperf([
            "simulate", file.path, "--fleet", partial.path, "--out", directory.file("partial").path,
        ])
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains("tiny.yaml:")
                && refused.stderr.contains(#"tier "large" names model "sim-large", which the simulated fleet of"#)
                && refused.stderr.contains("partial.yaml"),
            "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("partial").path), "nothing is written for a refused run")
    }

    @Test("a run into a directory that holds a run is refused, and the earlier run is kept")
    func existingRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("tiny.yaml", Self.tinyWorkload)
        let out = directory.file("out").path
        let first = try Self.agentperf(["run", file.path, "--virtual-time", "--quiet", "--out", out])
        #expect(first.status == 0, "\(first.stderr)")
        let traces = try Data(contentsOf: directory.file("out/traces.jsonl"))
        let second = try Self.agentperf(["run", file.path, "--virtual-time", "--quiet", "--out", out])
        #expect(second.status == 2)
        #expect(second.stderr.contains("already holds a run"), "\(second.stderr)")
        #expect(try Data(contentsOf: directory.file("out/traces.jsonl")) == traces)
    }

    @Test("report --prices re-prices the models and keeps the run's tool prices")
    func repriceKeepsTools() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "tiny.yaml",
            Self.tinyWorkload.replacingOccurrences(
                of: "lookup: {latency: 3ms, result_tokens: 20}",
                with: "lookup: {latency: 3ms, result_tokens: 20, cost_per_call: 0.01}"))
        let out = directory.file("out").path
        let run = try Self.agentperf(["run", file.path, "--virtual-time", "--quiet", "--json", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let prices = try directory.write(
            "litellm.json",
            #"{"sim-small": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}, "sim-large": {"input_cost_per_token": 1e-5, "output_cost_per_token": 2e-5}}"#
        )
        let report = try Self.agentperf(["report", out, "--prices", prices.path, "--json"])
        #expect(report.status == 0, "\(report.stderr)")
        func costs(_ json: String) throws -> [(tool: Double, total: Double)] {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let levels = try #require(object["levels"] as? [[String: Any]])
            return try levels.map { level in
                let total = try #require((level["cost"] as? [String: Any])?["total"] as? [String: Any])
                return (try #require(total["tool"] as? Double), try #require(total["total"] as? Double))
            }
        }
        let before = try costs(run.stdout), after = try costs(report.stdout)
        #expect(before.map(\.tool) == after.map(\.tool) && after.allSatisfy { $0.tool > 0 })
        #expect(before.map(\.total) != after.map(\.total), "the models were re-priced")
    }

    @Test("a workload with a YAML error exits 2 naming the file and line")
    func badYAML() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("bad.yaml", "name: x\nload: {concurrency: [1], attempts: 2\ntasks: []\n")
        let result = try Self.agentperf(["run", file.path, "--out", directory.file("out").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: \(file.path):3:"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("out").path), "nothing runs on bad input")
    }

    @Test("a workload with a misspelt field exits 2 naming the line, field and the likely fix")
    func typo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "typo.yaml", Self.tinyWorkload.replacingOccurrences(of: "output_tokens: 6", with: "output_token: 6"))
        let result = try Self.agentperf(["workload", file.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(file.path):13:"), "\(result.stderr)")
        #expect(result.stderr.contains("tasks[0].steps[1].model.output_token"))
        #expect(result.stderr.contains("did you mean \"output_tokens\""))
    }

    @Test(
        "bad options and missing inputs exit 2",
        arguments: [
            ["run", "--concurrency", "0,4"], ["run", "--duration", "30"], ["run", "--no-such-flag"],
            ["report", "/nonexistent/run"], ["run", "/nonexistent/workload.yaml"],
        ])
    func badOptions(arguments: [String]) throws {
        let result = try Self.agentperf(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test(
        "load flags obey the same rules as a workload file's load: and name the flag",
        arguments: [
            (["--duration", "0s"], "--duration: expected a duration above 0"),
            (["--concurrency", "2,2"], "--concurrency: expected each level once"),
            (["--attempts", "0"], "--attempts: expected at least 1 attempt per level"),
            (["--duration", "400d"], "--duration"), (["--virtual-time", "--endpoint", "http://127.0.0.1:9/v1"], "--endpoint"),
        ])
    func loadFlags(arguments: [String], message: String) throws {
        let result = try Self.agentperf(["run", "--quiet"] + arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("tools that cannot be set up, or a key that is not set, stop the run with exit 2 and one clear line")
    func setupFailures() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let mcp = try directory.write(
            "mcp.yaml",
            """
            name: bad-mcp
            load: {concurrency: [1], attempts: 1}
            mcp_servers:
              broken: {command: [sh, -c, "echo cannot read config.toml >&2; exit 1"]}
            tools:
              x: {mcp: broken}
            tasks:
              - {name: t, prompt: hi, model: small, tools: [x], graders: [{contains: hi}]}
            """)
        let failed = try Self.agentperf(["run", mcp.path, "--quiet", "--out", directory.file("out").path])
        #expect(failed.status == 2, "\(failed.stderr)")
        #expect(failed.stderr.contains("MCP server \"broken\"") && failed.stderr.contains("cannot read config.toml"))
        #expect(!failed.stderr.contains("Hummingbird"), "no shutdown noise: \(failed.stderr)")
        let key = try directory.write(
            "key.yaml",
            """
            name: no-key
            load: {concurrency: [1], attempts: 1}
            backends:
              hosted: {kind: openai-chat, base_url: "https://api.example.test/v1", api_key_env: AGENTPERF_TEST_UNSET_KEY}
            models:
              chat: {model: some-model, backend: hosted}
            tasks:
              - {name: t, prompt: hi, model: chat, graders: [{contains: hi}]}
            """)
        let missing = try Self.agentperf(["run", key.path, "--quiet", "--out", directory.file("out2").path])
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("AGENTPERF_TEST_UNSET_KEY") && missing.stderr.contains("hosted"))
    }

    @Test("report recomputes exactly the table and JSON that run printed")
    func reportReproducesRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try directory.write("tiny.yaml", Self.tinyWorkload)
        let out = directory.file("run").path
        let run = try Self.agentperf(["run", workload.path, "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("c=1") && run.stdout.contains("c=2") && run.stdout.contains("cost per completed task"))
        for file in ["traces.jsonl", "summary.json", "config.json", "prices.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "\(file)")
        }
        let report = try Self.agentperf(["report", out])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout == run.stdout)
        let json = try Self.agentperf(["report", out, "--json"])
        #expect(json.stdout == (try String(contentsOfFile: "\(out)/summary.json", encoding: .utf8)) + "\n")
        // The saved config is itself a runnable workload.
        let again = try Self.agentperf(["workload", "\(out)/config.json"])
        #expect(again.status == 0, "\(again.stderr)")
    }

    /// Starts a long run and waits until `attempts` attempt records are on disk.
    static func startLongRun(in directory: TemporaryDirectory, attempts: Int) throws -> (RunningProcess, URL) {
        let workload = try directory.write("long.yaml", Self.longWorkload)
        let out = directory.file("run")
        let process = try Subprocesses.start(AgentPerfBinary.url, ["run", workload.path, "--out", out.path, "--quiet"])
        let traces = out.appendingPathComponent("traces.jsonl")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOf: traces, encoding: .utf8)) ?? ""
            if text.components(separatedBy: "\"record\":\"attempt\"").count - 1 >= attempts { return (process, traces) }
            guard process.process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)  // polling another process's file
        }
        process.signal(SIGKILL)
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the run wrote no attempts in time"])
    }

    @Test("after SIGKILL mid-run, every attempt written so far loads")
    func sigkill() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (process, traces) = try Self.startLongRun(in: directory, attempts: 5)
        process.signal(SIGKILL)
        let result = Subprocesses.finish(process)
        #expect(result.status == SIGKILL)
        let log = try TraceLog.load(from: traces)
        #expect(log.attempts.count >= 5)
        #expect(!log.hasErrors, "\(log.diagnostics)")
        for attempt in log.attempts { #expect(attempt.steps.count == attempt.record.stepCount) }
    }

    @Test("Ctrl-C stops the run, exits 130, and still writes the summary of what finished")
    func sigint() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (process, traces) = try Self.startLongRun(in: directory, attempts: 3)
        process.signal(SIGINT)
        let result = Subprocesses.finish(process)
        #expect(result.status == 130, "\(result.stderr)")
        #expect(result.stdout.contains("c=4 (cut)"))
        let log = try TraceLog.load(from: traces)
        #expect(log.attempts.count >= 3)
        #expect(log.windows.first?.interrupted == true)
        #expect(
            FileManager.default.fileExists(atPath: traces.deletingLastPathComponent().appendingPathComponent("summary.json").path)
        )
        // The attempts running at the stop are recorded as cancelled, with their steps so far, and
        // left out of the figures: the attempts started add up.
        let cancelled = log.attempts.filter { $0.record.outcome == .cancelled }
        #expect(!cancelled.isEmpty, "four agents were running")
        for attempt in cancelled { #expect(attempt.steps.count == attempt.record.stepCount) }
        let summary = try JSONSerialization.jsonObject(
            with: Data(contentsOf: traces.deletingLastPathComponent().appendingPathComponent("summary.json")))
        let counts = ((summary as? [String: Any])?["levels"] as? [[String: Any]])?.first?["attempts"] as? [String: Any]
        #expect(counts?["cancelled"] as? Int == cancelled.count)
        #expect(
            (counts?["total"] as? Int ?? 0) + (counts?["warmup"] as? Int ?? 0) + cancelled.count == log.attempts.count,
            "measured + warm-up + cancelled = every attempt recorded")
        #expect(result.stdout.contains("running when the run was stopped: recorded as cancelled"), "\(result.stdout)")
    }
}
