/// OpenAI Chat Completions wire types (`POST /v1/chat/completions`), the subset AgentPerf
/// sends and reads. Field names are the provider's snake_case.
public enum OpenAIChat {
    /// A message of the conversation. `content` may be a string or a list of text parts on the
    /// wire; it is read as the concatenated text.
    public struct Message: Codable, Sendable, Hashable {
        public var role: String
        public var content: String?
        public var name: String?
        public var toolCallID: String?

        public init(role: String, content: String?, name: String? = nil, toolCallID: String? = nil) {
            self.role = role
            self.content = content
            self.name = name
            self.toolCallID = toolCallID
        }

        enum CodingKeys: String, CodingKey { case role, content, name, toolCallID = "tool_call_id" }

        private struct TextPart: Decodable { var type: String; var text: String? }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decode(String.self, forKey: .role)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            toolCallID = try c.decodeIfPresent(String.self, forKey: .toolCallID)
            if let text = try? c.decodeIfPresent(String.self, forKey: .content) {
                content = text
            } else if let parts = try? c.decodeIfPresent([TextPart].self, forKey: .content) {
                content = parts.compactMap(\.text).joined(separator: "\n")
            } else if try c.decodeNil(forKey: .content) {
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

    public struct Request: Codable, Sendable, Hashable {
        public var model: String
        public var messages: [Message]
        public var maxTokens: Int?
        public var maxCompletionTokens: Int?
        public var stream: Bool?
        public var streamOptions: StreamOptions?
        public var temperature: Double?
        /// vLLM's extension: generate exactly `max_tokens`, ignoring end-of-sequence.
        public var ignoreEOS: Bool?

        public init(
            model: String, messages: [Message], maxTokens: Int? = nil, maxCompletionTokens: Int? = nil,
            stream: Bool? = nil, streamOptions: StreamOptions? = nil, temperature: Double? = nil,
            ignoreEOS: Bool? = nil
        ) {
            self.model = model
            self.messages = messages
            self.maxTokens = maxTokens
            self.maxCompletionTokens = maxCompletionTokens
            self.stream = stream
            self.streamOptions = streamOptions
            self.temperature = temperature
            self.ignoreEOS = ignoreEOS
        }

        enum CodingKeys: String, CodingKey {
            case model, messages, maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens"
            case stream, streamOptions = "stream_options", temperature, ignoreEOS = "ignore_eos"
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
        /// Tool-call deltas are only detected here (their arguments are parsed by backends that
        /// drive tools).
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

    public struct ToolCallDelta: Codable, Sendable, Hashable {
        public var index: Int?
        public var id: String?
        public init(index: Int?, id: String?) {
            self.index = index
            self.id = id
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
    }

    public struct ResponseMessage: Codable, Sendable, Hashable {
        public var role: String
        public var content: String?
        public init(role: String, content: String?) {
            self.role = role
            self.content = content
        }
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
