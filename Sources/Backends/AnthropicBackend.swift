import Foundation
import Traces
package import WireFormats

/// Anthropic's Messages API (`POST {base}/messages`, base e.g. `https://api.anthropic.com/v1`).
///
/// System messages become the `system` blocks; tool calls become `tool_use` blocks and their
/// results `tool_result` blocks of the next user message (consecutive results merged, as the API
/// requires). With prompt caching on, breakpoints (`cache_control: ephemeral`) go on the last
/// tool, the last system block and the last block of the conversation, so each call reads the
/// previous call's prefix from the cache and writes its own growth.
package struct AnthropicBackend: ChatBackend {
    package let providerName: String
    package let promptCaching: Bool
    private let transport: HTTPTransport

    /// `anthropic-version` sent unless the workload sets its own.
    package static let apiVersion = "2023-06-01"
    /// `max_tokens` is required by the API; this is sent when a call sets none.
    package static let defaultMaxTokens = 1024

    package init(transport: HTTPTransport, providerName: String = "anthropic", promptCaching: Bool = true) {
        self.transport = transport.withDefaultHeader("anthropic-version", Self.apiVersion)
        self.providerName = providerName
        self.promptCaching = promptCaching
    }

    package func chat(_ call: ChatCall, deadline: Int64) async -> ModelCallResult {
        let body = Self.request(for: call, caching: promptCaching && call.promptCache)
        var result: ModelCallResult
        if call.stream {
            result = await transport.postStream(
                "messages", body: body, accumulator: AnthropicStreamAccumulator.self, deadline: deadline)
        } else {
            result = await transport.postJSON(
                "messages", body: body, as: AnthropicMessages.Response.self, deadline: deadline, read: Self.read)
        }
        if result.usage == nil, result.succeeded {
            result.usage = UsageNormalization.estimate(inputText: call.messages.map(\.content), outputText: result.content)
        }
        return result
    }

    /// Folds a whole (non-streamed) response into `result`: its text, tool calls, stop reason and usage.
    package static func read(_ response: AnthropicMessages.Response, into result: inout ModelCallResult) {
        result.content = response.content.filter { $0.type == "text" }.compactMap(\.text).joined()
        result.toolCalls = response.content.filter { $0.type == "tool_use" }.map {
            ToolCall(id: $0.id ?? "", name: $0.name ?? "", arguments: ($0.input ?? [:]).jsonText)
        }
        result.finishReason = response.stopReason
        result.usage = response.usage.map(UsageNormalization.anthropic)
    }

    package static func request(for call: ChatCall, caching: Bool) -> AnthropicMessages.Request {
        let cache = caching ? AnthropicMessages.CacheControl() : nil
        var system = call.messages.filter { $0.role == .system }.map { AnthropicMessages.Block.text($0.content) }
        if !system.isEmpty { system[system.count - 1].cacheControl = cache }
        var messages: [AnthropicMessages.Message] = []
        func append(_ role: String, _ blocks: [AnthropicMessages.Block]) {
            guard !blocks.isEmpty else { return }
            if messages.last?.role == role {
                messages[messages.count - 1].content += blocks
            } else {
                messages.append(AnthropicMessages.Message(role: role, content: blocks))
            }
        }
        for message in call.messages {
            switch message.role {
            case .system:
                continue
            case .user:
                append("user", [.text(message.content)])
            case .assistant:
                let text: [AnthropicMessages.Block] = message.content.isEmpty ? [] : [.text(message.content)]
                let uses = message.toolCalls.map {
                    AnthropicMessages.Block.toolUse(id: $0.id, name: $0.name, input: JSONValue(parsing: $0.arguments) ?? [:])
                }
                append("assistant", text + uses)
            case .tool:
                append(
                    "user", [.toolResult(toolUseID: message.toolCallID ?? "", content: message.content, isError: message.isError)]
                )
            }
        }
        if let cache, var last = messages.popLast(), !last.content.isEmpty {
            last.content[last.content.count - 1].cacheControl = cache
            messages.append(last)
        }
        var tools = call.tools.map {
            AnthropicMessages.Tool(name: $0.name, description: $0.description, inputSchema: $0.parameters)
        }
        if !tools.isEmpty { tools[tools.count - 1].cacheControl = cache }
        return AnthropicMessages.Request(
            model: call.model, maxTokens: call.maxTokens ?? defaultMaxTokens, system: system.isEmpty ? nil : system,
            messages: messages, tools: tools.isEmpty ? nil : tools, stream: call.stream)
    }
}
