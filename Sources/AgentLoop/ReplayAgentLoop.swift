import Backends
import Sampling
import Timekeeping
import Traces
import Workload

/// Replays a recorded session (`agentperf replay`): each agent's model calls in order with the
/// recorded input and output token counts, the recorded waits between them (tools, thinking)
/// and its tool steps as waits, agents concurrently from their recorded start offsets.
///
/// Prompts are synthetic words (traces keep no content) built so that each call shares exactly
/// its recorded cache-read tokens with what the server has seen: an agent's first call opens with
/// the run's common prefix (the system prompt earlier sessions had cached), each later one keeps
/// that many tokens of the agent's previous prompt and adds fresh words up to its recorded size.
/// Counts are exact on the built-in fleet's tokenizer (one token per word and per message);
/// real tokenizers split the words differently.
struct ReplayAgentLoop: Sendable {
    let workload: Workload
    let routes: ModelRoutes
    let clock: any RunClock
    /// Words of the common prefix, as many as any session's agents found cached at their start.
    let commonWords: [String]

    init(workload: Workload, routes: ModelRoutes, clock: any RunClock) {
        self.workload = workload
        self.routes = routes
        self.clock = clock
        let longest =
            workload.tasks.compactMap { task -> Int? in
                if case .replayed(let session) = task.behaviour { return session.inheritedCacheTokens }
                return nil
            }.max() ?? 0
        var generator = SeededGenerator(seed: workload.seed, stream: "replay/common-prefix")
        commonWords = (0..<min(longest, 1 << 22)).map { _ in SyntheticText.words(1, using: &generator) }
    }

    func run(_ plan: AttemptPlan, session: ReplayedSession) async -> AttemptResult {
        let lifecycle = AttemptLifecycle(workload: workload, clock: clock)
        return await lifecycle.run(plan, directory: .none) { scope -> StepErrorType? in
            await withTaskGroup(of: StepErrorType?.self) { group in
                for agent in session.agents {
                    group.addTask { await self.replay(agent, of: session, task: plan.taskIndex, scope: scope) }
                }
                var first: StepErrorType?
                for await error in group where first == nil { first = error }
                return first
            }
        } finish: { ending, _, record in
            record.finalTier = session.tier
            switch ending {
            case .timedOut:
                record.stopReason = StopReason.attemptTimeout
            case .returned(nil):
                record.outcome = .ungraded  // a replay measures serving; the recorded session was graded, if at all, there
                record.stopReason = StopReason.replayed
            case .returned(let error?):
                record.outcome = .error
                record.errorType = error
                record.stopReason = StopReason.modelError
            }
        }
    }

    private func replay(
        _ agent: ReplayedSession.Agent, of session: ReplayedSession, task: Int, scope: AttemptLifecycle.Scope
    ) async -> StepErrorType? {
        guard let route = routes[session.tier] else { return StepErrorType.noBackend }
        let identity =
            agent.id == "main"
            ? AgentIdentity.main(workload.tasks[task].agentName)
            : AgentIdentity(id: agent.id, name: agent.id, parentStepID: nil, stepPrefix: "\(agent.id).")
        let start = scope.plan.started ?? scope.plan.scheduled
        do {
            try await clock.sleep(until: start.adding(nanoseconds: Duration.seconds(saturating: agent.startOffset).nanoseconds))
        } catch {
            return StepErrorType.cancelled
        }
        var prompts = ReplayPrompts(
            common: commonWords,
            generator: SeededGenerator(seed: workload.seed, stream: "replay/\(scope.plan.drawKey)/\(agent.id)"))
        var index = 0
        for event in agent.events {
            do { try await clock.sleep(for: .seconds(saturating: event.gapBefore)) } catch { return StepErrorType.cancelled }
            let scheduled = clock.now()
            switch event.kind {
            case .model:
                let messages = prompts.next(input: event.inputTokens, cacheRead: event.cacheReadTokens)
                let call = ChatCall(
                    model: route.model, messages: messages, maxTokens: max(1, event.outputTokens), exactOutputLength: true)
                let tries = await RetryingCaller.chat(call, route: route, deadline: scope.deadline, clock: clock)
                await scope.steps.appendTries(
                    tries, scheduled: scheduled, of: identity, .chat, use: event.use, model: route.model, tier: session.tier,
                    provider: route.chat?.providerName,
                    nextIndex: {
                        defer { index += 1 }
                        return index
                    })
                if let error = tries.last?.errorType { return error }
            case .tool:
                do { try await clock.sleep(for: .seconds(saturating: event.duration)) } catch { return StepErrorType.cancelled }
                let timing = StepTiming(scheduled: scheduled, sent: scheduled, end: clock.now())
                await scope.steps.append(index, of: identity, .executeTool, use: event.use, timing: timing) {
                    $0.toolName = event.toolName
                }
                index += 1
            }
        }
        return nil
    }
}

/// One agent's synthetic prompts: each call's prompt shares exactly `cacheRead` tokens with the
/// previous one (the common prefix for the first) and has `input` tokens in all, counted as the
/// built-in fleet does — a role marker per message, one token per word, the assistant marker.
struct ReplayPrompts {
    private var messages: [(role: ChatMessage.Role, words: [String])] = []
    private let common: [String]
    private var generator: SeededGenerator

    init(common: [String], generator: SeededGenerator) {
        self.common = common
        self.generator = generator
    }

    /// The prompt of the next call.
    mutating func next(input: Int, cacheRead: Int) -> [ChatMessage] {
        let input = max(3, input)
        // Keep at most input − 2 tokens: the new message's marker and the assistant marker follow.
        var target = min(max(0, cacheRead), input - 2)
        var kept: [(role: ChatMessage.Role, words: [String])] = []
        if messages.isEmpty {
            let words = min(max(0, target - 1), common.count)
            if words > 0 { kept = [(.system, Array(common[0..<words]))] }
        } else {
            for message in messages {
                let tokens = 1 + message.words.count
                if tokens <= target {
                    kept.append(message)
                    target -= tokens
                } else {
                    if target >= 1 { kept.append((message.role, Array(message.words.prefix(target - 1)))) }
                    break
                }
            }
        }
        let keptTokens = kept.reduce(0) { $0 + 1 + $1.words.count }
        let fresh = max(0, input - keptTokens - 2)
        kept.append((.user, (0..<fresh).map { _ in SyntheticText.words(1, using: &generator) }))
        messages = kept
        return kept.map { ChatMessage(role: $0.role, content: $0.words.joined(separator: " ")) }
    }
}
