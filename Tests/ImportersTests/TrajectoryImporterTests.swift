import AgentMetrics
import Foundation
import Importers
import Pricing
import TestSupport
import Testing
import Traces

/// OpenHands, SWE-agent and tau-bench.
@Suite struct TrajectoryImporterTests {
    static func load(_ url: URL, _ format: TraceFormat) throws -> TraceLog {
        var sink = CollectingSink()
        try format.read(url, into: &sink)
        return sink.log
    }

    static let sonnet35 = PriceTable(
        version: "test",
        models: [
            "claude-3-5-sonnet-20241022": ModelPrice(
                inputCostPerToken: 3e-6, outputCostPerToken: 15e-6, cacheReadInputTokenCost: 3e-7,
                cacheCreationInputTokenCost: 3.75e-6)
        ])

    @Test("OpenHands: a repeated model_response counts once; LiteLLM's prompt_tokens include cache writes and reads")
    func openHandsBasic() throws {
        let log = try Self.load(Fixtures.real("openhands/openhands__basic.json"), .openhands)
        let attempt = try #require(log.attempts.first)
        let chats = attempt.steps.filter { $0.operation == .chat }
        #expect(chats.count == 2)
        #expect(
            chats.compactMap(\.usage).reduce(TokenUsage(), +)
                == TokenUsage(uncachedInput: 10, cacheRead: 3482, cacheWrite: 4640, output: 1312))
        let tools = attempt.steps.filter { $0.operation == .executeTool }
        #expect(tools.map(\.toolName) == ["str_replace_editor"])
        #expect(tools.first?.latency == 36_897_000)
        let cost = attempt.steps.reduce(PricedUsage()) { $0 + Self.sonnet35.price($1) }.cost.total
        #expect(abs(cost - 0.0381546) < 1e-10)
        #expect(attempt.record.task.hasPrefix("Please create a simple 2048 game."))
    }

    @Test("OpenHands: agent replies without metadata are model steps with unknown usage; later user messages are turns")
    func openHandsInteractions() throws {
        let log = try Self.load(Fixtures.real("openhands/openhands__basic_interactions.json"), .openhands)
        let attempt = try #require(log.attempts.first)
        let chats = attempt.steps.filter { $0.operation == .chat }
        #expect(chats.count == 3)
        #expect(chats.filter { $0.usage == nil }.count == 2)
        #expect(chats.compactMap(\.usage) == [TokenUsage(uncachedInput: 169, cacheRead: 2304, output: 10)])
        #expect(attempt.record.userTurns == 2)
    }

    @Test("OpenHands: llm_metrics.accumulated_cost matches AgentPerf's pricing under the same prices")
    func openHandsReportedCost() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Built from OpenHands' event schema: two responses, the last event carrying the
        // accumulated cost LiteLLM computed at claude-3-5-sonnet list prices.
        let trajectory = """
            [{"id": 0, "timestamp": "2025-03-01T10:00:00", "source": "user", "action": "message", "message": "fix it", "args": {}},
             {"id": 1, "timestamp": "2025-03-01T10:00:05", "source": "agent", "action": "run", "args": {"command": "pytest -q"},
              "tool_call_metadata": {"function_name": "execute_bash", "model_response": {"id": "r1", "model": "claude-3-5-sonnet-20241022",
                "usage": {"prompt_tokens": 5000, "completion_tokens": 200, "cache_creation_input_tokens": 4000, "cache_read_input_tokens": 0}}},
              "llm_metrics": {"accumulated_cost": 0.018003}},
             {"id": 2, "timestamp": "2025-03-01T10:00:09", "source": "agent", "observation": "run", "cause": 1, "content": "1 passed"},
             {"id": 3, "timestamp": "2025-03-01T10:00:12", "source": "agent", "action": "finish", "args": {},
              "tool_call_metadata": {"function_name": "finish", "model_response": {"id": "r2", "model": "claude-3-5-sonnet-20241022",
                "usage": {"prompt_tokens": 5300, "completion_tokens": 50, "cache_creation_input_tokens": 300, "cache_read_input_tokens": 4000}}},
              "llm_metrics": {"accumulated_cost": 0.0226405}}]
            """
        let log = try Self.load(try directory.write("t.json", trajectory), .openhands)
        let attempt = try #require(log.attempts.first)
        let cost = attempt.steps.reduce(PricedUsage()) { $0 + Self.sonnet35.price($1) }.cost.total
        // 1000×3e-6 + 4000×3.75e-6 + 200×15e-6 = 0.021;  1000×3e-6 + 300×3.75e-6 + 4000×3e-7 + 50×15e-6 = 0.0060750
        #expect(abs(cost - 0.027075) < 1e-9)
        #expect(attempt.record.reportedCost == 0.0226405)
        #expect(attempt.steps.first { $0.operation == .executeTool }?.useClass == .verify)
    }

    @Test("OpenHands: a message to the user, thinking and finishing are model steps, never tool steps, even when observed")
    func openHandsActionVocabulary() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // OpenHands answers some non-tool actions with an observation too (an agent `message`
        // gets a `null` observation, `think` a "Your thought has been logged." one).
        let trajectory = """
            [{"id": 0, "source": "user", "action": "message", "message": "fix it", "args": {}},
             {"id": 1, "source": "agent", "action": "think", "args": {"thought": "tests first"}},
             {"id": 2, "source": "agent", "observation": "think", "cause": 1, "content": "Your thought has been logged."},
             {"id": 3, "source": "agent", "action": "run", "args": {"command": "pytest -q"}},
             {"id": 4, "source": "agent", "observation": "run", "cause": 3, "content": "1 passed"},
             {"id": 5, "source": "agent", "action": "message", "args": {"content": "Fixed; the test passes."}},
             {"id": 6, "source": "agent", "observation": "null", "cause": 5, "content": ""},
             {"id": 7, "source": "agent", "action": "finish", "args": {}},
             {"id": 8, "source": "agent", "observation": "null", "cause": 7, "content": ""}]
            """
        let log = try Self.load(try directory.write("t.json", trajectory), .openhands)
        let steps = try #require(log.attempts.first).steps
        #expect(steps.filter { $0.operation == .chat }.count == 4, "think, run, message and finish each came from the model")
        #expect(steps.filter { $0.operation == .executeTool }.map(\.toolName) == ["run"])
    }

    /// The real SWE-agent trajectory copied into a run directory named as SWE-agent names them,
    /// which is where SWE-agent records the model (`gpt4__…` → gpt-4-1106-preview).
    static func sweAgentInItsRunDirectory(_ directory: TemporaryDirectory) throws -> URL {
        let run = directory.url.appendingPathComponent(
            "gpt4__swe-bench-dev-easy_first_only__default__t-0.00__p-0.95__c-3.00__install-1")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let file = run.appendingPathComponent("pydicom__pydicom-1458.traj")
        try FileManager.default.copyItem(at: Fixtures.real("swe-agent/pydicom__pydicom-1458.traj"), to: file)
        return file
    }

    @Test("SWE-agent: 12 calls, totals on the attempt, and instance_cost reproduced to the cent at gpt-4-1106-preview prices")
    func sweAgent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.sweAgentInItsRunDirectory(directory)
        let log = try Self.load(file, .sweAgent)
        let attempt = try #require(log.attempts.first)
        #expect(attempt.steps.filter { $0.operation == .chat }.count == 12)
        #expect(attempt.steps.filter { $0.operation == .executeTool }.count == 12)
        #expect(attempt.record.unattributedUsage == TokenUsage(uncachedInput: 122_612, output: 1369))
        #expect(attempt.record.unattributedModel == "gpt-4-1106-preview")
        // The trajectory records no wall-clock time: none is made up.
        #expect(log.run != nil && log.run?.startedAt == nil)
        let cost = PriceTable.bundled.price(try #require(attempt.record.unattributedUsage), model: "gpt-4-1106-preview").cost
            .total
        let reported = try #require(attempt.record.reportedCost)
        #expect(reported == 1.26719)
        #expect((cost * 100).rounded() == (reported * 100).rounded())
        #expect(abs(cost - reported) < 1e-9)
    }

    @Test("two files of the same name in different run directories are two runs, not one attempt seen twice")
    func sameNameInTwoRuns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var analyzer = FamilyAnalyzer(grouping: .session, prices: .bundled)
        for run in ["runA", "runB"] {
            let folder = directory.url.appendingPathComponent(run)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("pydicom__pydicom-1458.traj")
            try FileManager.default.copyItem(at: Fixtures.real("swe-agent/pydicom__pydicom-1458.traj"), to: file)
            try TraceFormat.sweAgent.read(file, into: &analyzer)
        }
        // The same file read again is still one attempt seen twice.
        try TraceFormat.sweAgent.read(
            directory.url.appendingPathComponent("runA/../runA/pydicom__pydicom-1458.traj"), into: &analyzer)
        let report = analyzer.report()
        #expect(report.groups.count == 2, "one session per run directory")
        #expect(report.groups.map(\.attempts).reduce(0, +) == 2)
        #expect(analyzer.diagnostics.lines.filter { $0.contains("appears twice") }.count == 1)
    }

    @Test("absent is not zero: SWE-agent's input has no cache split, an unpriced model has no cost, so both are n/a")
    func sweAgentAbsentFigures() throws {
        // No model named (the file alone, outside its run directory): unpriced.
        var analyzer = FamilyAnalyzer(grouping: .all, prices: .bundled)
        try TraceFormat.sweAgent.read(Fixtures.real("swe-agent/pydicom__pydicom-1458.traj"), into: &analyzer)
        let group = try #require(analyzer.report().groups.first)
        #expect(group.tokens.uncachedInput == 122_612 && group.tokenCounts.value != nil)
        #expect(group.cacheBuckets.value == nil && group.cacheBuckets.reason?.contains("without their cache split") == true)
        #expect(group.cacheReadShare.value == nil && group.cacheReadShare.reason == group.cacheBuckets.reason)
        #expect(group.costTotal.value == nil && group.costTotal.reason?.hasPrefix("no price for") == true)
        #expect(group.reportedCost.value == 1.26719 && group.computedCostOfReported.value == nil, "ours is n/a, not $0")
        #expect(group.unrecorded == ["cache_buckets": 1])
        let json = String(decoding: try JSONEncoder().encode(group), as: UTF8.self)
        #expect(json.contains(#""cache_buckets":{"unavailable":"#) && json.contains(#""cost_total":{"unavailable":"#))

        // In its run directory the model is named and priced: the cost is a figure again.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.sweAgentInItsRunDirectory(directory)
        var priced = FamilyAnalyzer(grouping: .all, prices: .bundled)
        try TraceFormat.sweAgent.read(file, into: &priced)
        let pricedGroup = try #require(priced.report().groups.first)
        #expect(abs((pricedGroup.costTotal.value ?? 0) - 1.26719) < 1e-6)
        #expect(pricedGroup.computedCostOfReported.value != nil && pricedGroup.cacheBuckets.value == nil)
    }

    @Test("absent is not zero: τ-bench's original results record no tokens, so no token count or cost is 0")
    func tau1AbsentTokens() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let results = """
            [{"task_id": 3, "reward": 1.0, "trial": 0, "info": {"total_cost": 0.02},
              "traj": [{"role": "user", "content": "hi"},
                       {"role": "assistant", "content": null, "tool_calls": [
                         {"id": "c1", "function": {"name": "get_order", "arguments": "{}"}},
                         {"id": "c2", "function": {"name": "get_user", "arguments": "{}"}}]},
                       {"role": "tool", "tool_call_id": "c2", "content": "user 7"}, {"role": "tool", "content": "order 9"},
                       {"role": "assistant", "content": "done"}]}]
            """
        let file = try directory.write("tau1.json", results)
        let log = try Self.load(file, .tauBench)
        #expect(log.run?.notRecorded == [.tokens])
        var analyzer = FamilyAnalyzer(grouping: .all, prices: .bundled)
        try TraceFormat.tauBench.read(file, into: &analyzer)
        let group = try #require(analyzer.report().groups.first)
        #expect(group.tokenCounts.value == nil && group.cacheBuckets.value == nil && group.costTotal.value == nil)
        #expect(group.cacheReadShare.value == nil && group.unrecorded == ["tokens": 1])
        #expect(group.reportedCost.value == 0.02 && group.computedCostOfReported.value == nil, "ours is n/a, not $0")
        // Tool results count as next-state signals, as every importer counts them: by call id,
        // else in call order.
        let tools = try #require(log.attempts.first).steps.filter { $0.operation == .executeTool }
        #expect(tools.map(\.toolName) == ["get_order", "get_user"])
        #expect(tools.map(\.observationHash) == [ContentHash.of("order 9"), ContentHash.of("user 7")])
        let turns = try #require(log.attempts.first).record.userTurns ?? 0
        #expect(group.signalsPerAttempt.value == Double(2 + turns + 1), "two tool results, the user's turns, the grade")
    }

    @Test("tau2-bench: rewards decide outcomes; per-message usage and cost; tool calls timed to their answers")
    func tau2() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try tau2Results(tasks: "[]", in: directory)
    }

    @Test("a τ²-bench file whose simulations come after 64 KiB of tasks is still recognised, by its top-level keys")
    func tau2DetectedPastTheHead() throws {
        let task =
            #"{"id": "t", "description": {"purpose": "\#(String(repeating: "x", count: 1000))"}, "user_scenario": {"a": [1, 2, {"b": "\\\"}"}]}}"#
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try tau2Results(tasks: "[" + Array(repeating: task, count: 200).joined(separator: ",") + "]", in: directory)
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0 > 150_000)
        #expect(TraceFormat.detect(file) == .tauBench)
    }

    @discardableResult
    func tau2Results(tasks: String, in directory: TemporaryDirectory) throws -> URL {
        // Built from tau2-bench's Results / SimulationRun / Message models (src/tau2/data_model).
        let results = """
            {"timestamp": "2025-07-01T12:00:00", "info": {"agent_info": {"implementation": "llm_agent", "llm": "gpt-4.1"},
              "environment_info": {"domain_name": "airline"}, "git_commit": "x", "num_trials": 2, "max_steps": 50, "max_errors": 10,
              "user_info": {"implementation": "user_simulator", "llm": "gpt-4.1"}},
             "tasks": \(tasks),
             "simulations": [
              {"id": "sim-1", "task_id": "7", "trial": 0, "start_time": "", "end_time": "", "duration": 9.0, "termination_reason": "user_stop",
               "agent_cost": 0.005264, "user_cost": 0.001, "reward_info": {"reward": 1.0},
               "messages": [
                {"role": "assistant", "content": "Hi! How can I help?", "timestamp": "2025-07-01T12:00:00", "cost": 0.0028,
                 "usage": {"prompt_tokens": 1200, "completion_tokens": 50}},
                {"role": "user", "content": "Cancel my booking", "timestamp": "2025-07-01T12:00:02"},
                {"role": "assistant", "content": null, "timestamp": "2025-07-01T12:00:04", "cost": 0.002464,
                 "usage": {"prompt_tokens": 1600, "completion_tokens": 100, "prompt_tokens_details": {"cached_tokens": 1024}},
                 "tool_calls": [{"id": "c1", "name": "get_reservation_details", "arguments": {}, "requestor": "assistant"}]},
                {"role": "tool", "id": "c1", "content": "{...}", "timestamp": "2025-07-01T12:00:04.250", "requestor": "assistant"}]},
              {"id": "sim-2", "task_id": "7", "trial": 1, "start_time": "", "end_time": "", "duration": 3.0, "termination_reason": "agent_stop",
               "agent_cost": 0.001, "reward_info": {"reward": 0.0},
               "messages": [{"role": "assistant", "content": "Sorry", "timestamp": "2025-07-01T12:01:00", "cost": 0.001,
                 "usage": {"prompt_tokens": 400, "completion_tokens": 25}}]}]}
            """
        let file = try directory.write("results.json", results)
        let log = try Self.load(file, .tauBench)
        #expect(log.attempts.map(\.record.outcome) == [.passed, .failed])
        let first = log.attempts[0]
        #expect(first.record.task == "7" && first.record.userTurns == 0)
        let usage = first.steps.compactMap(\.usage).reduce(TokenUsage(), +)
        #expect(usage == TokenUsage(uncachedInput: 1200 + 576, cacheRead: 1024, output: 150))
        #expect(abs(first.steps.compactMap(\.reportedCost).reduce(0, +) - 0.005264) < 1e-12)
        let tool = try #require(first.steps.first { $0.operation == .executeTool })
        #expect(tool.toolName == "get_reservation_details" && tool.latency == 250_000_000)
        // gpt-4.1 list prices ($2 / $8 per million, cached $0.50): 1200×2e-6 + 50×8e-6 = 0.0028 and
        // 576×2e-6 + 1024×5e-7 + 100×8e-6 = 0.002464, as recorded.
        let prices = PriceTable.bundled
        let computed = first.steps.filter { $0.operation == .chat }.map { prices.price($0).cost.total }
        #expect(zip(computed, [0.0028, 0.002464]).allSatisfy { abs($0 - $1) < 1e-12 })
        return file
    }

    @Test("output hashes ignore tool-call ids and argument key order, so identical rollouts are one leaf")
    func outputHashes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func simulation(_ id: String, call: String, arguments: String, reply: String) -> String {
            """
            {"id": "\(id)", "task_id": "3", "reward_info": {"reward": 1.0}, "messages": [
              {"role": "assistant", "content": null, "usage": {"prompt_tokens": 100, "completion_tokens": 20},
               "tool_calls": [{"id": "\(call)", "name": "search", "arguments": \(arguments), "requestor": "assistant"}]},
              {"role": "tool", "id": "\(call)", "content": "found"},
              {"role": "assistant", "content": "\(reply)", "usage": {"prompt_tokens": 130, "completion_tokens": 10}}]}
            """
        }
        let results = """
            {"info": {"agent_info": {"llm": "gpt-4.1"}}, "simulations": [
              \(simulation("a", call: "c1", arguments: #"{"q": "x", "n": 1}"#, reply: "Done")),
              \(simulation("b", call: "c2", arguments: #"{"n": 1, "q": "x"}"#, reply: "Done")),
              \(simulation("c", call: "c3", arguments: #"{"n": 1, "q": "x"}"#, reply: "Finished"))]}
            """
        let log = try Self.load(try directory.write("results.json", results), .tauBench)
        let hashes = log.attempts.map { $0.steps.filter { $0.operation == .chat }.compactMap(\.outputHash) }
        #expect(hashes.map(\.count) == [2, 2, 2])
        #expect(hashes[0] == hashes[1] && hashes[0][0] == hashes[2][0] && hashes[0][1] != hashes[2][1])
        var analyzer = FamilyAnalyzer(grouping: .all, prices: .bundled)
        for attempt in log.attempts {
            for step in attempt.steps { analyzer.step(step) }
            analyzer.attempt(attempt.record)
        }
        // Two distinct leaves over 20 + 10 + 10 unique generated tokens.
        let diversity = try #require(analyzer.report().groups.first?.treeRolloutDiversity.value)
        #expect(abs(diversity - 2 / 0.040) < 1e-9)
    }

    @Test(
        "every real file is recognised as its format",
        arguments: [
            ("claude-code/claude-reliability__hello-world-script.jsonl", TraceFormat.claudeCode),
            ("claude-code/claude-reliability__coverage-test-fix.jsonl", .claudeCode),
            ("inspect/2025-05-12T20-27-36-04-00_browser.json", .inspect),
            ("inspect/2025-02-11T15-17-00-05-00_popularity_dPiJifoWeEQBrfWsAopzWr.eval", .inspectEval),
            ("openhands/openhands__basic.json", .openhands),
            ("openhands/openhands__basic_interactions.json", .openhands),
            ("swe-agent/pydicom__pydicom-1458.traj", .sweAgent),
            ("codex/vibecodingtracker_test_conversation_oai.jsonl", .codex),
            ("codex/agent-history_real_session-01.jsonl", .codex),
            ("gemini/vibecodingtracker_gemini_session.jsonl", .geminiCLI),
            ("gemini/vibecodingtracker_test_conversation_gemini_legacy.json", .geminiCLI),
        ])
    func detection(file: String, format: TraceFormat) {
        #expect(TraceFormat.detect(Fixtures.real(file)) == format)
    }
}
