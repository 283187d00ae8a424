import Foundation
import Harness
import Logging
import RunTarget
import TestSupport
import Testing
import Traces
import Workload

/// Model-driven agents end to end on the built-in fleet: the fleet answers with the tool calls
/// of each task's `simulate:` script, the loop runs real tools and graders, and the traces say
/// what happened and why the agent stopped.
@Suite(.serialized, .timed) struct DrivenAgentTests {
    static let tools = """
        tools:
          multiply:
            command: [expr, "{a}", "*", "{b}"]
            description: Multiplies two integers.
            parameters: {type: object, properties: {a: {type: integer}, b: {type: integer}}, required: [a, b]}
          lookup:
            latency: 2ms
            result_tokens: 12
            use: read
            parameters: {type: object, properties: {key: {type: string}}, required: [key]}
          researcher:
            description: Delegates a research question to a sub-agent.
            parameters: {type: object, properties: {task: {type: string}}, required: [task]}
            agent:
              system_prompt: You look things up and report briefly.
              model: small
              tools: [lookup]
              simulate: [{call: lookup, arguments: {key: answer}}, {answer: "The notes say 42."}]
        """

    static func workload(_ tasks: String, attempts: Int = 2, concurrency: [Int] = [1, 2]) throws -> RunSpec {
        try RunSpecLoader.load(
            yaml: """
                name: driven
                seed: 3
                load: {concurrency: \(concurrency), attempts: \(attempts), warmup_attempts: 0, attempt_timeout: 30s}
                \(tools)
                tasks:
                \(tasks)
                """, source: "driven.yaml")
    }

    static func run(_ spec: RunSpec) async throws -> TraceLog {
        let directory = try TemporaryDirectory("agentperf-driven")
        defer { directory.remove() }
        let artifacts = try await BenchmarkRun(
            spec: spec, outputDirectory: directory.url, logger: Logger(label: "driven") { _ in SwiftLogNoOpLogHandler() }
        ).run()
        let log = try TraceLog.load(from: artifacts.traces)
        #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")
        return log
    }

    @Test("a tool call, a sub-agent and an answer: steps in order, parent links, real tool output, graders on separate axes")
    func fullLoop() async throws {
        let log = try await Self.run(
            Self.workload(
                """
                  - name: multiply-and-check
                    prompt: What is 6 times 7? Check it with the researcher.
                    model: large
                    tools: [multiply, researcher]
                    graders:
                      - {numeric: 42}
                      - {contains: "notes", axis: cites}
                      - {judge: small, rubric: The answer must be 42., axis: judged, decides: false}
                    simulate:
                      - {call: multiply, arguments: {a: 6, b: 7}, output_tokens: 5}
                      - {call: researcher, arguments: {task: "What do the notes say?"}}
                      - {answer: "6 × 7 = 42, as the notes say."}
                """))
        #expect(log.attempts.count == 4)
        for attempt in log.attempts {
            let record = attempt.record
            #expect(record.outcome == .passed && record.stopReason == StopReason.finalAnswer)
            #expect(record.graderAxes == ["numeric": 1, "cites": 1, "judged": 1])
            #expect(record.score == 1)
            let steps = attempt.steps
            #expect(
                steps.map(\.stepID) == ["s0", "s1", "s2", "s3.a1.s0", "s3.a1.s1", "s3.a1.s2", "s3", "s4", "judge.s0"])
            let byID = Dictionary(uniqueKeysWithValues: steps.map { ($0.stepID, $0) })
            #expect(byID["s1"]?.operation == .executeTool && byID["s1"]?.toolName == "multiply")
            #expect(byID["s1"]?.errorType == nil && byID["s1"]?.observationHash == ContentHash.of("42\n"))
            #expect(byID["s3"]?.operation == .invokeAgent && byID["s3"]?.useClass == .delegate)
            for sub in steps where sub.stepID.hasPrefix("s3.a1.") {
                #expect(sub.parentStepID == "s3" && sub.agentName == "researcher")
                #expect(sub.operation != .chat || sub.tier == "small")
            }
            #expect(byID["s3.a1.s1"]?.useClass == .read)
            #expect(byID["judge.s0"]?.useClass == .verify && byID["judge.s0"]?.agentID == "judge")
            // The judge runs after the attempt's end: grading is not task latency.
            #expect((byID["judge.s0"]?.timing.sent ?? 0) >= (record.end ?? .max))
            for step in steps where step.operation == .chat {
                #expect(step.usage != nil && step.errorType == nil, "\(step.stepID)")
            }
            // The model's reply after the multiply call saw its output: prompts grow.
            #expect((byID["s2"]?.usage?.totalInput ?? 0) > (byID["s0"]?.usage?.totalInput ?? 0))
        }
    }

    @Test("limits stop the agent and are recorded: steps, tokens, wall clock")
    func limits() async throws {
        let looping = (0..<30).map { _ in "{call: lookup, arguments: {key: again}}" }.joined(separator: ", ")
        let log = try await Self.run(
            Self.workload(
                """
                  - name: step-limited
                    prompt: Keep looking.
                    model: small
                    tools: [lookup]
                    limits: {steps: 3}
                    graders: [{contains: done}]
                    simulate: [\(looping)]
                  - name: token-limited
                    prompt: Keep looking.
                    model: small
                    tools: [lookup]
                    limits: {tokens: 400}
                    graders: [{contains: done}]
                    simulate: [\(looping)]
                  - name: time-limited
                    prompt: Keep looking.
                    model: small
                    tools: [lookup]
                    limits: {time: 1ms}
                    graders: [{contains: done}]
                    simulate: [\(looping)]
                """, attempts: 15, concurrency: [1]))
        let byTask = Dictionary(grouping: log.attempts, by: \.record.task)
        #expect(byTask.count == 3)
        for attempt in byTask["step-limited"] ?? [] {
            #expect(attempt.record.stopReason == StopReason.stepLimit && attempt.record.outcome == .failed)
            #expect(attempt.steps.filter { $0.operation == .chat }.count == 3)
        }
        for attempt in byTask["token-limited"] ?? [] {
            #expect(attempt.record.stopReason == StopReason.tokenBudget && attempt.record.outcome == .failed)
            let tokens = attempt.steps.compactMap(\.usage).reduce(0) { $0 + $1.total }
            #expect(tokens >= 400)
        }
        for attempt in byTask["time-limited"] ?? [] {
            #expect(attempt.record.stopReason == StopReason.timeLimit && attempt.record.outcome == .failed)
        }
    }

    @Test("bad tool calls are answered and recorded, and the agent carries on")
    func badToolCalls() async throws {
        let log = try await Self.run(
            Self.workload(
                """
                  - name: sloppy
                    prompt: Multiply 3 by 4.
                    model: small
                    tools: [multiply]
                    graders: [{exact: "12"}]
                    simulate:
                      - {call: multiply, arguments: {a: 3}}
                      - {call: multiply, arguments: {a: three, b: 4}}
                      - {call: divide, arguments: {a: 3, b: 4}}
                      - {call: multiply, arguments: {a: 3, b: 4}}
                      - {answer: "12"}
                """, attempts: 1, concurrency: [1]))
        let attempt = try #require(log.attempts.first)
        let toolSteps = attempt.steps.filter { $0.operation == .executeTool }
        #expect(
            toolSteps.map(\.errorType) == [
                StepErrorType.invalidToolArguments, StepErrorType.invalidToolArguments, StepErrorType.unknownTool, nil,
            ])
        #expect(attempt.record.outcome == .passed && attempt.record.stopReason == StopReason.finalAnswer)
    }

    @Test("a grader that fails fails the attempt; the command grader runs in the attempt's directory")
    func failingGraders() async throws {
        let log = try await Self.run(
            Self.workload(
                """
                  - name: wrong
                    prompt: What is 6 times 7?
                    model: small
                    graders:
                      - {numeric: 42}
                      - {command: [test, -d, .], axis: workspace}
                      - {regex: "^\\\\d+$", axis: bare-number, decides: false}
                    simulate: [{answer: "41"}]
                """, attempts: 2, concurrency: [1]))
        for attempt in log.attempts {
            #expect(attempt.record.outcome == .failed && attempt.record.stopReason == StopReason.finalAnswer)
            #expect(attempt.record.graderAxes == ["numeric": 0, "workspace": 1, "bare-number": 1])
            #expect(attempt.record.score == 0.5)
        }
    }
}

/// MCP and retrieval tools in whole runs on the built-in fleet.
@Suite(.serialized, .busy) struct RunToolServicesTests {
    @Test("an MCP tool and a retrieval tool: real results reach the model; the query embedding is a step of its own")
    func mcpAndRetrieval() async throws {
        let corpus = try TemporaryDirectory("agentperf-corpus")
        defer { corpus.remove() }
        try corpus.write("returns.md", "Unopened items may be returned within 30 days of delivery.")
        try corpus.write("shipping.md", "Orders above 75 euros ship free of charge within the Netherlands.")
        let server = Fixtures.packageRoot.appendingPathComponent("examples/tools/mcp_calculator.py").path
        let spec = try RunSpecLoader.load(
            yaml: """
                name: services
                seed: 2
                load: {concurrency: [2], attempts: 4, warmup_attempts: 0, attempt_timeout: 30s}
                mcp_servers:
                  calc: {command: [python3, "\(server)"]}
                tools:
                  calculate: {mcp: calc}
                  search: {retrieval: {corpus: "\(corpus.url.path)", top_k: 1, chunk_words: 20}}
                tasks:
                  - name: both
                    prompt: How many days for returns, times 2?
                    model: small
                    tools: [calculate, search]
                    graders: [{numeric: 60}]
                    simulate:
                      - {call: search, arguments: {query: "return unopened items days"}}
                      - {call: calculate, arguments: {expression: "30 * 2"}}
                      - {answer: "60"}
                """, source: "services.yaml")
        let log = try await DrivenAgentTests.run(spec)
        #expect(log.attempts.count == 4)
        for attempt in log.attempts {
            #expect(attempt.record.outcome == .passed, "\(attempt.steps.map { ($0.stepID, $0.errorType) })")
            let steps = attempt.steps
            #expect(steps.map(\.operation) == [.chat, .embeddings, .executeTool, .chat, .executeTool, .chat])
            let embedding = steps[1]
            #expect(embedding.model == "sim-embed" && embedding.useClass == .read && (embedding.usage?.totalInput ?? 0) > 0)
            // The best chunk for the query is the returns policy, and the calculator's real answer.
            #expect(steps[2].toolName == "search" && steps[2].errorType == nil)
            #expect(steps[2].observationHash != nil)
            #expect(steps[4].toolName == "calculate" && steps[4].errorType == nil)
            #expect(steps[4].observationHash == ContentHash.of("60"))
            // What the tools returned went back to the model: prompts grow past each tool result.
            #expect((steps[3].usage?.totalInput ?? 0) > (steps[0].usage?.totalInput ?? 0) + 10)
        }
    }

    @Test("retrieval with a reranker: embed the query, rerank the candidates, each a step; the best chunk comes back")
    func retrievalWithRerank() async throws {
        let corpus = try TemporaryDirectory("agentperf-corpus")
        defer { corpus.remove() }
        try corpus.write("a.md", "Kettles boil water in four minutes.")
        try corpus.write("b.md", "Unopened items may be returned within 30 days.")
        try corpus.write("c.md", "Orders ship the same day before three.")
        let spec = try RunSpecLoader.load(
            yaml: """
                name: rerank
                load: {concurrency: [1], attempts: 2, warmup_attempts: 0}
                tools:
                  search: {retrieval: {corpus: "\(corpus.url.path)", top_k: 1, chunk_words: 20, rerank: embedding, candidates: 3}}
                tasks:
                  - name: ask
                    prompt: Returns?
                    model: small
                    tools: [search]
                    graders: [{contains: "30"}]
                    simulate: [{call: search, arguments: {query: "unopened items returned days"}}, {answer: "30 days"}]
                """, source: "rerank.yaml")
        let log = try await DrivenAgentTests.run(spec)
        for attempt in log.attempts {
            #expect(attempt.record.outcome == .passed)
            #expect(attempt.steps.map(\.operation) == [.chat, .embeddings, .rerank, .executeTool, .chat])
            #expect(attempt.steps.map(\.stepID) == ["s0", "s1", "s2", "s3", "s4"])
            let rerank = attempt.steps[2]
            #expect(rerank.model == "sim-embed" && rerank.errorType == nil && (rerank.usage?.totalInput ?? 0) > 0)
            let rendered = "[1] b.md:\nUnopened items may be returned within 30 days."
            #expect(attempt.steps[3].observationHash == ContentHash.of(rendered))
        }
    }

    @Test("an MCP server that does not start stops the run with an error naming it")
    func mcpStartFailure() async throws {
        let spec = try RunSpecLoader.load(
            yaml: """
                name: broken
                load: {concurrency: [1], attempts: 1}
                mcp_servers:
                  broken: {command: [sh, -c, "echo missing config >&2; exit 1"]}
                tools:
                  x: {mcp: broken}
                tasks:
                  - {name: t, prompt: hi, model: small, tools: [x], graders: [{contains: hi}]}
                """, source: "broken.yaml")
        let directory = try TemporaryDirectory("agentperf-broken")
        defer { directory.remove() }
        await #expect {
            _ = try await BenchmarkRun(
                spec: spec, outputDirectory: directory.url, logger: Logger(label: "x") { _ in SwiftLogNoOpLogHandler() }
            ).run()
        } throws: { error in
            "\(error)".contains("MCP server \"broken\"") && "\(error)".contains("missing config")
        }
    }
}
