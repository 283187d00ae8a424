public import Traces
public import WireFormats

/// A tool the model may call, provider-neutral.
public struct ToolDefinition: Sendable, Hashable {
    public var name: String
    public var description: String?
    /// A JSON Schema object for the arguments.
    public var parameters: JSONValue

    public init(name: String, description: String? = nil, parameters: JSONValue = ["type": "object", "properties": [:]]) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// A tool call the model made: its id (to answer it), the tool, and the arguments as the JSON
/// text the model wrote (which may not parse: the agent loop checks).
public struct ToolCall: Sendable, Hashable {
    public var id: String
    public var name: String
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A chat message, provider-neutral.
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case system, user, assistant, tool }
    public var role: Role
    public var content: String
    /// On an assistant message: the tools it called.
    public var toolCalls: [ToolCall]
    /// On a tool message: the call it answers, and whether the tool failed.
    public var toolCallID: String?
    public var isError: Bool

    public init(role: Role, content: String, toolCalls: [ToolCall] = [], toolCallID: String? = nil, isError: Bool = false) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.isError = isError
    }

    /// A tool's result, answering `call`.
    public static func toolResult(_ content: String, for call: ToolCall, isError: Bool = false) -> ChatMessage {
        ChatMessage(role: .tool, content: content, toolCallID: call.id, isError: isError)
    }
}

/// One model call to make.
public struct ChatCall: Sendable, Hashable {
    public var model: String
    public var messages: [ChatMessage]
    public var tools: [ToolDefinition]
    /// Output limit (`max_tokens`).
    public var maxTokens: Int?
    /// Ask the server to generate exactly `maxTokens` (vLLM's `ignore_eos`; the simulated
    /// fleet honours it). Scripted workloads use it so token counts follow the script.
    public var exactOutputLength: Bool
    public var stream: Bool
    /// What the simulated fleet should answer (model-driven agents' `simulate:`); set only on
    /// calls to tiers the fleet serves.
    public var simulation: SimulationScript?

    public init(
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
public struct EmbeddingCall: Sendable, Hashable {
    public var model: String
    public var inputs: [String]

    public init(model: String, inputs: [String]) {
        self.model = model
        self.inputs = inputs
    }
}

/// One rerank call to make: order `documents` by relevance to `query`.
public struct RerankCall: Sendable, Hashable {
    public var model: String
    public var query: String
    public var documents: [String]
    public var topN: Int?

    public init(model: String, query: String, documents: [String], topN: Int? = nil) {
        self.model = model
        self.query = query
        self.documents = documents
        self.topN = topN
    }
}

/// What a model call produced: text, tool calls, normalised usage, timestamps, or the error
/// that stopped it. Failures are data here, never thrown: every call becomes a step record.
public struct ModelCallResult: Sendable, Hashable {
    public var content: String
    public var toolCalls: [ToolCall]
    /// Normalised buckets; `nil` only if the call failed before any usage could be known.
    public var usage: TokenUsage?
    /// `sent`, `firstToken`, `lastToken`, `end` and `serverQueue`; `scheduled` is the caller's.
    public var timing: StepTiming
    public var errorType: StepErrorType?
    /// A sentence for logs; never written to traces (it may quote server output).
    public var errorMessage: String?
    public var httpStatus: Int?
    public var finishReason: String?
    /// What the server asked the client to wait before retrying (`Retry-After`).
    public var retryAfter: Duration?
    /// Embeddings: one vector per input. Rerank: document indices, most relevant first.
    public var embeddings: [[Double]]
    public var ranking: [Int]

    public init(
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

    public var succeeded: Bool { errorType == nil }
}

/// A chat backend: a server speaking some provider's protocol.
public protocol ChatBackend: Sendable {
    /// Provider name for `gen_ai.provider.name`.
    var providerName: String { get }
    /// Makes the call, stamping times on the run clock; never throws.
    func chat(_ call: ChatCall, deadline: Int64) async -> ModelCallResult
}

/// An embeddings backend.
public protocol EmbeddingBackend: Sendable {
    var providerName: String { get }
    func embed(_ call: EmbeddingCall, deadline: Int64) async -> ModelCallResult
}

/// A rerank backend.
public protocol RerankBackend: Sendable {
    var providerName: String { get }
    func rerank(_ call: RerankCall, deadline: Int64) async -> ModelCallResult
}
