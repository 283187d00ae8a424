package import Traces

/// A recorded session replayed as load (`agentperf replay`): each agent's model calls with their
/// recorded token counts, the time between them (tools and thinking, as waits), and its tool
/// steps, so a server sees the session's calls, sizes and cache reuse without the session's
/// content (which traces do not keep).
package struct ReplayedSession: Sendable, Hashable, Codable {
    /// Where it came from: the recorded attempt's id.
    package var source: String
    /// The tier every call goes to.
    package var tier: String
    package var agents: [Agent]

    package init(source: String, tier: String = "replay", agents: [Agent]) {
        self.source = source
        self.tier = tier
        self.agents = agents
    }

    /// One agent of the session (the main one, or a sub-agent), replayed concurrently with the others.
    package struct Agent: Sendable, Hashable, Codable {
        package var id: String
        /// Seconds after the session's start the agent began.
        package var startOffset: Double
        package var events: [Event]

        package init(id: String, startOffset: Double, events: [Event]) {
            self.id = id
            self.startOffset = startOffset
            self.events = events
        }

        enum CodingKeys: String, CodingKey { case id, startOffset = "start_offset", events }
    }

    /// A model call or a tool step, after a wait.
    package struct Event: Sendable, Hashable, Codable {
        package enum Kind: String, Sendable, Hashable, Codable { case model, tool }
        package var kind: Kind
        /// Seconds from the end of the agent's previous event (or its start) to this one's start.
        package var gapBefore: Double
        /// Model calls: every prompt token (uncached, cache read and cache write).
        package var inputTokens: Int
        /// Model calls: prompt tokens the recorded server read from its cache.
        package var cacheReadTokens: Int
        package var outputTokens: Int
        /// Tool steps: the tool's name and how long it took, in seconds.
        package var toolName: String?
        package var duration: Double
        package var use: UseClass

        package init(
            kind: Kind, gapBefore: Double, inputTokens: Int = 0, cacheReadTokens: Int = 0, outputTokens: Int = 0,
            toolName: String? = nil, duration: Double = 0, use: UseClass = .act
        ) {
            self.kind = kind
            self.gapBefore = gapBefore
            self.inputTokens = inputTokens
            self.cacheReadTokens = cacheReadTokens
            self.outputTokens = outputTokens
            self.toolName = toolName
            self.duration = duration
            self.use = use
        }

        enum CodingKeys: String, CodingKey {
            case kind, gapBefore = "gap_before", inputTokens = "input_tokens", cacheReadTokens = "cache_read_tokens"
            case outputTokens = "output_tokens", toolName = "tool", duration, use
        }
    }

    /// Model calls in the session.
    package var modelCalls: Int { agents.reduce(0) { $0 + $1.events.filter { $0.kind == .model }.count } }

    /// Prompt tokens its agents' first calls read from a cache the session did not fill itself
    /// (a system prompt cached by earlier sessions): the common prefix a replay primes.
    package var inheritedCacheTokens: Int {
        agents.compactMap { $0.events.first { $0.kind == .model }?.cacheReadTokens }.max() ?? 0
    }

    /// The session of a recorded attempt, times divided by `speed`; nil when it has no model call
    /// with recorded usage. Model steps without usage are left out (`skipped` counts them).
    package static func of(
        _ attempt: LoggedAttempt, tier: String, speed: Double, skipped: inout Int
    ) -> ReplayedSession? {
        func start(_ step: StepRecord) -> Int64? { step.timing.scheduled ?? step.timing.sent ?? step.timing.end }
        let sessionStart = attempt.record.scheduled ?? attempt.steps.compactMap(start).min() ?? 0
        var agents: [Agent] = []
        let byAgent = Dictionary(grouping: attempt.steps, by: \.agentID)
        for id in byAgent.keys.sorted(by: { ($0 == "main" ? "" : $0) < ($1 == "main" ? "" : $1) }) {
            let steps = byAgent[id]!.sorted { (start($0) ?? 0, $0.index) < (start($1) ?? 0, $1.index) }
            var events: [Event] = []
            var previousEnd = steps.first.flatMap(start)
            for step in steps {
                let begin = start(step) ?? previousEnd ?? sessionStart
                let gap = Double(max(0, begin - (previousEnd ?? begin))) / 1e9 / speed
                let duration = Double(max(0, (step.timing.end ?? begin) - begin)) / 1e9 / speed
                previousEnd = max(previousEnd ?? begin, step.timing.end ?? begin)
                switch step.operation.family {
                case .model where step.operation.generatesTokens:
                    guard let usage = step.usage else {
                        skipped += 1
                        continue
                    }
                    events.append(
                        Event(
                            kind: .model, gapBefore: gap, inputTokens: usage.uncachedInput + usage.cacheRead + usage.cacheWrite,
                            cacheReadTokens: usage.cacheRead, outputTokens: usage.output, use: step.useClass))
                case .tool:
                    events.append(
                        Event(kind: .tool, gapBefore: gap, toolName: step.toolName, duration: duration, use: step.useClass))
                default:
                    continue
                }
            }
            guard events.contains(where: { $0.kind == .model }) else { continue }
            let first = steps.compactMap(start).min() ?? sessionStart
            agents.append(Agent(id: id, startOffset: Double(max(0, first - sessionStart)) / 1e9 / speed, events: events))
        }
        guard !agents.isEmpty else { return nil }
        return ReplayedSession(source: attempt.record.attemptID, tier: tier, agents: agents)
    }
}
