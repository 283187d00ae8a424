import SpecDecoding
package import Traces

/// One step of a scripted agent.
package indirect enum StepSpec: Sendable, Hashable {
    /// A model call on a tier; the reply is appended to the conversation.
    case model(ModelStep)
    /// A tool call; its result is appended to the conversation.
    case tool(ToolStep)
    /// An embeddings call (retrieval); nothing is appended.
    case embed(EmbedStep)
    /// A rerank call: a query and documents scored by a reranker; nothing is appended.
    case rerank(RerankStep)
    /// The inner steps, a drawn number of times.
    case repeatBlock(RepeatBlock)
    /// Sub-agents started together; each reply is appended as a tool result.
    case fanout(FanoutBlock)
}

package struct ModelStep: Sendable, Hashable {
    package var tier: String
    package var use: UseClass
    package var outputTokens: TokenCount

    package init(tier: String, use: UseClass = .act, outputTokens: TokenCount) {
        self.tier = tier
        self.use = use
        self.outputTokens = outputTokens
    }
}

package struct ToolStep: Sendable, Hashable {
    package var tool: String
    package var use: UseClass

    package init(tool: String, use: UseClass = .act) {
        self.tool = tool
        self.use = use
    }
}

package struct EmbedStep: Sendable, Hashable {
    package var tier: String
    package var use: UseClass
    package var inputTokens: TokenCount

    package init(tier: String = "embedding", use: UseClass = .read, inputTokens: TokenCount) {
        self.tier = tier
        self.use = use
        self.inputTokens = inputTokens
    }
}

package struct RerankStep: Sendable, Hashable {
    package var tier: String
    package var use: UseClass
    package var documents: TokenCount
    package var queryTokens: TokenCount
    package var documentTokens: TokenCount

    package init(
        tier: String = "embedding", use: UseClass = .read, documents: TokenCount, queryTokens: TokenCount = TokenCount(20),
        documentTokens: TokenCount = TokenCount(150)
    ) {
        self.tier = tier
        self.use = use
        self.documents = documents
        self.queryTokens = queryTokens
        self.documentTokens = documentTokens
    }
}

package struct RepeatBlock: Sendable, Hashable {
    package var times: TokenCount
    package var steps: [StepSpec]

    package init(times: TokenCount, steps: [StepSpec]) {
        self.times = times
        self.steps = steps
    }
}

package struct FanoutBlock: Sendable, Hashable {
    /// How many sub-agents run at once.
    package var agents: Int
    package var agent: AgentSpec

    package init(agents: Int, agent: AgentSpec) {
        self.agents = agents
        self.agent = agent
    }
}

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
    package var finalTier: String? { Self.lastModelTier(in: steps) }

    private static func lastModelTier(in steps: [StepSpec]) -> String? {
        for step in steps.reversed() {
            switch step {
            case .model(let model): return model.tier
            case .repeatBlock(let block) where block.times.min > 0:
                if let tier = lastModelTier(in: block.steps) { return tier }
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

/// A scripted agent and its simulated grader.
package struct ScriptedTask: Sendable, Hashable {
    package var agent: AgentSpec
    /// Chance the grader accepts the final answer, by the tier that produced it.
    package var passProbability: [String: Double]

    package init(agent: AgentSpec, passProbability: [String: Double]) {
        self.agent = agent
        self.passProbability = passProbability
    }
}

// MARK: - Decoding

extension StepSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, tool, embed, rerank, repeatBlock = "repeat", fanout
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "each step is a mapping with exactly one of: model, tool, embed, rerank, repeat, fanout"))
        }
        switch key {
        case .model: self = .model(try c.decode(ModelStep.self, forKey: .model))
        case .tool: self = .tool(try c.decode(ToolStep.self, forKey: .tool))
        case .embed: self = .embed(try c.decode(EmbedStep.self, forKey: .embed))
        case .rerank: self = .rerank(try c.decode(RerankStep.self, forKey: .rerank))
        case .repeatBlock: self = .repeatBlock(try c.decode(RepeatBlock.self, forKey: .repeatBlock))
        case .fanout: self = .fanout(try c.decode(FanoutBlock.self, forKey: .fanout))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .model(let step): try c.encode(step, forKey: .model)
        case .tool(let step): try c.encode(step, forKey: .tool)
        case .embed(let step): try c.encode(step, forKey: .embed)
        case .rerank(let step): try c.encode(step, forKey: .rerank)
        case .repeatBlock(let block): try c.encode(block, forKey: .repeatBlock)
        case .fanout(let block): try c.encode(block, forKey: .fanout)
        }
    }
}

/// Decodes a `use:` field.
func decodeUse<K>(_ c: KeyedDecodingContainer<K>, _ key: K, default value: UseClass) throws -> UseClass {
    guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return value }
    guard let use = UseClass(parsing: text) else {
        throw DecodingError.dataCorruptedError(
            forKey: key, in: c,
            debugDescription:
                "unknown use class \"\(text)\"; expected one of \(UseClass.known.map(\.rawValue).joined(separator: ", "))")
    }
    return use
}

extension ModelStep: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case tier, use, outputTokens = "output_tokens" }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let output = try c.decode(TokenCount.self, forKey: .outputTokens)
        try c.require(output.min >= 1, .outputTokens, "a model step generates at least 1 token")
        self.init(
            tier: try c.decode(String.self, forKey: .tier), use: try decodeUse(c, .use, default: .act), outputTokens: output)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tier, forKey: .tier)
        try c.encode(use.rawValue, forKey: .use)
        try c.encode(outputTokens, forKey: .outputTokens)
    }
}

extension ToolStep: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case name, use }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(tool: try c.decode(String.self, forKey: .name), use: try decodeUse(c, .use, default: .act))
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tool, forKey: .name)
        try c.encode(use.rawValue, forKey: .use)
    }
}

extension EmbedStep: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case tier, use, inputTokens = "input_tokens" }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let input = try c.decode(TokenCount.self, forKey: .inputTokens)
        try c.require(input.min >= 1, .inputTokens, "an embedding input has at least 1 token")
        self.init(
            tier: try c.decodeIfPresent(String.self, forKey: .tier) ?? "embedding",
            use: try decodeUse(c, .use, default: .read), inputTokens: input)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tier, forKey: .tier)
        try c.encode(use.rawValue, forKey: .use)
        try c.encode(inputTokens, forKey: .inputTokens)
    }
}

extension RerankStep: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case tier, use, documents, queryTokens = "query_tokens", documentTokens = "document_tokens"
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let documents = try c.decode(TokenCount.self, forKey: .documents)
        try c.require(documents.min >= 1, .documents, "a rerank call scores at least 1 document")
        let query = try c.decodeIfPresent(TokenCount.self, forKey: .queryTokens) ?? TokenCount(20)
        try c.require(query.min >= 1, .queryTokens, "a query has at least 1 token")
        let document = try c.decodeIfPresent(TokenCount.self, forKey: .documentTokens) ?? TokenCount(150)
        try c.require(document.min >= 1, .documentTokens, "a document has at least 1 token")
        self.init(
            tier: try c.decodeIfPresent(String.self, forKey: .tier) ?? "embedding", use: try decodeUse(c, .use, default: .read),
            documents: documents, queryTokens: query, documentTokens: document)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tier, forKey: .tier)
        try c.encode(use.rawValue, forKey: .use)
        try c.encode(documents, forKey: .documents)
        try c.encode(queryTokens, forKey: .queryTokens)
        try c.encode(documentTokens, forKey: .documentTokens)
    }
}

extension RepeatBlock: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case times, steps }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let steps = try c.decode([StepSpec].self, forKey: .steps)
        try c.require(!steps.isEmpty, .steps, "a repeat block needs at least one step")
        self.init(times: try c.decode(TokenCount.self, forKey: .times), steps: steps)
    }
}

extension FanoutBlock: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case agents, name, systemPromptTokens = "system_prompt_tokens", taskPromptTokens = "task_prompt_tokens", steps
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let agents = try c.decode(Int.self, forKey: .agents)
        try c.require((1...64).contains(agents), .agents, "expected 1 to 64 sub-agents")
        let steps = try c.decode([StepSpec].self, forKey: .steps)
        try c.require(!steps.isEmpty, .steps, "a sub-agent needs at least one step")
        self.init(
            agents: agents,
            agent: AgentSpec(
                name: try c.decodeIfPresent(String.self, forKey: .name) ?? "sub-agent",
                systemPromptTokens: try c.decodeIfPresent(TokenCount.self, forKey: .systemPromptTokens) ?? TokenCount(200),
                taskPromptTokens: try c.decodeIfPresent(TokenCount.self, forKey: .taskPromptTokens) ?? TokenCount(50),
                steps: steps))
        try c.require(agent.finalTier != nil, .steps, "a sub-agent needs a model step to produce its reply")
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(agents, forKey: .agents)
        try c.encode(agent.name, forKey: .name)
        try c.encode(agent.systemPromptTokens, forKey: .systemPromptTokens)
        try c.encode(agent.taskPromptTokens, forKey: .taskPromptTokens)
        try c.encode(agent.steps, forKey: .steps)
    }
}

extension TaskSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, weight, agent, systemPromptTokens = "system_prompt_tokens"
        case taskPromptTokens = "task_prompt_tokens", passProbability = "pass_probability", steps
        case systemPrompt = "system_prompt", prompt, model, tools, limits, graders, simulate, workspace
    }

    static let scriptedOnly: [CodingKeys] = [.systemPromptTokens, .taskPromptTokens, .passProbability, .steps]
    static let drivenOnly: [CodingKeys] = [.systemPrompt, .prompt, .model, .tools, .limits, .graders, .simulate, .workspace]

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        try c.require(!name.isEmpty, .name, "a task needs a name")
        let weight = try c.decodeIfPresent(Double.self, forKey: .weight) ?? 1
        try c.require(weight > 0, .weight, "expected a weight above 0")
        let description = try c.decodeIfPresent(String.self, forKey: .description)
        let agentName = try c.decodeIfPresent(String.self, forKey: .agent) ?? name
        if c.contains(.prompt) {
            for key in Self.scriptedOnly where c.contains(key) {
                try c.require(
                    false, key, "\(key.stringValue) belongs to scripted tasks (steps:); this task is model-driven (prompt:)")
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
                workspace: try c.decodeIfPresent(String.self, forKey: .workspace))
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
        for (tier, p) in passProbability {
            try c.require(
                (0...1).contains(p), .passProbability, "pass probability of tier \"\(tier)\" must be in 0...1, found \(p)")
        }
        let agent = AgentSpec(
            name: agentName,
            systemPromptTokens: try c.decodeIfPresent(TokenCount.self, forKey: .systemPromptTokens) ?? TokenCount(1000),
            taskPromptTokens: try c.decodeIfPresent(TokenCount.self, forKey: .taskPromptTokens) ?? TokenCount(200),
            steps: steps)
        try c.require(agent.finalTier != nil, .steps, "a task needs a model step to produce its final answer")
        self.init(name: name, description: description, weight: weight, agent: agent, passProbability: passProbability)
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
            try c.encode(task.agent.steps, forKey: .steps)
        case .driven(let task):
            try c.encode(task.systemPrompt, forKey: .systemPrompt)
            try c.encode(task.prompt, forKey: .prompt)
            try c.encode(task.tier, forKey: .model)
            try c.encode(task.tools, forKey: .tools)
            try c.encode(task.limits, forKey: .limits)
            try c.encode(task.graders, forKey: .graders)
            if !task.simulate.isEmpty { try c.encode(task.simulate, forKey: .simulate) }
            try c.encodeIfPresent(task.workspace, forKey: .workspace)
        }
    }
}
