/// Anthropic Messages API wire types (`POST /v1/messages`), the subset AgentPerf sends and reads.
///
/// A streamed message is `message_start` (usage so far: input and cache buckets, a first output
/// count), `content_block_start` / `content_block_delta` / `content_block_stop` per block (text,
/// tool_use with `input_json_delta` pieces, thinking), `message_delta` (stop reason and
/// **cumulative** usage), `message_stop`; `ping` and `error` may arrive at any point.
/// `input_tokens` excludes cache reads and writes (unlike OpenAI's `prompt_tokens`).
package enum AnthropicMessages {
    /// `{"type": "ephemeral"}`, optionally with `"ttl": "1h"`: a prompt-cache breakpoint.
    package struct CacheControl: Codable, Sendable, Hashable {
        package var type = "ephemeral"
        package var ttl: String?
        package init(ttl: String? = nil) { self.ttl = ttl }
    }

    /// A content block of a request message.
    package struct Block: Codable, Sendable, Hashable {
        package var type: String
        package var text: String?
        package var id: String?
        package var name: String?
        package var input: JSONValue?
        package var toolUseID: String?
        package var content: String?
        package var isError: Bool?
        package var cacheControl: CacheControl?

        enum CodingKeys: String, CodingKey {
            case type, text, id, name, input, toolUseID = "tool_use_id", content, isError = "is_error"
            case cacheControl = "cache_control"
        }

        package static func text(_ text: String, cache: CacheControl? = nil) -> Block {
            Block(type: "text", text: text, cacheControl: cache)
        }

        package static func toolUse(id: String, name: String, input: JSONValue) -> Block {
            Block(type: "tool_use", id: id, name: name, input: input)
        }

        package static func toolResult(toolUseID: String, content: String, isError: Bool) -> Block {
            Block(type: "tool_result", toolUseID: toolUseID, content: content, isError: isError ? true : nil)
        }
    }

    package struct Message: Codable, Sendable, Hashable {
        package var role: String
        package var content: [Block]
        package init(role: String, content: [Block]) {
            self.role = role
            self.content = content
        }
    }

    package struct Tool: Codable, Sendable, Hashable {
        package var name: String
        package var description: String?
        package var inputSchema: JSONValue
        package var cacheControl: CacheControl?

        package init(name: String, description: String?, inputSchema: JSONValue, cacheControl: CacheControl? = nil) {
            self.name = name
            self.description = description
            self.inputSchema = inputSchema
            self.cacheControl = cacheControl
        }

        enum CodingKeys: String, CodingKey {
            case name, description, inputSchema = "input_schema", cacheControl = "cache_control"
        }
    }

    package struct Request: Codable, Sendable, Hashable {
        package var model: String
        package var maxTokens: Int
        package var system: [Block]?
        package var messages: [Message]
        package var tools: [Tool]?
        package var stream: Bool?

        package init(model: String, maxTokens: Int, system: [Block]?, messages: [Message], tools: [Tool]?, stream: Bool?) {
            self.model = model
            self.maxTokens = maxTokens
            self.system = system
            self.messages = messages
            self.tools = tools
            self.stream = stream
        }

        enum CodingKeys: String, CodingKey { case model, maxTokens = "max_tokens", system, messages, tools, stream }
    }

    package struct Usage: Codable, Sendable, Hashable {
        package var inputTokens: Int?
        package var outputTokens: Int?
        package var cacheCreationInputTokens: Int?
        package var cacheReadInputTokens: Int?
        package var cacheCreation: CacheCreation?

        package init(
            inputTokens: Int?, outputTokens: Int?, cacheCreationInputTokens: Int? = nil, cacheReadInputTokens: Int? = nil,
            cacheCreation: CacheCreation? = nil
        ) {
            self.inputTokens = inputTokens
            self.outputTokens = outputTokens
            self.cacheCreationInputTokens = cacheCreationInputTokens
            self.cacheReadInputTokens = cacheReadInputTokens
            self.cacheCreation = cacheCreation
        }

        package struct CacheCreation: Codable, Sendable, Hashable {
            package var ephemeral5m: Int?
            package var ephemeral1h: Int?
            package init(ephemeral5m: Int?, ephemeral1h: Int?) {
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
        package func updated(by later: Usage) -> Usage {
            Usage(
                inputTokens: later.inputTokens ?? inputTokens, outputTokens: later.outputTokens ?? outputTokens,
                cacheCreationInputTokens: later.cacheCreationInputTokens ?? cacheCreationInputTokens,
                cacheReadInputTokens: later.cacheReadInputTokens ?? cacheReadInputTokens,
                cacheCreation: later.cacheCreation ?? cacheCreation)
        }
    }

    /// A response content block (non-streamed), or the block a `content_block_start` opens.
    package struct ResponseBlock: Codable, Sendable, Hashable {
        package var type: String
        package var text: String?
        package var id: String?
        package var name: String?
        package var input: JSONValue?
    }

    package struct Delta: Codable, Sendable, Hashable {
        package var type: String?
        package var text: String?
        package var partialJSON: String?
        package var thinking: String?
        package var stopReason: String?

        enum CodingKeys: String, CodingKey {
            case type, text, partialJSON = "partial_json", thinking, stopReason = "stop_reason"
        }
    }

    package struct StreamMessage: Codable, Sendable, Hashable {
        package var id: String?
        package var model: String?
        package var usage: Usage?
    }

    package struct ErrorDetail: Codable, Sendable, Hashable {
        package var type: String?
        package var message: String?
    }

    /// Any streamed event; which fields are set depends on `type`.
    package struct StreamEvent: Codable, Sendable, Hashable {
        package var type: String
        package var index: Int?
        package var message: StreamMessage?
        package var contentBlock: ResponseBlock?
        package var delta: Delta?
        package var usage: Usage?
        package var error: ErrorDetail?

        enum CodingKeys: String, CodingKey { case type, index, message, contentBlock = "content_block", delta, usage, error }
    }

    /// A non-streamed response.
    package struct Response: Codable, Sendable, Hashable {
        package var id: String?
        package var model: String?
        package var content: [ResponseBlock]
        package var stopReason: String?
        package var usage: Usage?

        enum CodingKeys: String, CodingKey { case id, model, content, stopReason = "stop_reason", usage }
    }
}
