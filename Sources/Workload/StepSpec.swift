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

extension StepSpec {
    /// The step's use class; nil for blocks (repeat, fanout), whose steps have their own.
    package var use: UseClass? {
        switch self {
        case .model(let step): step.use
        case .tool(let step): step.use
        case .embed(let step): step.use
        case .rerank(let step): step.use
        case .repeatBlock, .fanout: nil
        }
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
