import Backends
import Foundation
import Pricing
import Recorder
import Sampling
import SpecDecoding
package import Timekeeping
package import Tools
import Traces
package import Workload

/// Runs a task's scripted agent against real backends and tools, one attempt at a time.
///
/// Every model step is a real request carrying the whole conversation so far (system prompt,
/// task, earlier replies and tool results), so prompts grow and share prefixes as real agent
/// prompts do; the server's prefix cache decides what is cached. The system prompt of a task
/// is the same in every attempt (cacheable across attempts); the task prompt is unique per
/// attempt. Tool results come back as user messages, which any OpenAI-compatible server
/// accepts without a tool-call protocol. Sub-agents run concurrently with fresh conversations
/// and return their last reply to the parent.
///
/// The grader passes the attempt with the probability the task gives for the tier that
/// produced the final answer, drawn from the attempt's own seeded stream.
package struct ScriptedAgentLoop: Sendable {
    private let workload: Workload
    private let routes: ModelRoutes
    private let tools: ToolRunner
    private let clock: any RunClock
    /// System prompts by "task/agent", built once: they are identical in every attempt.
    private let systemPrompts: [String: String]
    private let usesCommands: Bool

    package init(workload: Workload, routes: ModelRoutes, tools: ToolRunner, clock: any RunClock) {
        self.workload = workload
        self.routes = routes
        self.tools = tools
        self.clock = clock
        var prompts: [String: String] = [:]
        for task in workload.tasks {
            guard let scripted = task.scripted else { continue }
            for agent in Self.agents(in: scripted.agent) {
                let key = "\(task.name)/\(agent.name)"
                guard prompts[key] == nil else { continue }
                var generator = SeededGenerator(seed: workload.seed, stream: "system/\(key)")
                let tokens = agent.systemPromptTokens.sample(using: &generator)
                prompts[key] = SyntheticText.words(tokens, using: &generator)
            }
        }
        systemPrompts = prompts
        usesCommands = workload.tools.values.contains { if case .command = $0.kind { true } else { false } }
    }

    /// Runs one attempt to its end (or its timeout).
    package func run(_ plan: AttemptPlan) async -> AttemptResult {
        let task = workload.tasks[plan.taskIndex]
        guard let scripted = task.scripted else { preconditionFailure("task \(task.name) is not scripted") }
        let lifecycle = AttemptLifecycle(workload: workload, clock: clock)
        return await lifecycle.run(plan, directory: usesCommands ? .fresh : .none) { scope in
            await self.runMainAgent(AttemptContext(scope: scope, task: task.name, scripted: scripted))
        } finish: { ending, _, record in
            guard case .returned(let outcome) = ending else { return }
            switch outcome {
            case .completed(let finalTier):
                var grader = SeededGenerator(seed: workload.seed, stream: "grade/\(plan.drawKey)")
                let verified = plan.variant?.verification ?? true
                let passed = grader.nextUnit() < (scripted.passProbability(verified: verified)[finalTier] ?? 0)
                record.outcome = passed ? .passed : .failed
                record.score = passed ? 1 : 0
                record.graderAxes = ["success": passed ? 1 : 0]
                record.gradeSimulated = true
                record.finalTier = finalTier
            case .failed(let errorType):
                record.outcome = .error
                record.errorType = errorType
            case .stopped(let reason):
                // A variant's budget ran out before the final answer: a failure, not an error.
                record.outcome = .failed
                record.score = 0
                record.graderAxes = ["success": 0]
                record.stopReason = reason
            }
        }
    }

    // MARK: Agents

    private enum AgentOutcome: Sendable {
        case completed(finalTier: String)
        case failed(StepErrorType)
        /// The variant's token or dollar budget ran out (`StopReason.tokenBudget`, `.dollarBudget`).
        case stopped(String)
    }

    private struct AttemptContext: Sendable {
        let scope: AttemptLifecycle.Scope
        let task: String
        let scripted: ScriptedTask
        /// What every agent of the attempt has spent, sub-agents running in parallel included.
        let spend = SpendMeter()
        var plan: AttemptPlan { scope.plan }
        var deadline: Int64 { scope.deadline }
    }

    /// An agent's conversation and its position in its script.
    private struct AgentState: Sendable {
        var messages: [ChatMessage]
        var generator: SeededGenerator
        var nextIndex = 0
        var lastTier: String?
        var lastReply = ""

        mutating func takeIndex() -> Int {
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    private struct AgentStop: Error {
        let errorType: StepErrorType
        /// Set when the stop is a variant's budget running out rather than an error.
        var budget: String?

        init(errorType: StepErrorType) { self.errorType = errorType }

        static func budget(_ reason: String) -> AgentStop {
            var stop = AgentStop(errorType: StepErrorType(rawValue: reason))
            stop.budget = reason
            return stop
        }
    }

    private func runMainAgent(_ context: AttemptContext) async -> AgentOutcome {
        var generator = SeededGenerator(
            seed: workload.seed, stream: "attempt/\(context.plan.drawKey)")
        let identity = AgentIdentity.main(context.scripted.agent.name)
        var state = openConversation(
            for: context.scripted.agent, task: context.task, plan: context.plan, generator: &generator)
        do {
            try await perform(context.scripted.agent.steps, as: identity, state: &state, context: context)
        } catch {
            return error.budget.map(AgentOutcome.stopped) ?? .failed(error.errorType)
        }
        guard let tier = state.lastTier else { return .failed(StepErrorType.transport) }
        return .completed(finalTier: tier)
    }

    private func openConversation(
        for agent: AgentSpec, task: String, plan: AttemptPlan, generator: inout SeededGenerator
    ) -> AgentState {
        var system = plan.tagged(systemPrompts["\(task)/\(agent.name)"] ?? "", seed: workload.seed)
        if workload.tasks[plan.taskIndex].scripted?.volatileSystemPrompt == true {
            system = "Current time: \(plan.scheduled) ns.\n" + system
        }
        let taskTokens = agent.taskPromptTokens.sample(using: &generator)
        let taskText = SyntheticText.words(taskTokens, using: &generator)
        return AgentState(
            messages: [ChatMessage(role: .system, content: system), ChatMessage(role: .user, content: taskText)],
            generator: generator)
    }

    private func perform(
        _ steps: [StepSpec], as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        let variant = context.plan.variant
        for step in steps {
            if variant?.verification == false, step.use == .verify { continue }
            switch step {
            case .fanout(let block) where variant?.subagents == false:
                // The single-agent baseline: the parent does each sub-agent's work itself, in turn.
                // Its final answer is still its own last model step, as the loader checked.
                let finalTier = state.lastTier
                for _ in 0..<block.agents { try await perform(block.agent.steps, as: agent, state: &state, context: context) }
                state.lastTier = finalTier
            case .model(let model):
                try await callModel(model, as: agent, state: &state, context: context)
            case .tool(let tool):
                try await callTool(tool, as: agent, state: &state, context: context)
            case .embed(let embed):
                try await callEmbeddings(embed, as: agent, state: &state, context: context)
            case .rerank(let rerank):
                try await callRerank(rerank, as: agent, state: &state, context: context)
            case .repeatBlock(let block):
                for _ in 0..<block.times.sample(using: &state.generator) {
                    try await perform(block.steps, as: agent, state: &state, context: context)
                }
            case .fanout(let block):
                try await delegate(block, as: agent, state: &state, context: context)
            }
        }
    }

    private func callModel(
        _ step: ModelStep, as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        let scheduled = clock.now()
        if let variant = context.plan.variant {
            // Checked before each call, as a model-driven agent's limits are: the call that crosses the budget completes.
            let spent = await context.spend.total
            if let budget = variant.tokenBudget, spent.tokens >= budget { throw AgentStop.budget(StopReason.tokenBudget) }
            if let budget = variant.dollarBudget, spent.dollars >= budget { throw AgentStop.budget(StopReason.dollarBudget) }
        }
        let tier = context.plan.variant?.tier(for: step.tier, use: step.use) ?? step.tier
        guard let route = routes[tier] else { throw AgentStop(errorType: StepErrorType.noBackend) }
        let output = step.outputTokens.sample(using: &state.generator)
        var call = ChatCall(model: route.model, messages: state.messages, maxTokens: output, exactOutputLength: true)
        PromptCaching.apply(
            context.plan.variant, to: &call, route: route, seed: workload.seed,
            salt: "\(context.plan.drawKey)/\(agent.id)/\(state.nextIndex)")
        let tries = await RetryingCaller.chat(call, route: route, deadline: context.deadline, clock: clock)
        let fingerprints = ContentHash.chain(call.messages.map { ($0.role.rawValue, $0.content) })
        await context.scope.steps.appendTries(
            tries, scheduled: scheduled, of: agent, .chat, use: step.use, model: route.model, tier: tier,
            provider: route.chat?.providerName, nextIndex: { state.takeIndex() }
        ) { n, record in
            record.outputHash = tries[n].succeeded ? ContentHash.of(tries[n].content) : nil
            record.promptFingerprints = fingerprints
        }
        for usage in tries.compactMap(\.usage) {
            await context.spend.add(tokens: usage.total, dollars: workload.prices.price(usage, model: route.model).cost.total)
        }
        guard let result = tries.last else { throw AgentStop(errorType: StepErrorType.noBackend) }
        if let error = result.errorType { throw AgentStop(errorType: error) }
        state.messages.append(ChatMessage(role: .assistant, content: result.content))
        state.lastTier = tier
        state.lastReply = result.content
    }

    private func callTool(
        _ step: ToolStep, as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        let scheduled = clock.now()
        var result = await tools.call(step.tool, workingDirectory: context.scope.directory, generator: &state.generator)
        result.timing.scheduled = scheduled
        await context.scope.steps.append(state.takeIndex(), of: agent, .executeTool, use: step.use, timing: result.timing) {
            $0.toolName = step.tool
            $0.errorType = result.errorType
        }
        if let error = result.errorType { throw AgentStop(errorType: error) }
        state.messages.append(ChatMessage(role: .user, content: "[\(step.tool) result] " + result.output))
    }

    private func callEmbeddings(
        _ step: EmbedStep, as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        let scheduled = clock.now()
        guard let route = routes[step.tier], let embeddings = route.embeddings else {
            throw AgentStop(errorType: StepErrorType.noBackend)
        }
        let text = SyntheticText.words(step.inputTokens.sample(using: &state.generator), using: &state.generator)
        let tries = await RetryingCaller.tries(route: route, deadline: context.deadline, clock: clock) {
            await embeddings.embed(EmbeddingCall(model: route.model, inputs: [text]), deadline: context.deadline)
        }
        try await recordEncoderCall(
            .embeddings, tries, scheduled: scheduled, use: step.use, model: route.model, tier: step.tier,
            provider: embeddings.providerName, as: agent, state: &state, context: context)
    }

    private func callRerank(
        _ step: RerankStep, as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        let scheduled = clock.now()
        guard let route = routes[step.tier], let rerank = route.rerank else {
            throw AgentStop(errorType: StepErrorType.noBackend)
        }
        let query = SyntheticText.words(step.queryTokens.sample(using: &state.generator), using: &state.generator)
        let documents = (0..<step.documents.sample(using: &state.generator)).map { _ in
            SyntheticText.words(step.documentTokens.sample(using: &state.generator), using: &state.generator)
        }
        let tries = await RetryingCaller.tries(route: route, deadline: context.deadline, clock: clock) {
            await rerank.rerank(RerankCall(model: route.model, query: query, documents: documents), deadline: context.deadline)
        }
        try await recordEncoderCall(
            .rerank, tries, scheduled: scheduled, use: step.use, model: route.model, tier: step.tier,
            provider: rerank.providerName, as: agent, state: &state, context: context)
    }

    /// Records the tries of an embeddings or rerank call, each retry scheduled when the try
    /// before it ended (nothing is appended to the conversation); a failed outcome stops the agent.
    private func recordEncoderCall(
        _ operation: OperationName, _ tries: [ModelCallResult], scheduled: Int64, use: UseClass, model: String,
        tier: String, provider: String, as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        await context.scope.steps.appendTries(
            tries, scheduled: scheduled, of: agent, operation, use: use, model: model, tier: tier, provider: provider,
            nextIndex: { state.takeIndex() })
        if let error = tries.last?.errorType { throw AgentStop(errorType: error) }
    }

    private func delegate(
        _ block: FanoutBlock, as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        let scheduled = clock.now()
        let index = state.takeIndex()
        let stepID = agent.stepID(index)
        // Seed each sub-agent from the parent's stream before any runs, so draws do not depend
        // on which finishes first.
        let seeds = (0..<block.agents).map { _ in state.generator.next() }
        let task = context.task
        let children = await withTaskGroup(of: (Int, Result<AgentState, AgentStop>).self) { group in
            for (k, seed) in seeds.enumerated() {
                group.addTask {
                    let identity = agent.child(k + 1, of: stepID, name: block.agent.name)
                    var generator = SeededGenerator(seed: seed)
                    var child = self.openConversation(
                        for: block.agent, task: task, plan: context.plan, generator: &generator)
                    do throws(AgentStop) {
                        try await self.perform(block.agent.steps, as: identity, state: &child, context: context)
                        return (k, .success(child))
                    } catch {
                        return (k, .failure(error))
                    }
                }
            }
            var results: [(Int, Result<AgentState, AgentStop>)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }
        }
        let failure = children.lazy.compactMap { if case .failure(let stop) = $0.1 { stop } else { nil } }.first
        let end = clock.now()
        await context.scope.steps.append(
            index, of: agent, .invokeAgent, use: .delegate, timing: StepTiming(scheduled: scheduled, sent: scheduled, end: end)
        ) { $0.errorType = failure?.budget == nil ? failure?.errorType : nil }
        if let failure { throw failure }
        for (k, result) in children {
            if case .success(let child) = result {
                state.messages.append(
                    ChatMessage(role: .user, content: "[\(block.agent.name) \(k + 1) reply] " + child.lastReply))
            }
        }
    }

    // MARK: Helpers

    private static func agents(in agent: AgentSpec) -> [AgentSpec] {
        [agent] + agent.steps.flatMap { nestedAgents(in: $0) }
    }

    private static func nestedAgents(in step: StepSpec) -> [AgentSpec] {
        switch step {
        case .fanout(let block): agents(in: block.agent)
        case .repeatBlock(let block): block.steps.flatMap { nestedAgents(in: $0) }
        default: []
        }
    }
}

/// Tokens (all buckets) and dollars an attempt's model calls have spent, shared by its agents.
private actor SpendMeter {
    private(set) var total: (tokens: Int, dollars: Double) = (0, 0)

    func add(tokens: Int, dollars: Double) {
        total.tokens += tokens
        total.dollars += dollars
    }
}
