import Foundation
package import Traces
package import WireFormats

/// Folds a streamed OpenAI chat completion: content deltas, tool-call deltas (assembled by their
/// `index`: the first piece carries the id and name, later ones pieces of the arguments), the
/// finish reason, and the usage chunk that `stream_options.include_usage` adds before `[DONE]`.
package struct ChatStreamAccumulator: StreamAccumulator {
    package private(set) var content = ""
    package private(set) var usage: TokenUsage?
    package private(set) var finishReason: String?
    /// True once `data: [DONE]` arrived.
    package private(set) var isComplete = false
    private var calls: [Int: ToolCall] = [:]
    private let decoder = JSONDecoder()

    package init() {}

    package var toolCalls: [ToolCall] { calls.keys.sorted().compactMap { calls[$0] } }

    package mutating func consume(_ event: ServerSentEvent) throws(StreamProblem) -> Bool {
        if event.data == "[DONE]" {
            isComplete = true
            return false
        }
        if event.event == "error" { throw .serverError(event.data) }
        // The common chunk (content or tool-call deltas) without Codable; anything else, and
        // every error, through JSONDecoder below.
        if let value = JSONReader.parse(event.data), let chunk = OpenAIChat.Chunk(reading: value) {
            return consume(chunk)
        }
        let chunk: OpenAIChat.Chunk
        do {
            chunk = try decoder.decode(OpenAIChat.Chunk.self, from: Data(event.data.utf8))
        } catch {
            if let body = try? decoder.decode(OpenAIErrorBody.self, from: Data(event.data.utf8)) {
                throw .serverError(body.error.message)
            }
            throw .malformed(String(event.data.prefix(120)))
        }
        // An error object mid-stream decodes as a chunk with nothing in it (metadata is optional).
        if chunk.choices.isEmpty, chunk.usage == nil,
            let body = try? decoder.decode(OpenAIErrorBody.self, from: Data(event.data.utf8))
        {
            throw .serverError(body.error.message)
        }
        return consume(chunk)
    }

    /// The terminal `[DONE]` arrived.
    package mutating func complete() { isComplete = true }

    /// Folds one decoded chunk (the in-process fleet hands chunks over without JSON); returns
    /// true when it carried generated output.
    package mutating func consume(_ chunk: OpenAIChat.Chunk) -> Bool {
        if let usage = chunk.usage { self.usage = UsageNormalization.openAIChat(usage) }
        var generated = false
        for choice in chunk.choices {
            if let text = choice.delta.content, !text.isEmpty {
                content += text
                generated = true
            }
            if let reasoning = choice.delta.reasoningContent, !reasoning.isEmpty { generated = true }
            for (position, delta) in (choice.delta.toolCalls ?? []).enumerated() {
                // Servers that send whole calls in one chunk may omit `index`.
                let index = delta.index ?? position
                var call = calls[index] ?? ToolCall(id: "", name: "", arguments: "")
                if let id = delta.id, !id.isEmpty { call.id = id }
                // The name comes whole in the first piece; some servers repeat it on every piece.
                if let name = delta.function?.name, !name.isEmpty, name != call.name { call.name += name }
                if let piece = delta.function?.arguments { call.arguments += piece }
                calls[index] = call
                generated = true
            }
            if let reason = choice.finishReason { finishReason = reason }
        }
        return generated
    }
}

/// Folds a streamed OpenAI Responses API response: `response.output_text.delta`,
/// `response.output_item.added` (a function call's id and name) and
/// `response.function_call_arguments.delta` / `.done`, and the usage of `response.completed`
/// (also of `response.incomplete`, which ends a response cut by its output limit).
package struct ResponsesStreamAccumulator: StreamAccumulator {
    package private(set) var content = ""
    package private(set) var usage: TokenUsage?
    package private(set) var finishReason: String?
    package private(set) var isComplete = false
    private var calls: [Int: ToolCall] = [:]
    private var callIndexByItem: [String: Int] = [:]
    private let decoder = JSONDecoder()

    package init() {}

    package var toolCalls: [ToolCall] { calls.keys.sorted().compactMap { calls[$0] } }

    package mutating func consume(_ event: ServerSentEvent) throws(StreamProblem) -> Bool {
        let decoded: OpenAIResponses.StreamEvent
        do {
            decoded = try decoder.decode(OpenAIResponses.StreamEvent.self, from: Data(event.data.utf8))
        } catch {
            throw .malformed(String(event.data.prefix(120)))
        }
        switch decoded.type {
        case "response.output_text.delta":
            guard let delta = decoded.delta, !delta.isEmpty else { return false }
            content += delta
            return true
        case "response.reasoning_text.delta", "response.reasoning_summary_text.delta":
            return !(decoded.delta ?? "").isEmpty
        case "response.output_item.added", "response.output_item.done":
            guard let item = decoded.item, item.type == "function_call" else { return false }
            let index = decoded.outputIndex ?? calls.count
            var call = calls[index] ?? ToolCall(id: "", name: "", arguments: "")
            call.id = item.callID ?? item.id ?? call.id
            call.name = item.name ?? call.name
            if let arguments = item.arguments, !arguments.isEmpty { call.arguments = arguments }
            calls[index] = call
            if let id = item.id { callIndexByItem[id] = index }
            return decoded.type == "response.output_item.added"
        case "response.function_call_arguments.delta":
            guard let index = callIndex(decoded), let delta = decoded.delta else { return false }
            calls[index, default: ToolCall(id: "", name: "", arguments: "")].arguments += delta
            return true
        case "response.function_call_arguments.done":
            if let index = callIndex(decoded), let arguments = decoded.arguments { calls[index]?.arguments = arguments }
            return false
        case "response.completed", "response.incomplete":
            isComplete = true
            if let usage = decoded.response?.usage { self.usage = UsageNormalization.openAIResponses(usage) }
            finishReason =
                decoded.type == "response.completed"
                ? (calls.isEmpty ? "stop" : "tool_calls") : (decoded.response?.incompleteDetails?.reason ?? "incomplete")
            return false
        case "response.failed":
            throw .serverError(decoded.response?.error?.message ?? "response.failed")
        case "error":
            throw .serverError(decoded.message ?? decoded.code ?? "error event")
        default:
            return false
        }
    }

    private func callIndex(_ event: OpenAIResponses.StreamEvent) -> Int? {
        event.outputIndex ?? event.itemID.flatMap { callIndexByItem[$0] }
    }
}

/// Folds a streamed Anthropic message: text and thinking deltas, tool_use blocks (id and name
/// from `content_block_start`, the input from `input_json_delta` pieces), and usage from
/// `message_start` updated by `message_delta`'s cumulative counts.
package struct AnthropicStreamAccumulator: StreamAccumulator {
    package private(set) var content = ""
    package private(set) var finishReason: String?
    package private(set) var isComplete = false
    private var rawUsage: AnthropicMessages.Usage?
    private var calls: [Int: ToolCall] = [:]
    private let decoder = JSONDecoder()

    package init() {}

    package var usage: TokenUsage? { rawUsage.map(UsageNormalization.anthropic) }

    /// Tool calls in block order. A tool_use block whose input never streamed has input `{}`.
    package var toolCalls: [ToolCall] {
        calls.keys.sorted().compactMap { calls[$0] }.map { call in
            var call = call
            if call.arguments.isEmpty { call.arguments = "{}" }
            return call
        }
    }

    package mutating func consume(_ event: ServerSentEvent) throws(StreamProblem) -> Bool {
        let decoded: AnthropicMessages.StreamEvent
        do {
            decoded = try decoder.decode(AnthropicMessages.StreamEvent.self, from: Data(event.data.utf8))
        } catch {
            throw .malformed(String(event.data.prefix(120)))
        }
        switch decoded.type {
        case "message_start":
            rawUsage = decoded.message?.usage
            return false
        case "content_block_start":
            guard let block = decoded.contentBlock, let index = decoded.index else { return false }
            if block.type == "tool_use" {
                calls[index] = ToolCall(id: block.id ?? "", name: block.name ?? "", arguments: "")
                return true
            }
            if let text = block.text, !text.isEmpty {
                content += text
                return true
            }
            return false
        case "content_block_delta":
            guard let delta = decoded.delta else { return false }
            switch delta.type {
            case "text_delta":
                content += delta.text ?? ""
                return !(delta.text ?? "").isEmpty
            case "input_json_delta":
                guard let index = decoded.index else { return false }
                calls[index, default: ToolCall(id: "", name: "", arguments: "")].arguments += delta.partialJSON ?? ""
                return !(delta.partialJSON ?? "").isEmpty
            case "thinking_delta":
                return !(delta.thinking ?? "").isEmpty
            default:
                return false
            }
        case "message_delta":
            if let reason = decoded.delta?.stopReason { finishReason = reason }
            if let later = decoded.usage { rawUsage = rawUsage.map { $0.updated(by: later) } ?? later }
            return false
        case "message_stop":
            isComplete = true
            return false
        case "error":
            throw .serverError(decoded.error?.message ?? decoded.error?.type ?? "error event")
        default:
            return false  // ping, content_block_stop, and events added later
        }
    }
}
