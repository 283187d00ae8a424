/// Anthropic Messages API wire types (`POST /v1/messages`), the subset AgentPerf sends and reads.
///
/// A streamed message is `message_start` (usage so far: input and cache buckets, a first output
/// count), `content_block_start` / `content_block_delta` / `content_block_stop` per block (text,
/// tool_use with `input_json_delta` pieces, thinking), `message_delta` (stop reason and
/// **cumulative** usage), `message_stop`; `ping` and `error` may arrive at any point.
/// `input_tokens` excludes cache reads and writes (unlike OpenAI's `prompt_tokens`).
public enum AnthropicMessages {
    /// `{"type": "ephemeral"}`, optionally with `"ttl": "1h"`: a prompt-cache breakpoint.
    public struct CacheControl: Codable, Sendable, Hashable {
        public var type = "ephemeral"
        public var ttl: String?
        public init(ttl: String? = nil) { self.ttl = ttl }
    }

    /// A content block of a request message.
    public struct Block: Codable, Sendable, Hashable {
        public var type: String
        public var text: String?
        public var id: String?
        public var name: String?
        public var input: JSONValue?
        public var toolUseID: String?
        public var content: String?
        public var isError: Bool?
        public var cacheControl: CacheControl?

        enum CodingKeys: String, CodingKey {
            case type, text, id, name, input, toolUseID = "tool_use_id", content, isError = "is_error"
            case cacheControl = "cache_control"
        }

        public static func text(_ text: String, cache: CacheControl? = nil) -> Block {
            Block(type: "text", text: text, cacheControl: cache)
        }

        public static func toolUse(id: String, name: String, input: JSONValue) -> Block {
            Block(type: "tool_use", id: id, name: name, input: input)
        }

        public static func toolResult(toolUseID: String, content: String, isError: Bool) -> Block {
            Block(type: "tool_result", toolUseID: toolUseID, content: content, isError: isError ? true : nil)
        }
    }

    public struct Message: Codable, Sendable, Hashable {
        public var role: String
        public var content: [Block]
        public init(role: String, content: [Block]) {
            self.role = role
            self.content = content
        }
    }

    public struct Tool: Codable, Sendable, Hashable {
        public var name: String
        public var description: String?
        public var inputSchema: JSONValue
        public var cacheControl: CacheControl?

        public init(name: String, description: String?, inputSchema: JSONValue, cacheControl: CacheControl? = nil) {
            self.name = name
            self.description = description
            self.inputSchema = inputSchema
            self.cacheControl = cacheControl
        }

        enum CodingKeys: String, CodingKey {
            case name, description, inputSchema = "input_schema", cacheControl = "cache_control"
        }
    }

    public struct Request: Codable, Sendable, Hashable {
        public var model: String
        public var maxTokens: Int
        public var system: [Block]?
        public var messages: [Message]
        public var tools: [Tool]?
        public var stream: Bool?

        public init(model: String, maxTokens: Int, system: [Block]?, messages: [Message], tools: [Tool]?, stream: Bool?) {
            self.model = model
            self.maxTokens = maxTokens
            self.system = system
            self.messages = messages
            self.tools = tools
            self.stream = stream
        }

        enum CodingKeys: String, CodingKey { case model, maxTokens = "max_tokens", system, messages, tools, stream }
    }

    public struct Usage: Codable, Sendable, Hashable {
        public var inputTokens: Int?
        public var outputTokens: Int?
        public var cacheCreationInputTokens: Int?
        public var cacheReadInputTokens: Int?
        public var cacheCreation: CacheCreation?

        public init(
            inputTokens: Int?, outputTokens: Int?, cacheCreationInputTokens: Int? = nil, cacheReadInputTokens: Int? = nil,
            cacheCreation: CacheCreation? = nil
        ) {
            self.inputTokens = inputTokens
            self.outputTokens = outputTokens
            self.cacheCreationInputTokens = cacheCreationInputTokens
            self.cacheReadInputTokens = cacheReadInputTokens
            self.cacheCreation = cacheCreation
        }

        public struct CacheCreation: Codable, Sendable, Hashable {
            public var ephemeral5m: Int?
            public var ephemeral1h: Int?
            public init(ephemeral5m: Int?, ephemeral1h: Int?) {
                self.ephemeral5m = ephemeral5m
                self.ephemeral1h = ephemeral1h
            }
            enum CodingKeys: String, CodingKey {
                case ephemeral5m = "ephemeral_5m_input_tokens", ephemeral1h = "ephemeral_1h_input_tokens"
            }
        }

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens", outputTokens = "output_tokens"
            case cacheCreationInputTokens = "cache_creation_input_tokens", cacheReadInputTokens = "cache_read_input_tokens"
            case cacheCreation = "cache_creation"
        }

        /// `self` with the fields `later` reports replacing these (message_delta's usage is
        /// cumulative and may omit fields message_start gave).
        public func updated(by later: Usage) -> Usage {
            Usage(
                inputTokens: later.inputTokens ?? inputTokens, outputTokens: later.outputTokens ?? outputTokens,
                cacheCreationInputTokens: later.cacheCreationInputTokens ?? cacheCreationInputTokens,
                cacheReadInputTokens: later.cacheReadInputTokens ?? cacheReadInputTokens,
                cacheCreation: later.cacheCreation ?? cacheCreation)
        }
    }

    /// A response content block (non-streamed), or the block a `content_block_start` opens.
    public struct ResponseBlock: Codable, Sendable, Hashable {
        public var type: String
        public var text: String?
        public var id: String?
        public var name: String?
        public var input: JSONValue?
    }

    public struct Delta: Codable, Sendable, Hashable {
        public var type: String?
        public var text: String?
        public var partialJSON: String?
        public var thinking: String?
        public var stopReason: String?

        enum CodingKeys: String, CodingKey {
            case type, text, partialJSON = "partial_json", thinking, stopReason = "stop_reason"
        }
    }

    public struct StreamMessage: Codable, Sendable, Hashable {
        public var id: String?
        public var model: String?
        public var usage: Usage?
    }

    public struct ErrorDetail: Codable, Sendable, Hashable {
        public var type: String?
        public var message: String?
    }

    /// Any streamed event; which fields are set depends on `type`.
    public struct StreamEvent: Codable, Sendable, Hashable {
        public var type: String
        public var index: Int?
        public var message: StreamMessage?
        public var contentBlock: ResponseBlock?
        public var delta: Delta?
        public var usage: Usage?
        public var error: ErrorDetail?

        enum CodingKeys: String, CodingKey { case type, index, message, contentBlock = "content_block", delta, usage, error }
    }

    /// A non-streamed response.
    public struct Response: Codable, Sendable, Hashable {
        public var id: String?
        public var model: String?
        public var content: [ResponseBlock]
        public var stopReason: String?
        public var usage: Usage?

        enum CodingKeys: String, CodingKey { case id, model, content, stopReason = "stop_reason", usage }
    }
}
