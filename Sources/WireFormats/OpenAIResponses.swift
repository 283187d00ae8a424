/// OpenAI Responses API wire types (`POST /v1/responses`), the subset AgentPerf sends and
/// reads. A streamed response is a sequence of named events (`response.output_text.delta`,
/// `response.function_call_arguments.delta`, …) ending with `response.completed`,
/// `response.incomplete` or `response.failed`; there is no `[DONE]`.
public enum OpenAIResponses {
    /// One input item: a message, a function call the model made earlier, or a tool's output.
    public struct InputItem: Codable, Sendable, Hashable {
        public var type: String?
        public var role: String?
        public var content: String?
        public var callID: String?
        public var name: String?
        public var arguments: String?
        public var output: String?

        enum CodingKeys: String, CodingKey { case type, role, content, callID = "call_id", name, arguments, output }

        public static func message(role: String, content: String) -> InputItem {
            InputItem(type: "message", role: role, content: content)
        }

        public static func functionCall(callID: String, name: String, arguments: String) -> InputItem {
            InputItem(type: "function_call", callID: callID, name: name, arguments: arguments)
        }

        public static func functionCallOutput(callID: String, output: String) -> InputItem {
            InputItem(type: "function_call_output", callID: callID, output: output)
        }
    }

    /// A function tool: `{"type": "function", name, description, parameters}` (flat, unlike Chat
    /// Completions).
    public struct Tool: Codable, Sendable, Hashable {
        public var type = "function"
        public var name: String
        public var description: String?
        public var parameters: JSONValue

        public init(name: String, description: String?, parameters: JSONValue) {
            self.name = name
            self.description = description
            self.parameters = parameters
        }
    }

    public struct Request: Codable, Sendable, Hashable {
        public var model: String
        public var input: [InputItem]
        public var instructions: String?
        public var tools: [Tool]?
        public var maxOutputTokens: Int?
        public var stream: Bool?
        /// `false` so that benchmark traffic is not kept server-side.
        public var store: Bool?

        public init(
            model: String, input: [InputItem], instructions: String? = nil, tools: [Tool]? = nil, maxOutputTokens: Int? = nil,
            stream: Bool? = nil, store: Bool? = false
        ) {
            self.model = model
            self.input = input
            self.instructions = instructions
            self.tools = tools
            self.maxOutputTokens = maxOutputTokens
            self.stream = stream
            self.store = store
        }

        enum CodingKeys: String, CodingKey {
            case model, input, instructions, tools, maxOutputTokens = "max_output_tokens", stream, store
        }
    }

    public struct Usage: Codable, Sendable, Hashable {
        public var inputTokens: Int
        public var outputTokens: Int
        public var inputTokensDetails: InputDetails?
        public var outputTokensDetails: OutputDetails?

        public struct InputDetails: Codable, Sendable, Hashable {
            public var cachedTokens: Int?
            enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
        }

        public struct OutputDetails: Codable, Sendable, Hashable {
            public var reasoningTokens: Int?
            enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
        }

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens", outputTokens = "output_tokens"
            case inputTokensDetails = "input_tokens_details", outputTokensDetails = "output_tokens_details"
        }
    }

    /// An output item: a message (with `output_text` parts), a function call or a reasoning item.
    public struct OutputItem: Codable, Sendable, Hashable {
        public var type: String
        public var id: String?
        public var callID: String?
        public var name: String?
        public var arguments: String?
        public var status: String?
        public var content: [ContentPart]?

        public struct ContentPart: Codable, Sendable, Hashable {
            public var type: String
            public var text: String?
        }

        enum CodingKeys: String, CodingKey { case type, id, callID = "call_id", name, arguments, status, content }
    }

    public struct ResponseError: Codable, Sendable, Hashable {
        public var code: String?
        public var message: String?
    }

    public struct Response: Codable, Sendable, Hashable {
        public var id: String?
        public var status: String?
        public var model: String?
        public var usage: Usage?
        public var error: ResponseError?
        public var incompleteDetails: IncompleteDetails?
        /// The items produced (non-streamed responses, and `response.completed`).
        public var output: [OutputItem]?

        public struct IncompleteDetails: Codable, Sendable, Hashable { public var reason: String? }

        enum CodingKeys: String, CodingKey {
            case id, status, model, usage, error, incompleteDetails = "incomplete_details", output
        }
    }

    /// Any streamed event; which fields are set depends on `type`.
    public struct StreamEvent: Codable, Sendable, Hashable {
        public var type: String
        public var delta: String?
        public var itemID: String?
        public var outputIndex: Int?
        public var item: OutputItem?
        public var arguments: String?
        public var response: Response?
        /// On `error` events.
        public var code: String?
        public var message: String?

        enum CodingKeys: String, CodingKey {
            case type, delta, itemID = "item_id", outputIndex = "output_index", item, arguments, response, code, message
        }
    }
}
