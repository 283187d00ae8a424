/// OpenAI Responses API wire types (`POST /v1/responses`), the subset AgentPerf sends and
/// reads. A streamed response is a sequence of named events (`response.output_text.delta`,
/// `response.function_call_arguments.delta`, …) ending with `response.completed`,
/// `response.incomplete` or `response.failed`; there is no `[DONE]`.
package enum OpenAIResponses {
    /// One input item: a message, a function call the model made earlier, or a tool's output.
    package struct InputItem: Codable, Sendable, Hashable {
        package var type: String?
        package var role: String?
        package var content: String?
        package var callID: String?
        package var name: String?
        package var arguments: String?
        package var output: String?

        enum CodingKeys: String, CodingKey { case type, role, content, callID = "call_id", name, arguments, output }

        package static func message(role: String, content: String) -> InputItem {
            InputItem(type: "message", role: role, content: content)
        }

        package static func functionCall(callID: String, name: String, arguments: String) -> InputItem {
            InputItem(type: "function_call", callID: callID, name: name, arguments: arguments)
        }

        package static func functionCallOutput(callID: String, output: String) -> InputItem {
            InputItem(type: "function_call_output", callID: callID, output: output)
        }
    }

    /// A function tool: `{"type": "function", name, description, parameters}` (flat, unlike Chat
    /// Completions).
    package struct Tool: Codable, Sendable, Hashable {
        package var type = "function"
        package var name: String
        package var description: String?
        package var parameters: JSONValue

        package init(name: String, description: String?, parameters: JSONValue) {
            self.name = name
            self.description = description
            self.parameters = parameters
        }
    }

    package struct Request: Codable, Sendable, Hashable {
        package var model: String
        package var input: [InputItem]
        package var instructions: String?
        package var tools: [Tool]?
        package var maxOutputTokens: Int?
        package var stream: Bool?
        /// `false` so that benchmark traffic is not kept server-side.
        package var store: Bool?

        package init(
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

    package struct Usage: Codable, Sendable, Hashable {
        package var inputTokens: Int
        package var outputTokens: Int
        package var inputTokensDetails: InputDetails?
        package var outputTokensDetails: OutputDetails?

        package struct InputDetails: Codable, Sendable, Hashable {
            package var cachedTokens: Int?
            enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
        }

        package struct OutputDetails: Codable, Sendable, Hashable {
            package var reasoningTokens: Int?
            enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
        }

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens", outputTokens = "output_tokens"
            case inputTokensDetails = "input_tokens_details", outputTokensDetails = "output_tokens_details"
        }
    }

    /// An output item: a message (with `output_text` parts), a function call or a reasoning item.
    package struct OutputItem: Codable, Sendable, Hashable {
        package var type: String
        package var id: String?
        package var callID: String?
        package var name: String?
        package var arguments: String?
        package var status: String?
        package var content: [ContentPart]?

        package struct ContentPart: Codable, Sendable, Hashable {
            package var type: String
            package var text: String?
        }

        enum CodingKeys: String, CodingKey { case type, id, callID = "call_id", name, arguments, status, content }
    }

    package struct ResponseError: Codable, Sendable, Hashable {
        package var code: String?
        package var message: String?
    }

    package struct Response: Codable, Sendable, Hashable {
        package var id: String?
        package var status: String?
        package var model: String?
        package var usage: Usage?
        package var error: ResponseError?
        package var incompleteDetails: IncompleteDetails?
        /// The items produced (non-streamed responses, and `response.completed`).
        package var output: [OutputItem]?

        package struct IncompleteDetails: Codable, Sendable, Hashable { package var reason: String? }

        enum CodingKeys: String, CodingKey {
            case id, status, model, usage, error, incompleteDetails = "incomplete_details", output
        }
    }

    /// Any streamed event; which fields are set depends on `type`.
    package struct StreamEvent: Codable, Sendable, Hashable {
        package var type: String
        package var delta: String?
        package var itemID: String?
        package var outputIndex: Int?
        package var item: OutputItem?
        package var arguments: String?
        package var response: Response?
        /// On `error` events.
        package var code: String?
        package var message: String?

        enum CodingKeys: String, CodingKey {
            case type, delta, itemID = "item_id", outputIndex = "output_index", item, arguments, response, code, message
        }
    }
}
