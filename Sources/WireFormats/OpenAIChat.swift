/// OpenAI Chat Completions wire types (`POST /v1/chat/completions`), the subset AgentPerf
/// sends and reads. Field names are the provider's snake_case.
package enum OpenAIChat {
    /// A message of the conversation. `content` may be a string or a list of text parts on the
    /// wire; it is read as the concatenated text.
    package struct Message: Codable, Sendable, Hashable {
        package var role: String
        package var content: String?
        package var name: String?
        /// On a `tool` message: the call it answers.
        package var toolCallID: String?
        /// On an `assistant` message: the tools it called.
        package var toolCalls: [ToolCall]?

        package init(
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

        package init(from decoder: any Decoder) throws {
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

    package struct StreamOptions: Codable, Sendable, Hashable {
        package var includeUsage: Bool?
        package init(includeUsage: Bool?) { self.includeUsage = includeUsage }
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    /// A function the model may call: `{"type": "function", "function": {name, description, parameters}}`.
    package struct Tool: Codable, Sendable, Hashable {
        package var type: String
        package var function: FunctionDefinition

        package init(name: String, description: String?, parameters: JSONValue) {
            type = "function"
            function = FunctionDefinition(name: name, description: description, parameters: parameters)
        }
    }

    package struct FunctionDefinition: Codable, Sendable, Hashable {
        package var name: String
        package var description: String?
        /// A JSON Schema object.
        package var parameters: JSONValue
    }

    /// A complete tool call: on an assistant message, or assembled from stream deltas.
    package struct ToolCall: Codable, Sendable, Hashable {
        package var id: String
        package var type: String
        package var function: FunctionCall

        package init(id: String, name: String, arguments: String) {
            self.id = id
            type = "function"
            function = FunctionCall(name: name, arguments: arguments)
        }
    }

    package struct FunctionCall: Codable, Sendable, Hashable {
        package var name: String
        /// JSON text, as the model wrote it (it may not parse).
        package var arguments: String
    }

    package struct Request: Codable, Sendable, Hashable {
        package var model: String
        package var messages: [Message]
        package var tools: [Tool]?
        /// `"auto"`, `"none"`, `"required"`, or `{"type": "function", "function": {"name": …}}`.
        package var toolChoice: JSONValue?
        package var maxTokens: Int?
        package var maxCompletionTokens: Int?
        package var stream: Bool?
        package var streamOptions: StreamOptions?
        package var temperature: Double?
        /// vLLM's extension: generate exactly `max_tokens`, ignoring end-of-sequence.
        package var ignoreEOS: Bool?
        /// AgentPerf's extension for the simulated fleet only (`agentperf_simulate`).
        package var simulation: SimulationScript?
        /// AgentPerf's extension for the simulated fleet only (`agentperf_prompt_cache`): false
        /// serves the request without the prefix cache (nothing read, nothing written).
        package var promptCache: Bool?

        package init(
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
            case simulation = "agentperf_simulate", promptCache = "agentperf_prompt_cache"
        }

        /// The output limit the client asked for, whichever field it used.
        package var outputLimit: Int? { maxCompletionTokens ?? maxTokens }
    }

    package struct PromptTokensDetails: Codable, Sendable, Hashable {
        package var cachedTokens: Int?
        /// Reported by some OpenAI-compatible services (and the simulated fleet).
        package var cacheWriteTokens: Int?
        package init(cachedTokens: Int?, cacheWriteTokens: Int? = nil) {
            self.cachedTokens = cachedTokens
            self.cacheWriteTokens = cacheWriteTokens
        }
        enum CodingKeys: String, CodingKey {
            case cachedTokens = "cached_tokens", cacheWriteTokens = "cache_write_tokens"
        }
    }

    package struct CompletionTokensDetails: Codable, Sendable, Hashable {
        package var reasoningTokens: Int?
        package init(reasoningTokens: Int?) { self.reasoningTokens = reasoningTokens }
        enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
    }

    package struct Usage: Codable, Sendable, Hashable {
        package var promptTokens: Int
        package var completionTokens: Int
        package var totalTokens: Int?
        package var promptTokensDetails: PromptTokensDetails?
        package var completionTokensDetails: CompletionTokensDetails?

        package init(
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

    package struct Delta: Codable, Sendable, Hashable {
        package var role: String?
        package var content: String?
        /// vLLM / DeepSeek style reasoning text.
        package var reasoningContent: String?
        package var toolCalls: [ToolCallDelta]?

        package init(
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
    package struct ToolCallDelta: Codable, Sendable, Hashable {
        package var index: Int?
        package var id: String?
        package var type: String?
        package var function: FunctionDelta?

        package init(index: Int?, id: String?, type: String? = nil, function: FunctionDelta? = nil) {
            self.index = index
            self.id = id
            self.type = type
            self.function = function
        }
    }

    package struct FunctionDelta: Codable, Sendable, Hashable {
        package var name: String?
        package var arguments: String?
        package init(name: String? = nil, arguments: String? = nil) {
            self.name = name
            self.arguments = arguments
        }
    }

    package struct ChunkChoice: Codable, Sendable, Hashable {
        package var index: Int
        package var delta: Delta
        package var finishReason: String?

        package init(index: Int, delta: Delta, finishReason: String? = nil) {
            self.index = index
            self.delta = delta
            self.finishReason = finishReason
        }

        enum CodingKeys: String, CodingKey { case index, delta, finishReason = "finish_reason" }
    }

    /// One `data:` event of a streamed completion.
    package struct Chunk: Codable, Sendable, Hashable {
        package var id: String
        package var object: String
        package var created: Int
        package var model: String
        package var choices: [ChunkChoice]
        package var usage: Usage?

        package init(
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
        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decodeIfPresent(String.self, forKey: .id) ?? ""
            object = try c.decodeIfPresent(String.self, forKey: .object) ?? "chat.completion.chunk"
            created = try c.decodeIfPresent(Int.self, forKey: .created) ?? 0
            model = try c.decodeIfPresent(String.self, forKey: .model) ?? ""
            choices = try c.decodeIfPresent([ChunkChoice].self, forKey: .choices) ?? []
            usage = try c.decodeIfPresent(Usage.self, forKey: .usage)
        }
    }

    package struct ResponseMessage: Codable, Sendable, Hashable {
        package var role: String
        package var content: String?
        package var toolCalls: [ToolCall]?
        package init(role: String, content: String?, toolCalls: [ToolCall]? = nil) {
            self.role = role
            self.content = content
            self.toolCalls = toolCalls
        }
        enum CodingKeys: String, CodingKey { case role, content, toolCalls = "tool_calls" }
    }

    package struct Choice: Codable, Sendable, Hashable {
        package var index: Int
        package var message: ResponseMessage
        package var finishReason: String?

        package init(index: Int, message: ResponseMessage, finishReason: String?) {
            self.index = index
            self.message = message
            self.finishReason = finishReason
        }

        enum CodingKeys: String, CodingKey { case index, message, finishReason = "finish_reason" }
    }

    /// A non-streamed completion.
    package struct Response: Codable, Sendable, Hashable {
        package var id: String
        package var object: String
        package var created: Int
        package var model: String
        package var choices: [Choice]
        package var usage: Usage?

        package init(
            id: String, object: String = "chat.completion", created: Int, model: String, choices: [Choice], usage: Usage?
        ) {
            self.id = id
            self.object = object
            self.created = created
            self.model = model
            self.choices = choices
            self.usage = usage
        }
    }
}
