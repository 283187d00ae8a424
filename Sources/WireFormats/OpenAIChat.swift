/// OpenAI Chat Completions wire types (`POST /v1/chat/completions`), the subset AgentPerf
/// sends and reads. Field names are the provider's snake_case.
public enum OpenAIChat {
    /// A message of the conversation. `content` may be a string or a list of text parts on the
    /// wire; it is read as the concatenated text.
    public struct Message: Codable, Sendable, Hashable {
        public var role: String
        public var content: String?
        public var name: String?
        /// On a `tool` message: the call it answers.
        public var toolCallID: String?
        /// On an `assistant` message: the tools it called.
        public var toolCalls: [ToolCall]?

        public init(
            role: String, content: String?, name: String? = nil, toolCallID: String? = nil, toolCalls: [ToolCall]? = nil
        ) {
            self.role = role
            self.content = content
            self.name = name
            self.toolCallID = toolCallID
            self.toolCalls = toolCalls
        }

        enum CodingKeys: String, CodingKey { case role, content, name, toolCallID = "tool_call_id", toolCalls = "tool_calls" }

        private struct TextPart: Decodable { var type: String; var text: String? }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decode(String.self, forKey: .role)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            toolCallID = try c.decodeIfPresent(String.self, forKey: .toolCallID)
            toolCalls = try c.decodeIfPresent([ToolCall].self, forKey: .toolCalls)
            if let text = try? c.decodeIfPresent(String.self, forKey: .content) {
                content = text
            } else if let parts = try? c.decodeIfPresent([TextPart].self, forKey: .content) {
                content = parts.compactMap(\.text).joined(separator: "\n")
            } else if try !c.contains(.content) || c.decodeNil(forKey: .content) {
                content = nil
            } else {
                throw DecodingError.typeMismatch(
                    String.self,
                    .init(
                        codingPath: c.codingPath + [CodingKeys.content],
                        debugDescription: "expected a string or a list of text parts"))
            }
        }
    }

    public struct StreamOptions: Codable, Sendable, Hashable {
        public var includeUsage: Bool?
        public init(includeUsage: Bool?) { self.includeUsage = includeUsage }
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    /// A function the model may call: `{"type": "function", "function": {name, description, parameters}}`.
    public struct Tool: Codable, Sendable, Hashable {
        public var type: String
        public var function: FunctionDefinition

        public init(name: String, description: String?, parameters: JSONValue) {
            type = "function"
            function = FunctionDefinition(name: name, description: description, parameters: parameters)
        }
    }

    public struct FunctionDefinition: Codable, Sendable, Hashable {
        public var name: String
        public var description: String?
        /// A JSON Schema object.
        public var parameters: JSONValue
    }

    /// A complete tool call: on an assistant message, or assembled from stream deltas.
    public struct ToolCall: Codable, Sendable, Hashable {
        public var id: String
        public var type: String
        public var function: FunctionCall

        public init(id: String, name: String, arguments: String) {
            self.id = id
            type = "function"
            function = FunctionCall(name: name, arguments: arguments)
        }
    }

    public struct FunctionCall: Codable, Sendable, Hashable {
        public var name: String
        /// JSON text, as the model wrote it (it may not parse).
        public var arguments: String
    }

    public struct Request: Codable, Sendable, Hashable {
        public var model: String
        public var messages: [Message]
        public var tools: [Tool]?
        /// `"auto"`, `"none"`, `"required"`, or `{"type": "function", "function": {"name": …}}`.
        public var toolChoice: JSONValue?
        public var maxTokens: Int?
        public var maxCompletionTokens: Int?
        public var stream: Bool?
        public var streamOptions: StreamOptions?
        public var temperature: Double?
        /// vLLM's extension: generate exactly `max_tokens`, ignoring end-of-sequence.
        public var ignoreEOS: Bool?
        /// AgentPerf's extension for the simulated fleet only (`agentperf_simulate`).
        public var simulation: SimulationScript?

        public init(
            model: String, messages: [Message], tools: [Tool]? = nil, toolChoice: JSONValue? = nil, maxTokens: Int? = nil,
            maxCompletionTokens: Int? = nil, stream: Bool? = nil, streamOptions: StreamOptions? = nil,
            temperature: Double? = nil, ignoreEOS: Bool? = nil, simulation: SimulationScript? = nil
        ) {
            self.simulation = simulation
            self.model = model
            self.messages = messages
            self.tools = tools
            self.toolChoice = toolChoice
            self.maxTokens = maxTokens
            self.maxCompletionTokens = maxCompletionTokens
            self.stream = stream
            self.streamOptions = streamOptions
            self.temperature = temperature
            self.ignoreEOS = ignoreEOS
        }

        enum CodingKeys: String, CodingKey {
            case model, messages, tools, toolChoice = "tool_choice"
            case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens"
            case stream, streamOptions = "stream_options", temperature, ignoreEOS = "ignore_eos"
            case simulation = "agentperf_simulate"
        }

        /// The output limit the client asked for, whichever field it used.
        public var outputLimit: Int? { maxCompletionTokens ?? maxTokens }
    }

    public struct PromptTokensDetails: Codable, Sendable, Hashable {
        public var cachedTokens: Int?
        /// Reported by some OpenAI-compatible services (and the simulated fleet).
        public var cacheWriteTokens: Int?
        public init(cachedTokens: Int?, cacheWriteTokens: Int? = nil) {
            self.cachedTokens = cachedTokens
            self.cacheWriteTokens = cacheWriteTokens
        }
        enum CodingKeys: String, CodingKey {
            case cachedTokens = "cached_tokens", cacheWriteTokens = "cache_write_tokens"
        }
    }

    public struct CompletionTokensDetails: Codable, Sendable, Hashable {
        public var reasoningTokens: Int?
        public init(reasoningTokens: Int?) { self.reasoningTokens = reasoningTokens }
        enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
    }

    public struct Usage: Codable, Sendable, Hashable {
        public var promptTokens: Int
        public var completionTokens: Int
        public var totalTokens: Int?
        public var promptTokensDetails: PromptTokensDetails?
        public var completionTokensDetails: CompletionTokensDetails?

        public init(
            promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil,
            promptTokensDetails: PromptTokensDetails? = nil, completionTokensDetails: CompletionTokensDetails? = nil
        ) {
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.totalTokens = totalTokens
            self.promptTokensDetails = promptTokensDetails
            self.completionTokensDetails = completionTokensDetails
        }

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
            case totalTokens = "total_tokens", promptTokensDetails = "prompt_tokens_details"
            case completionTokensDetails = "completion_tokens_details"
        }
    }

    public struct Delta: Codable, Sendable, Hashable {
        public var role: String?
        public var content: String?
        /// vLLM / DeepSeek style reasoning text.
        public var reasoningContent: String?
        public var toolCalls: [ToolCallDelta]?

        public init(
            role: String? = nil, content: String? = nil, reasoningContent: String? = nil, toolCalls: [ToolCallDelta]? = nil
        ) {
            self.role = role
            self.content = content
            self.reasoningContent = reasoningContent
            self.toolCalls = toolCalls
        }

        enum CodingKeys: String, CodingKey {
            case role, content, reasoningContent = "reasoning_content", toolCalls = "tool_calls"
        }
    }

    /// A piece of a streamed tool call: the first carries `id` and `function.name`, later ones
    /// pieces of `function.arguments`, all with the call's `index`.
    public struct ToolCallDelta: Codable, Sendable, Hashable {
        public var index: Int?
        public var id: String?
        public var type: String?
        public var function: FunctionDelta?

        public init(index: Int?, id: String?, type: String? = nil, function: FunctionDelta? = nil) {
            self.index = index
            self.id = id
            self.type = type
            self.function = function
        }
    }

    public struct FunctionDelta: Codable, Sendable, Hashable {
        public var name: String?
        public var arguments: String?
        public init(name: String? = nil, arguments: String? = nil) {
            self.name = name
            self.arguments = arguments
        }
    }

    public struct ChunkChoice: Codable, Sendable, Hashable {
        public var index: Int
        public var delta: Delta
        public var finishReason: String?

        public init(index: Int, delta: Delta, finishReason: String? = nil) {
            self.index = index
            self.delta = delta
            self.finishReason = finishReason
        }

        enum CodingKeys: String, CodingKey { case index, delta, finishReason = "finish_reason" }
    }

    /// One `data:` event of a streamed completion.
    public struct Chunk: Codable, Sendable, Hashable {
        public var id: String
        public var object: String
        public var created: Int
        public var model: String
        public var choices: [ChunkChoice]
        public var usage: Usage?

        public init(
            id: String, object: String = "chat.completion.chunk", created: Int, model: String, choices: [ChunkChoice],
            usage: Usage? = nil
        ) {
            self.id = id
            self.object = object
            self.created = created
            self.model = model
            self.choices = choices
            self.usage = usage
        }

        enum CodingKeys: String, CodingKey { case id, object, created, model, choices, usage }

        /// Only `choices` is required: servers and proxies differ on the metadata fields (some
        /// omit `created` or `object`, some send `choices: null` with the usage chunk), and none
        /// of them changes what was generated.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decodeIfPresent(String.self, forKey: .id) ?? ""
            object = try c.decodeIfPresent(String.self, forKey: .object) ?? "chat.completion.chunk"
            created = try c.decodeIfPresent(Int.self, forKey: .created) ?? 0
            model = try c.decodeIfPresent(String.self, forKey: .model) ?? ""
            choices = try c.decodeIfPresent([ChunkChoice].self, forKey: .choices) ?? []
            usage = try c.decodeIfPresent(Usage.self, forKey: .usage)
        }
    }

    public struct ResponseMessage: Codable, Sendable, Hashable {
        public var role: String
        public var content: String?
        public var toolCalls: [ToolCall]?
        public init(role: String, content: String?, toolCalls: [ToolCall]? = nil) {
            self.role = role
            self.content = content
            self.toolCalls = toolCalls
        }
        enum CodingKeys: String, CodingKey { case role, content, toolCalls = "tool_calls" }
    }

    public struct Choice: Codable, Sendable, Hashable {
        public var index: Int
        public var message: ResponseMessage
        public var finishReason: String?

        public init(index: Int, message: ResponseMessage, finishReason: String?) {
            self.index = index
            self.message = message
            self.finishReason = finishReason
        }

        enum CodingKeys: String, CodingKey { case index, message, finishReason = "finish_reason" }
    }

    /// A non-streamed completion.
    public struct Response: Codable, Sendable, Hashable {
        public var id: String
        public var object: String
        public var created: Int
        public var model: String
        public var choices: [Choice]
        public var usage: Usage?

        public init(id: String, object: String = "chat.completion", created: Int, model: String, choices: [Choice], usage: Usage?)
        {
            self.id = id
            self.object = object
            self.created = created
            self.model = model
            self.choices = choices
            self.usage = usage
        }
    }
}
