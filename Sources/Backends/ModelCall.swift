package import Traces
package import WireFormats

/// A tool the model may call, provider-neutral.
package struct ToolDefinition: Sendable, Hashable {
    package var name: String
    package var description: String?
    /// A JSON Schema object for the arguments.
    package var parameters: JSONValue

    package init(name: String, description: String? = nil, parameters: JSONValue = ["type": "object", "properties": [:]]) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// A tool call the model made: its id (to answer it), the tool, and the arguments as the JSON
/// text the model wrote (which may not parse: the agent loop checks).
package struct ToolCall: Sendable, Hashable {
    package var id: String
    package var name: String
    package var arguments: String

    package init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A chat message, provider-neutral.
package struct ChatMessage: Sendable, Hashable {
    package enum Role: String, Sendable, Hashable { case system, user, assistant, tool }
    package var role: Role
    package var content: String
    /// On an assistant message: the tools it called.
    package var toolCalls: [ToolCall]
    /// On a tool message: the call it answers, and whether the tool failed.
    package var toolCallID: String?
    package var isError: Bool

    package init(role: Role, content: String, toolCalls: [ToolCall] = [], toolCallID: String? = nil, isError: Bool = false) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.isError = isError
    }

    /// A tool's result, answering `call`.
    package static func toolResult(_ content: String, for call: ToolCall, isError: Bool = false) -> ChatMessage {
        ChatMessage(role: .tool, content: content, toolCallID: call.id, isError: isError)
    }
}

/// One model call to make.
package struct ChatCall: Sendable, Hashable {
    package var model: String
    package var messages: [ChatMessage]
    package var tools: [ToolDefinition]
    /// Output limit (`max_tokens`).
    package var maxTokens: Int?
    /// Ask the server to generate exactly `maxTokens` (vLLM's `ignore_eos`; the simulated
    /// fleet honours it). Scripted workloads use it so token counts follow the script.
    package var exactOutputLength: Bool
    package var stream: Bool
    /// What the simulated fleet should answer (model-driven agents' `simulate:`); set only on
    /// calls to tiers the fleet serves.
    package var simulation: SimulationScript?
    /// False: the simulated fleet serves the call without its prefix cache (`prompt_caching: off`
    /// variants; set only on calls to tiers the fleet serves).
    package var promptCache = true

    package init(
        model: String, messages: [ChatMessage], tools: [ToolDefinition] = [], maxTokens: Int? = nil,
        exactOutputLength: Bool = false, stream: Bool = true, simulation: SimulationScript? = nil
    ) {
        self.simulation = simulation
        self.model = model
        self.messages = messages
        self.tools = tools
        self.maxTokens = maxTokens
        self.exactOutputLength = exactOutputLength
        self.stream = stream
    }
}

/// One embeddings call to make.
package struct EmbeddingCall: Sendable, Hashable {
    package var model: String
    package var inputs: [String]

    package init(model: String, inputs: [String]) {
        self.model = model
        self.inputs = inputs
    }
}

/// One rerank call to make: order `documents` by relevance to `query`.
package struct RerankCall: Sendable, Hashable {
    package var model: String
    package var query: String
    package var documents: [String]
    package var topN: Int?

    package init(model: String, query: String, documents: [String], topN: Int? = nil) {
        self.model = model
        self.query = query
        self.documents = documents
        self.topN = topN
    }
}

/// What a model call produced: text, tool calls, normalised usage, timestamps, or the error
/// that stopped it. Failures are data here, never thrown: every call becomes a step record.
package struct ModelCallResult: Sendable, Hashable {
    package var content: String
    package var toolCalls: [ToolCall]
    /// Normalised buckets; `nil` only if the call failed before any usage could be known.
    package var usage: TokenUsage?
    /// `sent`, `firstToken`, `lastToken`, `end` and `serverQueue`; `scheduled` is the caller's.
    package var timing: StepTiming
    package var errorType: StepErrorType?
    /// A sentence for logs; never written to traces (it may quote server output).
    package var errorMessage: String?
    package var httpStatus: Int?
    package var finishReason: String?
    /// What the server asked the client to wait before retrying (`Retry-After`).
    package var retryAfter: Duration?
    /// Embeddings: one vector per input. Rerank: document indices, most relevant first.
    package var embeddings: [[Double]]
    package var ranking: [Int]

    package init(
        content: String = "", toolCalls: [ToolCall] = [], usage: TokenUsage? = nil, timing: StepTiming = StepTiming(),
        errorType: StepErrorType? = nil, errorMessage: String? = nil, httpStatus: Int? = nil, finishReason: String? = nil
    ) {
        self.content = content
        self.toolCalls = toolCalls
        self.usage = usage
        self.timing = timing
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.httpStatus = httpStatus
        self.finishReason = finishReason
        self.embeddings = []
        self.ranking = []
    }

    package var succeeded: Bool { errorType == nil }
}

/// A chat backend: a server speaking some provider's protocol.
package protocol ChatBackend: Sendable {
    /// Provider name for `gen_ai.provider.name`.
    var providerName: String { get }
    /// Makes the call, stamping times on the run clock; never throws.
    func chat(_ call: ChatCall, deadline: Int64) async -> ModelCallResult
}

/// An embeddings backend.
package protocol EmbeddingBackend: Sendable {
    var providerName: String { get }
    func embed(_ call: EmbeddingCall, deadline: Int64) async -> ModelCallResult
}

/// A rerank backend.
package protocol RerankBackend: Sendable {
    var providerName: String { get }
    func rerank(_ call: RerankCall, deadline: Int64) async -> ModelCallResult
}
