import Foundation
import Traces
package import WireFormats

/// OpenAI's Chat Completions, Embeddings and rerank as served by vLLM, SGLang, llama.cpp,
/// Ollama, TEI, hosted APIs and the simulated fleet.
///
/// Streams with `stream_options.include_usage`; tool calls are assembled from their deltas.
/// When a server sends no usage, tokens are counted with its `/tokenize` endpoint if it has one,
/// else estimated and marked so (`TokenCounter`).
package struct OpenAIBackend: ChatBackend, EmbeddingBackend, RerankBackend {
    package let providerName: String
    package let options: Options
    private let transport: HTTPTransport
    private let tokenCounter: TokenCounter

    package struct Options: Sendable, Hashable {
        /// Send `ignore_eos` when a call asks for an exact output length (vLLM, SGLang and the
        /// simulated fleet honour it; OpenAI's hosted API rejects it).
        package var sendIgnoreEOS: Bool
        /// Name the output limit `max_completion_tokens` (OpenAI's reasoning models require it)
        /// rather than `max_tokens`.
        package var useMaxCompletionTokens: Bool
        package var rerankDialect: RerankDialect

        package init(sendIgnoreEOS: Bool = false, useMaxCompletionTokens: Bool = false, rerankDialect: RerankDialect = .jina) {
            self.sendIgnoreEOS = sendIgnoreEOS
            self.useMaxCompletionTokens = useMaxCompletionTokens
            self.rerankDialect = rerankDialect
        }
    }

    /// `jina`: `POST {base}/rerank` with `documents` (vLLM, Jina, Cohere-style);
    /// `tei`: `POST {root}/rerank` with `texts` (Hugging Face Text Embeddings Inference).
    package enum RerankDialect: String, Sendable, Hashable, CaseIterable { case jina, tei }

    package init(transport: HTTPTransport, providerName: String, options: Options = Options()) {
        self.transport = transport
        self.providerName = providerName
        self.options = options
        tokenCounter = TokenCounter(transport: transport)
    }

    /// The Chat Completions request body for `call`.
    package static func request(for call: ChatCall, options: Options) -> OpenAIChat.Request {
        var request = OpenAIChat.Request(
            model: call.model, messages: call.messages.map(Self.wire),
            tools: call.tools.isEmpty
                ? nil : call.tools.map { OpenAIChat.Tool(name: $0.name, description: $0.description, parameters: $0.parameters) },
            maxTokens: options.useMaxCompletionTokens ? nil : call.maxTokens,
            maxCompletionTokens: options.useMaxCompletionTokens ? call.maxTokens : nil, stream: call.stream,
            streamOptions: call.stream ? .init(includeUsage: true) : nil,
            ignoreEOS: call.exactOutputLength && options.sendIgnoreEOS ? true : nil, simulation: call.simulation)
        if !call.promptCache { request.promptCache = false }
        return request
    }

    package func chat(_ call: ChatCall, deadline: Int64) async -> ModelCallResult {
        let body = Self.request(for: call, options: options)
        var result: ModelCallResult
        if call.stream {
            result = await transport.postStream(
                "chat/completions", body: body, accumulator: ChatStreamAccumulator.self, deadline: deadline)
        } else {
            result = await transport.postJSON(
                "chat/completions", body: body, as: OpenAIChat.Response.self, deadline: deadline, read: Self.read)
        }
        if result.usage == nil, result.succeeded || result.errorType == StepErrorType.truncatedStream {
            result.usage = await tokenCounter.usage(
                for: call, output: result.content, outputToolCalls: result.toolCalls, deadline: deadline)
        }
        return result
    }

    /// Folds a whole (non-streamed) response into `result`: its text, tool calls, finish reason and usage.
    package static func read(_ response: OpenAIChat.Response, into result: inout ModelCallResult) {
        let message = response.choices.first?.message
        result.content = message?.content ?? ""
        result.toolCalls = (message?.toolCalls ?? []).map {
            ToolCall(id: $0.id, name: $0.function.name, arguments: $0.function.arguments)
        }
        result.finishReason = response.choices.first?.finishReason
        result.usage = response.usage.map(UsageNormalization.openAIChat)
    }

    /// A provider-neutral message in Chat Completions' shape.
    static func wire(_ message: ChatMessage) -> OpenAIChat.Message {
        switch message.role {
        case .assistant where !message.toolCalls.isEmpty:
            OpenAIChat.Message(
                role: "assistant", content: message.content.isEmpty ? nil : message.content,
                toolCalls: message.toolCalls.map { OpenAIChat.ToolCall(id: $0.id, name: $0.name, arguments: $0.arguments) })
        case .tool:
            OpenAIChat.Message(role: "tool", content: message.content, toolCallID: message.toolCallID)
        default:
            OpenAIChat.Message(role: message.role.rawValue, content: message.content)
        }
    }

    package func embed(_ call: EmbeddingCall, deadline: Int64) async -> ModelCallResult {
        await transport.postJSON(
            "embeddings", body: OpenAIEmbeddings.Request(model: call.model, input: call.inputs),
            as: OpenAIEmbeddings.Response.self, deadline: deadline
        ) { response, result in
            result.usage = TokenUsage(uncachedInput: response.usage.promptTokens)
            result.embeddings = response.data.sorted { $0.index < $1.index }.map { $0.embedding.map(Double.init) }
        }
    }

    package func rerank(_ call: RerankCall, deadline: Int64) async -> ModelCallResult {
        switch options.rerankDialect {
        case .jina:
            await transport.postJSON(
                "rerank", body: Rerank.Request(model: call.model, query: call.query, documents: call.documents, topN: call.topN),
                as: Rerank.Response.self, deadline: deadline
            ) { response, result in
                result.ranking = response.results.sorted { $0.relevanceScore > $1.relevanceScore }.map(\.index)
                if let tokens = response.usage?.promptTokens ?? response.usage?.totalTokens {
                    result.usage = TokenUsage(uncachedInput: tokens)
                } else {
                    result.usage = UsageNormalization.estimate(inputText: [call.query] + call.documents, outputText: "")
                }
            }
        case .tei:
            await transport.serverRoot.postJSON(
                "rerank", body: Rerank.TEIRequest(query: call.query, texts: call.documents), as: [Rerank.TEIResult].self,
                deadline: deadline
            ) { response, result in
                result.ranking = response.sorted { $0.score > $1.score }.map(\.index)
                result.usage = UsageNormalization.estimate(inputText: [call.query] + call.documents, outputText: "")
            }
        }
    }
}
