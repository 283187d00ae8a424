import SpecDecoding
import Traces

/// A scripted agent: a system prompt shared by every attempt (cacheable), a task prompt unique
/// to each attempt, and the steps it takes.
package struct AgentSpec: Sendable, Hashable {
    /// `gen_ai.agent.name`.
    package var name: String
    package var systemPromptTokens: TokenCount
    package var taskPromptTokens: TokenCount
    package var steps: [StepSpec]

    package init(name: String, systemPromptTokens: TokenCount, taskPromptTokens: TokenCount, steps: [StepSpec]) {
        self.name = name
        self.systemPromptTokens = systemPromptTokens
        self.taskPromptTokens = taskPromptTokens
        self.steps = steps
    }

    /// Tier of the model step that produces the final answer (the last one the agent takes),
    /// or `nil` if the agent never calls a model.
    package var finalTier: String? { finalModelStep()?.tier }

    /// The model step that produces the final answer; with `skippingVerify`, the last one that
    /// is not a verify step (what runs when a variant turns verification off).
    package func finalModelStep(skippingVerify: Bool = false) -> ModelStep? {
        Self.lastModelStep(in: steps, skippingVerify: skippingVerify)
    }

    private static func lastModelStep(in steps: [StepSpec], skippingVerify: Bool) -> ModelStep? {
        for step in steps.reversed() {
            switch step {
            case .model(let model) where !(skippingVerify && model.use == .verify): return model
            case .repeatBlock(let block) where block.times.min > 0:
                if let model = lastModelStep(in: block.steps, skippingVerify: skippingVerify) { return model }
            default: continue
            }
        }
        return nil
    }
}

/// A task: one unit of work with a grader, done by a scripted agent (steps the harness replays)
/// or a model-driven one (the model chooses its tool calls).
package struct TaskSpec: Sendable, Hashable {
    package enum Behaviour: Sendable, Hashable {
        case scripted(ScriptedTask)
        case driven(DrivenTask)
        /// A recorded session replayed as load (`agentperf replay`).
        case replayed(ReplayedSession)
    }

    package var name: String
    package var description: String?
    /// Relative share of attempts.
    package var weight: Double
    /// `gen_ai.agent.name` of the top-level agent.
    package var agentName: String
    package var behaviour: Behaviour

    package init(name: String, description: String? = nil, weight: Double = 1, agentName: String? = nil, behaviour: Behaviour) {
        self.name = name
        self.description = description
        self.weight = weight
        self.agentName = agentName ?? name
        self.behaviour = behaviour
    }

    /// A scripted task (the form every task had before model-driven agents).
    package init(
        name: String, description: String? = nil, weight: Double = 1, agent: AgentSpec, passProbability: [String: Double]
    ) {
        self.init(
            name: name, description: description, weight: weight, agentName: agent.name,
            behaviour: .scripted(ScriptedTask(agent: agent, passProbability: passProbability)))
    }

    package var scripted: ScriptedTask? {
        if case .scripted(let task) = behaviour { return task }
        return nil
    }

    package var driven: DrivenTask? {
        if case .driven(let task) = behaviour { return task }
        return nil
    }
}

extension TaskSpec {
    /// The tiers the task's model calls go to as the workload writes them (scripted model steps,
    /// sub-agents' included; a model-driven agent's tier).
    package var chatTiers: [String] {
        switch behaviour {
        case .scripted(let scripted): Self.modelTiers(in: scripted.agent.steps)
        case .driven(let driven): [driven.tier]
        case .replayed(let session): [session.tier]
        }
    }

    private static func modelTiers(in steps: [StepSpec]) -> [String] {
        steps.flatMap { step -> [String] in
            switch step {
            case .model(let model): [model.tier]
            case .repeatBlock(let block): modelTiers(in: block.steps)
            case .fanout(let block): modelTiers(in: block.agent.steps)
            case .tool, .embed, .rerank: []
            }
        }
    }
}

/// A scripted agent and its simulated grader.
package struct ScriptedTask: Sendable, Hashable {
    package var agent: AgentSpec
    /// Chance the grader accepts the final answer, by the tier that produced it.
    package var passProbability: [String: Double]
    /// The same when a variant turns verification off (default: `passProbability`, so that
    /// skipping verification changes only cost and latency).
    package var unverifiedPassProbability: [String: Double]?
    /// The system prompt opens with the attempt's start time, as prompts that stamp "now" first
    /// do: a planted cache misuse (examples/misallocation.yaml), since no two attempts then share
    /// a prefix.
    package var volatileSystemPrompt = false

    package init(agent: AgentSpec, passProbability: [String: Double], unverifiedPassProbability: [String: Double]? = nil) {
        self.agent = agent
        self.passProbability = passProbability
        self.unverifiedPassProbability = unverifiedPassProbability
    }

    /// The pass probabilities in force with verification on or off.
    package func passProbability(verified: Bool) -> [String: Double] {
        verified ? passProbability : unverifiedPassProbability ?? passProbability
    }
}

// MARK: - Decoding

extension TaskSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, weight, agent, systemPromptTokens = "system_prompt_tokens"
        case taskPromptTokens = "task_prompt_tokens", passProbability = "pass_probability", steps
        case unverifiedPassProbability = "unverified_pass_probability", volatileSystemPrompt = "volatile_system_prompt"
        case systemPrompt = "system_prompt", prompt, model, tools, limits, graders, simulate, workspace, process, replay
    }

    static let scriptedOnly: [CodingKeys] = [
        .systemPromptTokens, .taskPromptTokens, .passProbability, .unverifiedPassProbability, .volatileSystemPrompt, .steps,
    ]
    static let drivenOnly: [CodingKeys] = [
        .systemPrompt, .prompt, .model, .tools, .limits, .graders, .simulate, .workspace, .process,
    ]
    /// What AgentPerf's own loop uses and a process agent (which has its own) does not.
    static let loopOnly: [CodingKeys] = [.systemPrompt, .tools]

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        try c.require(!name.isEmpty, .name, "a task needs a name")
        let weight = try c.decodeIfPresent(Double.self, forKey: .weight) ?? 1
        try c.require(weight > 0, .weight, "expected a weight above 0")
        let description = try c.decodeIfPresent(String.self, forKey: .description)
        let agentName = try c.decodeIfPresent(String.self, forKey: .agent) ?? name
        if c.contains(.replay) {
            let session = try c.decode(ReplayedSession.self, forKey: .replay)
            self.init(name: name, description: description, weight: weight, agentName: agentName, behaviour: .replayed(session))
            return
        }
        if c.contains(.prompt) {
            for key in Self.scriptedOnly where c.contains(key) {
                try c.require(
                    false, key, "\(key.stringValue) belongs to scripted tasks (steps:); this task is model-driven (prompt:)")
            }
            if c.contains(.process) {
                for key in Self.loopOnly where c.contains(key) {
                    try c.require(
                        false, key, "\(key.stringValue) belongs to AgentPerf's own agent; a process: task runs yours")
                }
            }
            let tools = try c.decodeIfPresent([String].self, forKey: .tools) ?? []
            let graders = try c.decodeIfPresent([GraderSpec].self, forKey: .graders) ?? []
            try c.require(
                !graders.isEmpty, .graders, "a model-driven task needs at least one grader to decide what counts as done")
            let axes = graders.map(\.axis)
            try c.require(Set(axes).count == axes.count, .graders, "two graders score the same axis; give one an axis: name")
            let driven = DrivenTask(
                systemPrompt: try c.decodeIfPresent(String.self, forKey: .systemPrompt)
                    ?? DrivenTask(prompt: "", tier: "").systemPrompt,
                prompt: try c.decode(String.self, forKey: .prompt), tier: try c.decode(String.self, forKey: .model), tools: tools,
                limits: try c.decodeIfPresent(AgentLimits.self, forKey: .limits) ?? AgentLimits(), graders: graders,
                simulate: try c.decodeIfPresent([SimulatedTurn].self, forKey: .simulate) ?? [],
                workspace: try c.decodeIfPresent(String.self, forKey: .workspace),
                process: try c.decodeIfPresent(AgentProcess.self, forKey: .process))
            self.init(name: name, description: description, weight: weight, agentName: agentName, behaviour: .driven(driven))
            return
        }
        for key in Self.drivenOnly where c.contains(key) {
            try c.require(
                false, key, "\(key.stringValue) belongs to model-driven tasks (prompt:); this task is scripted (steps:)")
        }
        let steps = try c.decode([StepSpec].self, forKey: .steps)
        try c.require(!steps.isEmpty, .steps, "a task needs at least one step")
        let passProbability = try c.decode([String: Double].self, forKey: .passProbability)
        let unverified = try c.decodeIfPresent([String: Double].self, forKey: .unverifiedPassProbability)
        for (key, table) in [(CodingKeys.passProbability, passProbability), (.unverifiedPassProbability, unverified ?? [:])] {
            for (tier, p) in table {
                try c.require((0...1).contains(p), key, "pass probability of tier \"\(tier)\" must be in 0...1, found \(p)")
            }
        }
        let agent = AgentSpec(
            name: agentName,
            systemPromptTokens: try c.decodeIfPresent(TokenCount.self, forKey: .systemPromptTokens) ?? TokenCount(1000),
            taskPromptTokens: try c.decodeIfPresent(TokenCount.self, forKey: .taskPromptTokens) ?? TokenCount(200),
            steps: steps)
        try c.require(agent.finalTier != nil, .steps, "a task needs a model step to produce its final answer")
        self.init(name: name, description: description, weight: weight, agent: agent, passProbability: passProbability)
        if case .scripted(var scripted) = behaviour {
            scripted.unverifiedPassProbability = unverified
            scripted.volatileSystemPrompt = try c.decodeIfPresent(Bool.self, forKey: .volatileSystemPrompt) ?? false
            behaviour = .scripted(scripted)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encode(weight, forKey: .weight)
        try c.encode(agentName, forKey: .agent)
        switch behaviour {
        case .scripted(let task):
            try c.encode(task.agent.systemPromptTokens, forKey: .systemPromptTokens)
            try c.encode(task.agent.taskPromptTokens, forKey: .taskPromptTokens)
            try c.encode(task.passProbability, forKey: .passProbability)
            try c.encodeIfPresent(task.unverifiedPassProbability, forKey: .unverifiedPassProbability)
            if task.volatileSystemPrompt { try c.encode(true, forKey: .volatileSystemPrompt) }
            try c.encode(task.agent.steps, forKey: .steps)
        case .driven(let task):
            if task.process == nil { try c.encode(task.systemPrompt, forKey: .systemPrompt) }
            try c.encode(task.prompt, forKey: .prompt)
            try c.encode(task.tier, forKey: .model)
            if task.process == nil { try c.encode(task.tools, forKey: .tools) }
            try c.encode(task.limits, forKey: .limits)
            try c.encode(task.graders, forKey: .graders)
            if !task.simulate.isEmpty { try c.encode(task.simulate, forKey: .simulate) }
            try c.encodeIfPresent(task.workspace, forKey: .workspace)
            try c.encodeIfPresent(task.process, forKey: .process)
        case .replayed(let session):
            try c.encode(session, forKey: .replay)
        }
    }
}
