import Backends
import Foundation
import Traces
import WireFormats

/// The model APIs the gateway records. Other paths are passed through unrecorded.
package enum ModelAPI: String, Sendable, CaseIterable {
    /// OpenAI Chat Completions, `POST /v1/chat/completions`.
    case chatCompletions = "chat/completions"
    /// OpenAI Responses, `POST /v1/responses`.
    case responses
    /// Anthropic Messages, `POST /v1/messages`.
    case messages

    /// `gen_ai.provider.name` of the calls, by the protocol they speak.
    var provider: String { self == .messages ? "anthropic" : "openai" }

    /// A fresh accumulator for one streamed response of this protocol.
    func streamAccumulator() -> any StreamAccumulator {
        switch self {
        case .chatCompletions: ChatStreamAccumulator()
        case .responses: ResponsesStreamAccumulator()
        case .messages: AnthropicStreamAccumulator()
        }
    }

    /// Folds a whole (non-streamed) JSON response into `result`; false when it does not decode.
    func readWhole(_ data: Data, into result: inout ModelCallResult) -> Bool {
        let decoder = JSONDecoder()
        switch self {
        case .chatCompletions:
            guard let response = try? decoder.decode(OpenAIChat.Response.self, from: data) else { return false }
            OpenAIBackend.read(response, into: &result)
        case .responses:
            guard let response = try? decoder.decode(OpenAIResponses.Response.self, from: data) else { return false }
            OpenAIResponsesBackend.read(response, into: &result)
        case .messages:
            guard let response = try? decoder.decode(AnthropicMessages.Response.self, from: data) else { return false }
            AnthropicBackend.read(response, into: &result)
        }
        return true
    }
}

/// A tool's result the agent sends back in a request, answering a call the model made.
struct ToolResultSeen: Sendable, Hashable {
    var callID: String
    var content: String
    var isError: Bool
}

/// What the gateway reads from a request body: enough for the trace, never stored as content.
struct CallRequest: Sendable {
    var model: String?
    var stream: Bool
    /// The prompt as (role, text) messages, for `prompt_fingerprints`.
    var conversation: [(role: String, content: String)]
    var toolResults: [ToolResultSeen]
    /// Chat Completions only: the client asked for the usage chunk (`stream_options.include_usage`).
    var asksForUsage: Bool
    /// `prompt_fingerprints` of the conversation, hashed once per call (the step and the policy's retry check use them).
    private(set) var fingerprints: [String] = []

    /// Reads `body` as a request of `api`; nil when it is not a JSON object.
    init?(_ body: JSONValue, api: ModelAPI) {
        guard case .object(let fields) = body else { return nil }
        model = fields["model"]?.stringValue
        stream = fields["stream"] == .bool(true)
        asksForUsage = fields["stream_options"]?["include_usage"] == .bool(true)
        conversation = []
        toolResults = []
        switch api {
        case .chatCompletions: readChat(fields["messages"])
        case .responses: readResponses(instructions: fields["instructions"], input: fields["input"])
        case .messages: readMessages(system: fields["system"], messages: fields["messages"])
        }
        fingerprints = ContentHash.chain(conversation)
    }

    private mutating func readChat(_ messages: JSONValue?) {
        guard case .array(let messages) = messages else { return }
        for message in messages {
            let role = message["role"]?.stringValue ?? "user"
            var text = Self.text(message["content"])
            if case .array(let calls) = message["tool_calls"] {
                for call in calls {
                    text +=
                        "\u{1F}" + (call["function"]?["name"]?.stringValue ?? "")
                        + (call["function"]?["arguments"]?.stringValue ?? "")
                }
            }
            conversation.append((role, text))
            if role == "tool", let id = message["tool_call_id"]?.stringValue {
                toolResults.append(ToolResultSeen(callID: id, content: text, isError: false))
            }
        }
    }

    private mutating func readResponses(instructions: JSONValue?, input: JSONValue?) {
        if let instructions = instructions?.stringValue { conversation.append(("system", instructions)) }
        switch input {
        case .string(let text): conversation.append(("user", text))
        case .array(let items):
            for item in items {
                switch item["type"]?.stringValue ?? "message" {
                case "function_call":
                    conversation.append(
                        ("assistant", (item["name"]?.stringValue ?? "") + (item["arguments"]?.stringValue ?? "")))
                case "function_call_output":
                    let output = Self.text(item["output"])
                    conversation.append(("tool", output))
                    if let id = item["call_id"]?.stringValue {
                        toolResults.append(ToolResultSeen(callID: id, content: output, isError: false))
                    }
                default:
                    conversation.append((item["role"]?.stringValue ?? "user", Self.text(item["content"])))
                }
            }
        default: break
        }
    }

    private mutating func readMessages(system: JSONValue?, messages: JSONValue?) {
        if let system { conversation.append(("system", Self.text(system))) }
        guard case .array(let messages) = messages else { return }
        for message in messages {
            let role = message["role"]?.stringValue ?? "user"
            conversation.append((role, Self.text(message["content"])))
            guard case .array(let blocks) = message["content"] else { continue }
            for block in blocks where block["type"]?.stringValue == "tool_result" {
                guard let id = block["tool_use_id"]?.stringValue else { continue }
                toolResults.append(
                    ToolResultSeen(callID: id, content: Self.text(block["content"]), isError: block["is_error"] == .bool(true)))
            }
        }
    }

    /// The text of a content field: a string, or the text of its parts (tool uses by name and input).
    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text): return text
        case .array(let parts): return parts.map { text($0) }.joined(separator: "\n")
        case .object(let fields):
            if let text = fields["text"]?.stringValue { return text }
            if fields["type"]?.stringValue == "tool_use" {
                return (fields["name"]?.stringValue ?? "") + (fields["input"]?.jsonText ?? "")
            }
            return text(fields["content"])
        default: return ""
        }
    }
}
