import Backends
import Foundation
import Graders
import Pricing
import Recorder
import Sampling
import SpecDecoding
package import Timekeeping
package import Tools
import Traces
import WireFormats
package import Workload

/// Runs a model-driven task: the model sees the task's tools and decides what to call; the loop
/// runs the calls, feeds their results back, and stops on a final answer (a reply without tool
/// calls), the step limit, the token or dollar budget, the wall-clock limit, or a model call that
/// failed after its retries. The stop reason is recorded on the attempt.
///
/// Tool calls of one reply run concurrently; their results go back in the order the model made
/// them. A tool of kind `agent` starts a sub-agent (its own conversation, model and tools) whose
/// final answer is the tool result; its steps link to the delegation. Arguments that are not a
/// JSON object or miss a required parameter, and calls to tools the task does not offer, are
/// answered with an error message the model can act on, and recorded as failed steps.
///
/// When the attempt has a final answer its graders run: checks on the answer, commands in the
/// attempt's working directory, and LLM judges whose calls are verify-class steps of the
/// attempt (after its end: grading is not part of task latency).
package struct DrivenAgentLoop: Sendable {
    let workload: Workload
    let routes: ModelRoutes
    private let tools: ToolRunner
    let clock: any RunClock
    /// Where `process:` tasks' agents send their calls.
    let gateways: (any ProcessAgentGateways)?

    package init(
        workload: Workload, routes: ModelRoutes, tools: ToolRunner, clock: any RunClock,
        gateways: (any ProcessAgentGateways)? = nil
    ) {
        self.gateways = gateways
        self.workload = workload
        self.routes = routes
        self.tools = tools
        self.clock = clock
    }

    // MARK: Attempt

    package func run(_ plan: AttemptPlan) async -> AttemptResult {
        let task = workload.tasks[plan.taskIndex]
        guard let driven = task.driven else { preconditionFailure("task \(task.name) is not model-driven") }
        if let process = driven.process { return await runProcess(plan, task: task, driven: driven, process: process) }
        // A variant moves the agent's calls (use class act: a driven agent's calls are not classed further).
        let tier = plan.variant?.tier(for: driven.tier, use: .act) ?? driven.tier
        let main = Agent(
            identity: .main(task.agentName), tier: tier, systemPrompt: plan.tagged(driven.systemPrompt, seed: workload.seed),
            prompt: driven.prompt,
            tools: driven.tools, limits: driven.limits.capped(by: plan.variant), simulate: driven.simulate)
        let lifecycle = AttemptLifecycle(workload: workload, clock: clock)
        return await lifecycle.run(plan, directory: .copy(of: driven.workspace)) { scope in
            var generator = SeededGenerator(seed: workload.seed, stream: "attempt/\(plan.drawKey)")
            return await self.run(main, context: scope, generator: &generator)
        } finish: { ending, scope, record in
            record.finalTier = tier
            switch ending {
            case .timedOut:
                record.stopReason = StopReason.attemptTimeout
            case .returned(.answered(let answer, _)):
                record.stopReason = StopReason.finalAnswer
                applyGrades(await grade(answer, task: driven, context: scope), to: &record)
                // On the built-in fleet a `simulate:` script wrote the answer: the grade is simulated.
                record.gradeSimulated = routes[tier]?.isSimulatedFleet == true && !driven.simulate.isEmpty
            case .returned(.stopped(let reason, _)):
                record.stopReason = reason
                record.outcome = .failed
            case .returned(.failed(let errorType, _)):
                record.stopReason = StopReason.modelError
                record.outcome = .error
                record.errorType = errorType
            }
        }
    }

    // MARK: Agents

    struct Agent: Sendable {
        let identity: AgentIdentity
        let tier: String
        let systemPrompt: String
        let prompt: String
        let tools: [String]
        let limits: AgentLimits
        let simulate: [SimulatedTurn]
    }

    typealias Context = AttemptLifecycle.Scope

    /// How an agent stopped, with what it spent (so a parent can charge its sub-agents).
    enum AgentEnd: Sendable {
        case answered(String, Spend)
        case stopped(String, Spend)
        case failed(StepErrorType, Spend)

        var spend: Spend {
            switch self {
            case .answered(_, let s), .stopped(_, let s), .failed(_, let s): s
            }
        }
    }

    struct Spend: Sendable {
        var modelCalls = 0
        var tokens = 0
        var dollars = 0.0

        static func += (a: inout Spend, b: Spend) {
            a.tokens += b.tokens
            a.dollars += b.dollars
        }
    }

    private func run(_ agent: Agent, context: Context, generator: inout SeededGenerator) async -> AgentEnd {
        guard let route = routes[agent.tier] else { return .failed(StepErrorType.noBackend, Spend()) }
        let started = clock.now()
        let simulation =
            route.isSimulatedFleet && !agent.simulate.isEmpty
            ? SimulationScript(turns: agent.simulate.map(\.scriptTurn)) : nil
        var messages = [
            ChatMessage(role: .system, content: agent.systemPrompt), ChatMessage(role: .user, content: agent.prompt),
        ]
        let definitions = agent.tools.compactMap { name in
            tools.definition(of: name).map { ToolDefinition(name: name, description: $0.description, parameters: $0.parameters) }
        }
        // An agent's steps are numbered in the order they begin; parallel tool calls get their
        // numbers before they start.
        var nextIndex = 0
        func takeIndex() -> Int {
            defer { nextIndex += 1 }
            return nextIndex
        }
        var spend = Spend()
        while true {
            if spend.modelCalls >= agent.limits.steps { return .stopped(StopReason.stepLimit, spend) }
            if let budget = agent.limits.tokens, spend.tokens >= budget { return .stopped(StopReason.tokenBudget, spend) }
            if let budget = agent.limits.dollars, spend.dollars >= budget { return .stopped(StopReason.dollarBudget, spend) }
            if let limit = agent.limits.time, clock.now() >= started.adding(nanoseconds: limit.duration.nanoseconds) {
                return .stopped(StopReason.timeLimit, spend)
            }
            let scheduled = clock.now()
            var call = ChatCall(
                model: route.model, messages: messages, tools: definitions, maxTokens: agent.limits.replyTokens,
                simulation: simulation)
            PromptCaching.apply(
                context.plan.variant, to: &call, route: route, seed: workload.seed,
                salt: "\(context.plan.drawKey)/\(agent.identity.id)/\(spend.modelCalls)")
            var tries = await RetryingCaller.chat(call, route: route, deadline: context.deadline, clock: clock)
            var fromText = false
            if route.recoversTextToolCalls, let last = tries.last, last.succeeded, last.toolCalls.isEmpty,
                let recovered = TextToolCalls.parse(last.content, offered: Set(agent.tools))
            {
                tries[tries.count - 1].toolCalls = recovered
                fromText = true
            }
            // What the model sees of each message: its text, its tool calls (ids, names, arguments)
            // and, on a tool result, the call it answers.
            let fingerprints = ContentHash.chain(
                call.messages.map { message in
                    let calls = message.toolCalls.map { "\($0.id)\u{1}\($0.name)\u{1}\($0.arguments)" }.joined(separator: "\u{2}")
                    return (message.role.rawValue, message.content + "\u{3}" + calls + "\u{3}" + (message.toolCallID ?? ""))
                })
            await context.steps.appendTries(
                tries, scheduled: scheduled, of: agent.identity, .chat, use: .act, model: route.model, tier: agent.tier,
                provider: route.chat?.providerName, nextIndex: takeIndex
            ) { n, step in
                let attempt = tries[n]
                let use = attempt.toolCalls.first.flatMap { workload.tools[$0.name]?.useClass }
                step.useClass = use.map { $0 == .delegate ? .plan : $0 } ?? .act
                step.outputHash = attempt.succeeded ? Self.outputHash(attempt) : nil
                step.toolCallsFromText = fromText && n == tries.count - 1 ? true : nil
                step.promptFingerprints = fingerprints
            }
            for attempt in tries {
                spend.modelCalls += 1
                if let usage = attempt.usage {
                    spend.tokens += usage.total
                    spend.dollars += workload.prices.price(usage, model: route.model).cost.total
                }
            }
            guard let reply = tries.last else { return .failed(StepErrorType.noBackend, spend) }
            if let error = reply.errorType { return .failed(error, spend) }
            messages.append(ChatMessage(role: .assistant, content: reply.content, toolCalls: reply.toolCalls))
            if reply.toolCalls.isEmpty { return .answered(reply.content, spend) }

            // Indices and random streams before anything starts, so they do not depend on timing.
            // The model calls a retrieval tool makes (its query's embedding, then a rerank) are
            // steps of their own, numbered before the tool's.
            let calls = reply.toolCalls.map { call in
                let inner = (0..<Self.modelCallsMade(by: workload.tools[call.name])).map { _ in takeIndex() }
                return (call, takeIndex(), inner, generator.next())
            }
            let outcomes = await withTaskGroup(of: (Int, ToolOutcome).self) { group in
                for (position, (call, index, innerIndices, seed)) in calls.enumerated() {
                    group.addTask {
                        let outcome = await self.runTool(
                            call, index: index, innerIndices: innerIndices, seed: seed, agent: agent, context: context)
                        return (position, outcome)
                    }
                }
                var outcomes: [(Int, ToolOutcome)] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
            }
            for (outcome, (call, _, _, _)) in zip(outcomes, calls) {
                messages.append(.toolResult(outcome.text, for: call, isError: outcome.isError))
                spend += outcome.spend
            }
        }
    }

    struct ToolOutcome: Sendable {
        var text: String
        var isError: Bool
        var spend = Spend()
    }

    /// Runs one tool call and records its step (and, for a sub-agent, the sub-agent's steps).
    private func runTool(
        _ call: ToolCall, index: Int, innerIndices: [Int], seed: UInt64, agent: Agent, context: Context
    ) async -> ToolOutcome {
        let stepID = agent.identity.stepID(index)
        let scheduled = clock.now()
        func record(
            _ operation: OperationName, use: UseClass, error: StepErrorType?, end: Int64, observation: String? = nil
        ) async {
            await context.steps.append(
                index, of: agent.identity, operation, use: use,
                timing: StepTiming(scheduled: scheduled, sent: scheduled, end: end)
            ) { step in
                step.toolName = call.name
                step.errorType = error
                step.observationHash = observation
            }
        }
        guard agent.tools.contains(call.name), let spec = workload.tools[call.name] else {
            await record(.executeTool, use: .act, error: StepErrorType.unknownTool, end: clock.now())
            return ToolOutcome(
                text: "Error: there is no tool named \"\(call.name)\". Available tools: \(agent.tools.joined(separator: ", ")).",
                isError: true)
        }
        let arguments: JSONValue
        switch ArgumentCheck.check(call.arguments, against: tools.definition(of: call.name)?.parameters) {
        case .success(let parsed): arguments = parsed
        case .failure(let problem):
            await record(.executeTool, use: spec.useClass, error: StepErrorType.invalidToolArguments, end: clock.now())
            return ToolOutcome(
                text: "Error: invalid arguments for \(call.name): \(problem.message). Fix them and call again.", isError: true)
        }
        if case .agent(let sub) = spec.kind {
            let prompt = arguments["task"]?.stringValue ?? arguments["prompt"]?.stringValue ?? arguments.jsonText
            let child = Agent(
                identity: agent.identity.child(1, of: stepID, name: call.name),
                tier: context.plan.variant?.tier(for: sub.tier, use: .act) ?? sub.tier,
                systemPrompt: context.plan.tagged(sub.systemPrompt, seed: workload.seed),
                prompt: prompt, tools: sub.tools, limits: sub.limits,
                simulate: sub.simulate)
            var generator = SeededGenerator(seed: seed)
            let end = await run(child, context: context, generator: &generator)
            let text: String
            let failed: StepErrorType?
            switch end {
            case .answered(let answer, _): (text, failed) = (answer, nil)
            case .stopped(let reason, _): (text, failed) = ("The sub-agent stopped before answering (\(reason)).", nil)
            case .failed(let error, _): (text, failed) = ("The sub-agent failed: \(error).", error)
            }
            await record(.invokeAgent, use: .delegate, error: failed, end: clock.now(), observation: ContentHash.of(text))
            return ToolOutcome(text: text, isError: failed != nil, spend: end.spend)
        }
        var generator = SeededGenerator(seed: seed)
        let result = await tools.call(
            call.name, arguments: arguments, workingDirectory: context.directory, deadline: context.deadline,
            generator: &generator)
        for (inner, innerIndex) in zip(result.modelCalls, innerIndices) {
            // One try each: retrieval's own calls are not retried.
            await context.steps.appendTries(
                [inner.result], scheduled: inner.result.timing.sent ?? scheduled, of: agent.identity, inner.operation,
                use: .read, model: inner.model, tier: nil, provider: inner.provider, nextIndex: { innerIndex })
        }
        var text = result.output
        if case .command = spec.kind, let status = result.exitStatus, status != 0 { text += "\n(exit status \(status))" }
        if let error = result.errorType { text = "Error (\(error)): " + text }
        await record(
            .executeTool, use: spec.useClass, error: result.errorType, end: result.timing.end ?? clock.now(),
            observation: result.errorType == nil ? ContentHash.of(result.output) : nil)
        return ToolOutcome(text: text, isError: result.errorType != nil)
    }

    // MARK: Grading

    /// The outcome, score and grader axes of `grades` (every deciding grader must pass).
    func applyGrades(_ grades: [GradeResult], to record: inout AttemptRecord) {
        let deciding = grades.filter(\.decides)
        record.outcome = deciding.allSatisfy(\.passed) ? .passed : .failed
        record.score = deciding.isEmpty ? nil : deciding.map(\.score).reduce(0, +) / Double(deciding.count)
        record.graderAxes = Dictionary(grades.map { ($0.axis, $0.score) }) { first, _ in first }
    }

    func grade(_ answer: String, task: DrivenTask, context: Context) async -> [GradeResult] {
        var results: [GradeResult] = []
        var judgeIndex = 0
        for spec in task.graders {
            if let result = await Grader.grade(spec, answer: answer, workingDirectory: context.directory) {
                results.append(result)
                continue
            }
            guard case .judge(let tier, let rubric) = spec.check, let route = routes[tier] else { continue }
            let call = ChatCall(
                model: route.model,
                messages: [
                    ChatMessage(role: .system, content: JudgePrompt.system),
                    ChatMessage(role: .user, content: JudgePrompt.user(task: task.prompt, answer: answer, rubric: rubric)),
                ],
                simulation: route.isSimulatedFleet ? SimulationScript(turns: [.init(.answer("VERDICT: PASS"))]) : nil)
            let scheduled = clock.now()
            let tries = await RetryingCaller.chat(
                call, route: route, deadline: clock.deadline(after: JudgePrompt.timeLimit), clock: clock)
            await context.steps.appendTries(
                tries, scheduled: scheduled, of: .judge, .chat, use: .verify, model: route.model, tier: tier,
                provider: route.chat?.providerName,
                nextIndex: {
                    defer { judgeIndex += 1 }
                    return judgeIndex
                })
            let verdict = tries.last.flatMap { $0.succeeded ? JudgePrompt.verdict($0.content) : nil }
            results.append(
                GradeResult(
                    axis: spec.axis, passed: verdict == true, decides: spec.decides,
                    detail: verdict == nil ? "the judge gave no verdict" : "judge: \(verdict! ? "pass" : "fail")"))
        }
        return results
    }

    // MARK: Helpers

    /// Model calls one call of `tool` makes: a retrieval tool embeds its query, and reranks if
    /// it has a reranker.
    static func modelCallsMade(by tool: ToolSpec?) -> Int {
        guard case .retrieval(let retrieval)? = tool?.kind else { return 0 }
        return retrieval.rerankTier == nil ? 1 : 2
    }

    /// The hash of what a reply generated: its text and its tool calls (names and arguments).
    static func outputHash(_ result: ModelCallResult) -> String {
        var hash = ContentHash()
        hash.update(result.content)
        for call in result.toolCalls {
            hash.update(call.name)
            hash.update(JSONValue(parsing: call.arguments)?.jsonText ?? call.arguments)
        }
        return hash.hex
    }
}

/// Checks a tool call's arguments before the tool runs: a JSON object (an empty string counts as
/// `{}`), with every `required` parameter present and each present parameter of its declared
/// JSON type. Deeper schema rules are the tool's business.
enum ArgumentCheck {
    struct Problem: Error {
        var message: String
    }

    static func check(_ text: String, against schema: JSONValue?) -> Result<JSONValue, Problem> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = trimmed.isEmpty ? [:] : JSONValue(parsing: trimmed) else {
            return .failure(Problem(message: "not valid JSON: \(trimmed.prefix(80))"))
        }
        guard case .object(let fields) = value else { return .failure(Problem(message: "expected a JSON object")) }
        guard let schema else { return .success(value) }
        if case .array(let required)? = schema["required"] {
            for case .string(let name) in required where fields[name] == nil {
                return .failure(Problem(message: "missing required parameter \"\(name)\""))
            }
        }
        if case .object(let properties)? = schema["properties"] {
            // In name order, so the same call gets the same message (it goes back into the prompt).
            for (name, field) in fields.sorted(by: { $0.key < $1.key }) {
                guard let type = properties[name]?["type"]?.stringValue else { continue }
                if !matches(field, type) { return .failure(Problem(message: "parameter \"\(name)\" should be of type \(type)")) }
            }
        }
        return .success(value)
    }

    static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("number", .number), ("array", .array), ("object", .object),
            ("null", .null):
            true
        case ("integer", .number(let n)): n.rounded() == n
        case ("string", _), ("boolean", _), ("number", _), ("integer", _), ("array", _), ("object", _), ("null", _): false
        default: true
        }
    }
}
