import Foundation
import Synchronization
package import Traces
import WireFormats

/// Counts tokens for servers that stream no usage, with the server's own tokenizer when it has
/// one: vLLM's `/tokenize` (chat messages through the chat template, or a prompt), else
/// llama.cpp's `/apply-template` + `/tokenize`. Which one works is learnt on the first call and
/// remembered; a server with neither gets the four-characters-per-token estimate, marked
/// estimated in the trace.
package final class TokenCounter: Sendable {
    enum Dialect: Sendable { case unknown, vllm, llamaCpp, none }
    private let dialect = Mutex<Dialect>(.unknown)
    private let transport: HTTPTransport

    /// - Parameter transport: the backend's transport; the tokenizer lives at the server root.
    package init(transport: HTTPTransport) {
        self.transport = transport.serverRoot
    }

    /// Usage for a call whose server reported none.
    func usage(
        for call: ChatCall, output: String, outputToolCalls: [ToolCall], deadline: Int64
    ) async
        -> TokenUsage
    {
        let generated = output + outputToolCalls.map { "\($0.name)\($0.arguments)" }.joined()
        let messages = call.messages.map { OpenAIChat.Message(role: $0.role.rawValue, content: $0.content) }
        let current = dialect.withLock { $0 }
        if current == .unknown || current == .vllm {
            if let input = try? await transport.exchange(
                "tokenize", body: VLLMChatTokenize(model: call.model, messages: messages), as: VLLMCount.self, deadline: deadline),
                let output = try? await transport.exchange(
                    "tokenize", body: VLLMPromptTokenize(model: call.model, prompt: generated), as: VLLMCount.self,
                    deadline: deadline)
            {
                dialect.withLock { $0 = .vllm }
                return TokenUsage(uncachedInput: input.count, output: output.count)
            }
        }
        if current == .unknown || current == .llamaCpp {
            if let prompt = try? await transport.exchange(
                "apply-template", body: LlamaTemplate(messages: messages), as: LlamaPrompt.self, deadline: deadline),
                let input = try? await transport.exchange(
                    "tokenize", body: LlamaTokenize(content: prompt.prompt, addSpecial: true), as: LlamaTokens.self,
                    deadline: deadline),
                let output = try? await transport.exchange(
                    "tokenize", body: LlamaTokenize(content: generated, addSpecial: false), as: LlamaTokens.self,
                    deadline: deadline)
            {
                dialect.withLock { $0 = .llamaCpp }
                return TokenUsage(uncachedInput: input.tokens.count, output: output.tokens.count)
            }
        }
        dialect.withLock { if $0 == .unknown { $0 = .none } }
        return Self.estimate(for: call, output: output, outputToolCalls: outputToolCalls)
    }

    /// The four-characters-per-token estimate of a call's usage, marked estimated.
    package static func estimate(for call: ChatCall, output: String, outputToolCalls: [ToolCall]) -> TokenUsage {
        let generated = output + outputToolCalls.map { "\($0.name)\($0.arguments)" }.joined()
        return UsageNormalization.estimate(inputText: call.messages.map(\.content), outputText: generated)
    }

    private struct VLLMChatTokenize: Encodable { var model: String; var messages: [OpenAIChat.Message] }
    private struct VLLMPromptTokenize: Encodable {
        var model: String
        var prompt: String
        var addSpecialTokens = false
        enum CodingKeys: String, CodingKey { case model, prompt, addSpecialTokens = "add_special_tokens" }
    }
    private struct VLLMCount: Decodable { var count: Int }
    private struct LlamaTemplate: Encodable { var messages: [OpenAIChat.Message] }
    private struct LlamaPrompt: Decodable { var prompt: String }
    private struct LlamaTokenize: Encodable {
        var content: String
        var addSpecial: Bool
        enum CodingKeys: String, CodingKey { case content, addSpecial = "add_special" }
    }
    private struct LlamaTokens: Decodable { var tokens: [LlamaToken] }
    /// llama.cpp returns token ids, or `{id, piece}` objects when asked for pieces.
    private struct LlamaToken: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}
