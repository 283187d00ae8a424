public import Traces

/// A chat message, provider-neutral.
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case system, user, assistant, tool }
    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// One model call to make.
public struct ChatCall: Sendable, Hashable {
    public var model: String
    public var messages: [ChatMessage]
    /// Output limit (`max_tokens`).
    public var maxTokens: Int?
    /// Ask the server to generate exactly `maxTokens` (vLLM's `ignore_eos`; the simulated
    /// fleet honours it). Scripted workloads use it so token counts follow the script.
    public var exactOutputLength: Bool
    public var stream: Bool

    public init(
        model: String, messages: [ChatMessage], maxTokens: Int? = nil, exactOutputLength: Bool = false, stream: Bool = true
    ) {
        self.model = model
        self.messages = messages
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

/// What a model call produced: text, normalised usage, timestamps, or the error that stopped it.
/// Failures are data here, never thrown: every call becomes a step record.
public struct ModelCallResult: Sendable, Hashable {
    public var content: String
    /// Normalised buckets; `nil` only if the call failed before any usage could be known.
    public var usage: TokenUsage?
    /// `sent`, `firstToken`, `lastToken`, `end` and `serverQueue`; `scheduled` is the caller's.
    public var timing: StepTiming
    public var errorType: String?
    /// A sentence for logs; never written to traces (it may quote server output).
    public var errorMessage: String?
    public var httpStatus: Int?
    public var finishReason: String?

    public init(
        content: String = "", usage: TokenUsage? = nil, timing: StepTiming = StepTiming(), errorType: String? = nil,
        errorMessage: String? = nil, httpStatus: Int? = nil, finishReason: String? = nil
    ) {
        self.content = content
        self.usage = usage
        self.timing = timing
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.httpStatus = httpStatus
        self.finishReason = finishReason
    }

    public var succeeded: Bool { errorType == nil }
}

/// A chat-completions backend: a server speaking some provider's protocol.
public protocol ChatBackend: Sendable {
    /// Provider name for `gen_ai.provider.name`.
    var providerName: String { get }
    /// Makes the call, stamping times on `clock`; never throws.
    func chat(_ call: ChatCall, deadline: ContinuousClock.Instant) async -> ModelCallResult
}

/// An embeddings backend.
public protocol EmbeddingBackend: Sendable {
    var providerName: String { get }
    func embed(_ call: EmbeddingCall, deadline: ContinuousClock.Instant) async -> ModelCallResult
}
