import Backends
import Foundation
import Recorder
import SpecDecoding
public import Tools
public import Traces
public import Workload

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
public struct ScriptedAgentLoop: Sendable {
    private let workload: Workload
    private let routes: ModelRoutes
    private let tools: ToolRunner
    private let clock: RunClock
    /// System prompts by "task/agent", built once: they are identical in every attempt.
    private let systemPrompts: [String: String]
    private let usesCommands: Bool

    public init(workload: Workload, routes: ModelRoutes, tools: ToolRunner, clock: RunClock) {
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
    public func run(_ plan: AttemptPlan) async -> AttemptResult {
        let task = workload.tasks[plan.taskIndex]
        guard let scripted = task.scripted else { preconditionFailure("task \(task.name) is not scripted") }
        let log = StepLog()
        let deadline = clock.instant(at: plan.scheduled) + workload.load.attemptTimeout.duration
        let directory = usesCommands ? Self.makeWorkingDirectory(plan.attemptID) : nil
        defer { if let directory { try? FileManager.default.removeItem(at: directory) } }

        let context = AttemptContext(
            plan: plan, task: task.name, scripted: scripted, log: log, deadline: deadline, directory: directory)
        let outcome: AgentOutcome = await withTaskGroup(of: AgentOutcome?.self) { group in
            group.addTask { await self.runMainAgent(context) }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return Task.isCancelled ? nil : .timedOut
            }
            var first: AgentOutcome?
            while first == nil, let next = await group.next() { first = next }
            group.cancelAll()
            return first ?? .failed(StepErrorType.cancelled)
        }
        if Task.isCancelled { return .interrupted }

        let steps = await log.recorded
        let end = clock.now()
        var record = AttemptRecord(
            runID: plan.runID, attemptID: plan.attemptID, task: task.name, agentName: task.agentName,
            concurrency: plan.concurrency, isWarmup: plan.isWarmup, worker: plan.worker, sequence: plan.sequence,
            outcome: .error, scheduled: plan.scheduled, end: end, stepCount: steps.count)
        switch outcome {
        case .completed(let finalTier):
            var grader = SeededGenerator(seed: workload.seed, stream: "grade/\(plan.concurrency ?? 0)/\(plan.sequence)")
            let passed = grader.nextUnit() < (scripted.passProbability[finalTier] ?? 0)
            record.outcome = passed ? .passed : .failed
            record.score = passed ? 1 : 0
            record.graderAxes = ["success": passed ? 1 : 0]
            record.finalTier = finalTier
        case .failed(let errorType):
            record.outcome = .error
            record.errorType = errorType
        case .timedOut:
            record.outcome = .timeout
            record.errorType = StepErrorType.attemptTimeout
        }
        return .finished(record, steps)
    }

    // MARK: Agents

    private enum AgentOutcome: Sendable {
        case completed(finalTier: String)
        case failed(String)
        case timedOut
    }

    private struct AttemptContext: Sendable {
        let plan: AttemptPlan
        let task: String
        let scripted: ScriptedTask
        let log: StepLog
        let deadline: ContinuousClock.Instant
        let directory: URL?
    }

    /// Where an agent sits in the attempt.
    private struct AgentIdentity: Sendable {
        let id: String
        let name: String
        let parentStepID: String?
        let stepPrefix: String
    }

    /// An agent's conversation and its position in its script.
    private struct AgentState: Sendable {
        var messages: [ChatMessage]
        var generator: SeededGenerator
        var nextIndex = 0
        var lastTier: String?
        var lastReply = ""
    }

    private struct AgentStop: Error {
        let errorType: String
    }

    private func runMainAgent(_ context: AttemptContext) async -> AgentOutcome {
        var generator = SeededGenerator(
            seed: workload.seed, stream: "attempt/\(context.plan.concurrency ?? 0)/\(context.plan.sequence)")
        let identity = AgentIdentity(id: "main", name: context.scripted.agent.name, parentStepID: nil, stepPrefix: "")
        var state = openConversation(for: context.scripted.agent, task: context.task, generator: &generator)
        do {
            try await perform(context.scripted.agent.steps, as: identity, state: &state, context: context)
        } catch {
            return .failed(error.errorType)
        }
        guard let tier = state.lastTier else { return .failed(StepErrorType.transport) }
        return .completed(finalTier: tier)
    }

    private func openConversation(for agent: AgentSpec, task: String, generator: inout SeededGenerator) -> AgentState {
        let system = systemPrompts["\(task)/\(agent.name)"] ?? ""
        let taskTokens = agent.taskPromptTokens.sample(using: &generator)
        let taskText = SyntheticText.words(taskTokens, using: &generator)
        return AgentState(
            messages: [ChatMessage(role: .system, content: system), ChatMessage(role: .user, content: taskText)],
            generator: generator)
    }

    private func perform(
        _ steps: [StepSpec], as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        for step in steps {
            switch step {
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
        guard let route = routes[step.tier] else { throw AgentStop(errorType: "no_backend") }
        let output = step.outputTokens.sample(using: &state.generator)
        let tries = await RetryingCaller.chat(
            ChatCall(model: route.model, messages: state.messages, maxTokens: output, exactOutputLength: true), route: route,
            deadline: context.deadline)
        for (n, attempt) in tries.enumerated() {
            var timing = attempt.timing
            timing.scheduled = n == 0 ? scheduled : tries[n - 1].timing.end
            await record(
                .chat, use: step.use, model: route.model, tier: step.tier, tool: nil, attempt.usage, timing,
                error: attempt.errorType, status: attempt.httpStatus, message: attempt.errorMessage,
                output: attempt.succeeded ? ContentHash.of(attempt.content) : nil, provider: route.chat?.providerName,
                as: agent, state: &state, context: context)
        }
        guard let result = tries.last else { throw AgentStop(errorType: "no_backend") }
        if let error = result.errorType { throw AgentStop(errorType: error) }
        state.messages.append(ChatMessage(role: .assistant, content: result.content))
        state.lastTier = step.tier
        state.lastReply = result.content
    }

    private func callTool(
        _ step: ToolStep, as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        let scheduled = clock.now()
        var result = await tools.call(step.tool, workingDirectory: context.directory, generator: &state.generator)
        result.timing.scheduled = scheduled
        await record(
            .executeTool, use: step.use, model: nil, tier: nil, tool: step.tool, nil, result.timing,
            error: result.errorType, status: nil, as: agent, state: &state, context: context)
        if let error = result.errorType { throw AgentStop(errorType: error) }
        state.messages.append(ChatMessage(role: .user, content: "[\(step.tool) result] " + result.output))
    }

    private func callEmbeddings(
        _ step: EmbedStep, as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        let scheduled = clock.now()
        guard let route = routes[step.tier], let embeddings = route.embeddings else { throw AgentStop(errorType: "no_backend") }
        let text = SyntheticText.words(step.inputTokens.sample(using: &state.generator), using: &state.generator)
        let tries = await RetryingCaller.tries(route: route, deadline: context.deadline) {
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
        guard let route = routes[step.tier], let rerank = route.rerank else { throw AgentStop(errorType: "no_backend") }
        let query = SyntheticText.words(step.queryTokens.sample(using: &state.generator), using: &state.generator)
        let documents = (0..<step.documents.sample(using: &state.generator)).map { _ in
            SyntheticText.words(step.documentTokens.sample(using: &state.generator), using: &state.generator)
        }
        let tries = await RetryingCaller.tries(route: route, deadline: context.deadline) {
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
        for (n, result) in tries.enumerated() {
            var timing = result.timing
            timing.scheduled = n == 0 ? scheduled : tries[n - 1].timing.end
            await record(
                operation, use: use, model: model, tier: tier, tool: nil, result.usage, timing, error: result.errorType,
                status: result.httpStatus, message: result.errorMessage, provider: provider, as: agent, state: &state,
                context: context)
        }
        if let error = tries.last?.errorType { throw AgentStop(errorType: error) }
    }

    private func delegate(
        _ block: FanoutBlock, as agent: AgentIdentity, state: inout AgentState, context: AttemptContext
    ) async throws(AgentStop) {
        let scheduled = clock.now()
        let stepID = "\(agent.stepPrefix)s\(state.nextIndex)"
        let index = state.nextIndex
        state.nextIndex += 1
        // Seed each sub-agent from the parent's stream before any runs, so draws do not depend
        // on which finishes first.
        let seeds = (0..<block.agents).map { _ in state.generator.next() }
        let task = context.task
        let children = await withTaskGroup(of: (Int, Result<String, AgentStop>).self) { group in
            for (k, seed) in seeds.enumerated() {
                group.addTask {
                    let identity = AgentIdentity(
                        id: "\(stepID).a\(k + 1)", name: block.agent.name, parentStepID: stepID,
                        stepPrefix: "\(stepID).a\(k + 1).")
                    var generator = SeededGenerator(seed: seed)
                    var child = self.openConversation(for: block.agent, task: task, generator: &generator)
                    do throws(AgentStop) {
                        try await self.perform(block.agent.steps, as: identity, state: &child, context: context)
                        return (k, .success(child.lastReply))
                    } catch {
                        return (k, .failure(error))
                    }
                }
            }
            var results: [(Int, Result<String, AgentStop>)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }
        }
        let failure = children.lazy.compactMap { if case .failure(let stop) = $0.1 { stop } else { nil } }.first
        let end = clock.now()
        await context.log.append(
            StepRecord(
                runID: context.plan.runID, attemptID: context.plan.attemptID, stepID: stepID, parentStepID: agent.parentStepID,
                agentID: agent.id, agentName: agent.name, index: index, operation: .invokeAgent, useClass: .delegate,
                timing: StepTiming(scheduled: scheduled, sent: scheduled, end: end), errorType: failure?.errorType))
        if let failure { throw failure }
        for (k, result) in children {
            if case .success(let reply) = result {
                state.messages.append(ChatMessage(role: .user, content: "[\(block.agent.name) \(k + 1) reply] " + reply))
            }
        }
    }

    private func record(
        _ operation: OperationName, use: UseClass, model: String?, tier: String?, tool: String?, _ usage: TokenUsage?,
        _ timing: StepTiming, error: String?, status: Int?, message: String? = nil, output: String? = nil,
        provider: String? = nil,
        as agent: AgentIdentity, state: inout AgentState,
        context: AttemptContext
    ) async {
        let index = state.nextIndex
        state.nextIndex += 1
        await context.log.append(
            StepRecord(
                runID: context.plan.runID, attemptID: context.plan.attemptID, stepID: "\(agent.stepPrefix)s\(index)",
                parentStepID: agent.parentStepID, agentID: agent.id, agentName: agent.name, index: index,
                operation: operation, useClass: use, model: model, tier: tier,
                provider: provider, toolName: tool, usage: usage, timing: timing,
                errorType: error, httpStatus: status, outputHash: output, errorMessage: message))
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

    private static func makeWorkingDirectory(_ attemptID: String) -> URL? {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agentperf-\(attemptID)-\(UUID().uuidString.prefix(8))")
        return (try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)) != nil ? url : nil
    }
}
