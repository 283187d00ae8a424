import Foundation
import Traces
package import WireFormats

/// OpenAI's Responses API (`POST {base}/responses`): hosted OpenAI, and servers that implement it
/// (vLLM, SGLang, Ollama). System messages become `instructions`; earlier tool calls and their
/// results become `function_call` / `function_call_output` input items. Nothing is stored
/// server-side (`store: false`).
package struct OpenAIResponsesBackend: ChatBackend {
    package let providerName: String
    private let transport: HTTPTransport

    package init(transport: HTTPTransport, providerName: String) {
        self.transport = transport
        self.providerName = providerName
    }

    package func chat(_ call: ChatCall, deadline: Int64) async -> ModelCallResult {
        let body = Self.request(for: call)
        var result: ModelCallResult
        if call.stream {
            result = await transport.postStream(
                "responses", body: body, accumulator: ResponsesStreamAccumulator.self, deadline: deadline)
        } else {
            result = await transport.postJSON(
                "responses", body: body, as: OpenAIResponses.Response.self, deadline: deadline, read: Self.read)
        }
        if result.usage == nil, result.succeeded {
            result.usage = UsageNormalization.estimate(inputText: call.messages.map(\.content), outputText: result.content)
        }
        return result
    }

    /// Folds a whole (non-streamed) response into `result`: its text, function calls, status and usage.
    package static func read(_ response: OpenAIResponses.Response, into result: inout ModelCallResult) {
        let output = response.output ?? []
        result.content = output.filter { $0.type == "message" }.flatMap { $0.content ?? [] }
            .filter { $0.type == "output_text" }.compactMap(\.text).joined()
        result.toolCalls = output.filter { $0.type == "function_call" }.map {
            ToolCall(id: $0.callID ?? $0.id ?? "", name: $0.name ?? "", arguments: $0.arguments ?? "")
        }
        result.usage = response.usage.map(UsageNormalization.openAIResponses)
        result.finishReason =
            response.status == "completed" ? (result.toolCalls.isEmpty ? "stop" : "tool_calls") : response.status
    }

    static func request(for call: ChatCall) -> OpenAIResponses.Request {
        let instructions = call.messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        var input: [OpenAIResponses.InputItem] = []
        for message in call.messages {
            switch message.role {
            case .system:
                continue
            case .user:
                input.append(.message(role: "user", content: message.content))
            case .assistant:
                if !message.content.isEmpty { input.append(.message(role: "assistant", content: message.content)) }
                for toolCall in message.toolCalls {
                    input.append(.functionCall(callID: toolCall.id, name: toolCall.name, arguments: toolCall.arguments))
                }
            case .tool:
                input.append(.functionCallOutput(callID: message.toolCallID ?? "", output: message.content))
            }
        }
        return OpenAIResponses.Request(
            model: call.model, input: input, instructions: instructions.isEmpty ? nil : instructions,
            tools: call.tools.isEmpty
                ? nil
                : call.tools.map { OpenAIResponses.Tool(name: $0.name, description: $0.description, parameters: $0.parameters) },
            maxOutputTokens: call.maxTokens, stream: call.stream)
    }
}
