import Foundation
import Hummingbird
import NIOCore
import SimulatedFleet
import WireFormats

/// The HTTP endpoints of the simulated fleet.
struct FleetRoutes: Sendable {
    let fleet: ClockedFleet
    var faults: FaultInjector? = nil
    /// Prompts of agents grow large; 64 MiB is far above any simulated context.
    static let maxBodyBytes = 64 << 20
    /// Output length when the client gives no `max_tokens`.
    static let defaultOutputLimit = 256

    func register(on router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in "ok" }
        router.get("/v1/models") { _, _ in try await self.models() }
        router.get("/metrics") { _, _ in await self.metrics() }
        router.post("/v1/chat/completions") { request, _ in try await self.chatCompletions(request) }
        router.post("/v1/embeddings") { request, _ in try await self.embeddings(request) }
        router.post("/v1/rerank") { request, _ in try await self.rerank(request) }
    }

    private func models() async throws -> Response {
        let list = OpenAIModelList(
            data: await fleet.servedModels.map {
                OpenAIModelList.Model(id: $0.name, ownedBy: "agentperf-simulated-fleet")
            })
        return try Self.json(list)
    }

    // MARK: Chat completions

    private func chatCompletions(_ request: Request) async throws -> Response {
        let chat: OpenAIChat.Request
        switch try await Self.decode(OpenAIChat.Request.self, from: request) {
        case .success(let value): chat = value
        case .failure(let failure): return failure.response
        }
        let served: ServedModel
        switch await model(chat.model, kind: .generative) {
        case .success(let model): served = model
        case .failure(let failure): return failure.response
        }
        let fault = faults?.next()
        switch fault {
        case .rateLimited?:
            let milliseconds = faults!.configuration.retryAfterMilliseconds
            var headers = HTTPFields()
            headers[.retryAfter] = String((milliseconds + 999) / 1000)
            headers[.init("retry-after-ms")!] = String(milliseconds)
            return Self.error(.tooManyRequests, "injected fault: rate limited", type: "rate_limit_error", headers: headers)
        case .serverError?:
            return Self.error(.serviceUnavailable, "injected fault: server error", type: "server_error")
        default:
            break
        }
        let prompt = Self.promptTokens(chat)
        let scripted = ScriptedTurn.turn(for: chat.messages, prompt: prompt)
        let limit = chat.outputLimit ?? Self.defaultOutputLimit
        guard limit >= 1 else {
            return Self.error(.badRequest, "max_tokens must be at least 1", type: "invalid_request_error")
        }
        // As vLLM does, the requested limit must fit the context, whatever the reply's length.
        let context = served.architecture.maxContext
        guard prompt.count + limit <= context else {
            return Self.error(
                .badRequest,
                "This model's maximum context length is \(context) tokens. However, you requested \(prompt.count + limit) tokens (\(prompt.count) in the messages, \(limit) in the completion). Please reduce the length of the messages or completion.",
                type: "invalid_request_error")
        }
        // With ignore_eos (vLLM's benchmarking switch) the reply is exactly max_tokens long;
        // otherwise its length is drawn from the prompt, as an end-of-sequence token would fall.
        // A scripted turn (model-driven agents) is as long as what it says, within the limit.
        let output =
            scripted.map { min(limit, $0.outputTokens) }
            ?? (chat.ignoreEOS == true ? limit : Self.naturalLength(prompt: prompt, limit: limit))
        let submission: (SimulatedFleet.RequestID, AsyncStream<EngineEvent>)
        do {
            submission = try await fleet.submit(model: chat.model, promptTokens: prompt, outputTokens: output)
        } catch {
            return Self.error(.badRequest, "\(error)", type: "invalid_request_error")
        }
        let (id, events) = submission
        let reportsWrites = await fleet.reportsCacheWrites(chat.model)
        let reply = ReplyContext(
            id: "chatcmpl-sim-\(id)", model: chat.model, created: Int(Date().timeIntervalSince1970),
            reportsCacheWrites: reportsWrites)

        // Hold the head until the engine admits (or rejects) the request.
        var queueMilliseconds = 0.0
        for await event in events {
            if case .admitted(_, let queue, _) = event { queueMilliseconds = Double(queue) / 1e6; break }
            if case .rejected(_, let reason) = event { return Self.error(.badRequest, reason, type: "invalid_request_error") }
        }
        var headers = HTTPFields()
        headers[.init("Server-Timing")!] = ServerTiming.header([("queue", queueMilliseconds)])

        guard chat.stream == true else {
            var text: [String] = []
            var usage: RequestUsage?
            for await event in events {
                if case .token(_, _, let word) = event { text.append(word) }
                if case .finished(_, let u) = event { usage = u }
            }
            guard let usage else { return Self.error(.serviceUnavailable, "the fleet stopped", type: "server_error") }
            let message =
                scripted.map { $0.message(thinkingText: text.prefix($0.thinking).joined(separator: " ")) }
                ?? .init(role: "assistant", content: text.joined(separator: " "))
            let response = OpenAIChat.Response(
                id: reply.id, created: reply.created, model: reply.model,
                choices: [.init(index: 0, message: message, finishReason: scripted?.finishReason ?? reply.finishReason(usage))],
                usage: reply.usage(usage))
            return try Self.json(response, headers: headers)
        }

        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let includeUsage = chat.streamOptions?.includeUsage == true
        let fleet = self.fleet
        let body = ResponseBody { writer in
            do {
                try await writer.write(try reply.chunk(delta: OpenAIChat.Delta(role: "assistant", content: "")))
                for await event in events {
                    switch event {
                    case .token(_, let index, let word):
                        if index == output / 2, let fault {
                            switch fault {
                            case .truncated: throw InjectedFault()  // closes the connection mid-stream
                            case .malformed: try await writer.write(ByteBuffer(string: "data: {\"choices\": [injected\n\n"))
                            case .rateLimited, .serverError: break
                            }
                        }
                        let delta =
                            scripted?.delta(at: index, word: word) ?? OpenAIChat.Delta(content: index == 0 ? word : " " + word)
                        try await writer.write(try reply.chunk(delta: delta))
                    case .finished(_, let usage):
                        try await writer.write(
                            try reply.chunk(
                                delta: OpenAIChat.Delta(), finishReason: scripted?.finishReason ?? reply.finishReason(usage)))
                        if includeUsage { try await writer.write(try reply.usageChunk(usage)) }
                        try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                    case .admitted, .rejected:
                        break
                    }
                }
                try await writer.finish(nil)
            } catch {
                await fleet.cancel(id)  // the client went away: free its KV blocks
                throw error
            }
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The prompt as a chat template would render it: tool definitions first (they are the same
    /// in every call, so they share the cached prefix, as real templates put them in the system
    /// turn), then each message's text and the tool calls it made.
    static func promptTokens(_ chat: OpenAIChat.Request) -> [UInt32] {
        var messages: [(role: String, content: String)] = []
        if let tools = chat.tools, !tools.isEmpty {
            messages.append(
                (
                    "tools",
                    tools.map { "\($0.function.name) \($0.function.description ?? "") \($0.function.parameters.jsonText)" }
                        .joined(separator: "\n")
                ))
        }
        for message in chat.messages {
            let calls = (message.toolCalls ?? []).map { " \($0.function.name) \($0.function.arguments)" }.joined()
            messages.append((message.role, (message.content ?? "") + calls))
        }
        return SimTokenizer.chatPrompt(messages)
    }

    static func naturalLength(prompt: [UInt32], limit: Int) -> Int {
        let seed = SimTokenizer.outputSeed(for: prompt)
        return min(limit, 16 + Int(seed % 240))
    }

    // MARK: Embeddings

    private func embeddings(_ request: Request) async throws -> Response {
        let embed: OpenAIEmbeddings.Request
        switch try await Self.decode(OpenAIEmbeddings.Request.self, from: request) {
        case .success(let value): embed = value
        case .failure(let failure): return failure.response
        }
        let served: ServedModel
        switch await model(embed.model, kind: .encoder) {
        case .success(let model): served = model
        case .failure(let failure): return failure.response
        }
        let pass: EncoderPass
        switch await encode(embed.input, model: embed.model) {
        case .success(let value): pass = value
        case .failure(let failure): return failure.response
        }
        let dimension = served.architecture.embeddingDimension
        let data = embed.input.enumerated().map {
            OpenAIEmbeddings.Embedding(index: $0.offset, embedding: SimTokenizer.embedding(of: $0.element, dimension: dimension))
        }
        return try Self.json(
            OpenAIEmbeddings.Response(
                data: data, model: embed.model, usage: .init(promptTokens: pass.tokens, totalTokens: pass.tokens)),
            headers: pass.headers)
    }

    // MARK: Rerank

    /// Jina/vLLM-style rerank: each document is scored against the query as one encoder pass
    /// over query and document; the score is the cosine of their (hashed bag-of-words)
    /// embeddings, so documents sharing the query's words rank first.
    private func rerank(_ request: Request) async throws -> Response {
        let rerank: Rerank.Request
        switch try await Self.decode(Rerank.Request.self, from: request) {
        case .success(let value): rerank = value
        case .failure(let failure): return failure.response
        }
        let served: ServedModel
        switch await model(rerank.model, kind: .encoder) {
        case .success(let model): served = model
        case .failure(let failure): return failure.response
        }
        let pass: EncoderPass
        switch await encode(rerank.documents.map { rerank.query + " " + $0 }, model: rerank.model) {
        case .success(let value): pass = value
        case .failure(let failure): return failure.response
        }
        let dimension = served.architecture.embeddingDimension
        let query = SimTokenizer.embedding(of: rerank.query, dimension: dimension)
        var results = rerank.documents.enumerated().map { index, document in
            let vector = SimTokenizer.embedding(of: document, dimension: dimension)
            return Rerank.Result(index: index, relevanceScore: Double(zip(query, vector).reduce(0) { $0 + $1.0 * $1.1 }))
        }
        results.sort { $0.relevanceScore > $1.relevanceScore }
        if let top = rerank.topN { results = Array(results.prefix(max(0, top))) }
        return try Self.json(
            Rerank.Response(results: results, usage: .init(totalTokens: pass.tokens, promptTokens: pass.tokens)),
            headers: pass.headers)
    }

    /// What one encoder pass over several inputs cost: tokens, and the server-timing header with
    /// the longest admission wait.
    struct EncoderPass {
        var tokens: Int
        var headers: HTTPFields
    }

    /// Runs `inputs` through encoder `model` on the engine (prefill only) and waits for them.
    private func encode(_ inputs: [String], model: String) async -> Result<EncoderPass, ErrorResponse> {
        var tokens = 0
        var streams: [AsyncStream<EngineEvent>] = []
        for text in inputs {
            var ids: [UInt32] = []
            SimTokenizer.tokenize(text, into: &ids)
            if ids.isEmpty { ids = [SimTokenizer.roleMarker("empty")] }
            do {
                streams.append(try await fleet.submit(model: model, promptTokens: ids, outputTokens: 0).1)
            } catch {
                return .failure(ErrorResponse(Self.error(.badRequest, "\(error)", type: "invalid_request_error")))
            }
            tokens += ids.count
        }
        var queueMilliseconds = 0.0
        for stream in streams {
            for await event in stream {
                if case .admitted(_, let queue, _) = event { queueMilliseconds = max(queueMilliseconds, Double(queue) / 1e6) }
                if case .rejected(_, let reason) = event {
                    return .failure(ErrorResponse(Self.error(.badRequest, reason, type: "invalid_request_error")))
                }
            }
        }
        var headers = HTTPFields()
        headers[.init("Server-Timing")!] = ServerTiming.header([("queue", queueMilliseconds)])
        return .success(EncoderPass(tokens: tokens, headers: headers))
    }

    // MARK: Helpers

    struct InjectedFault: Error {}

    /// The served model `name`, if it is of `kind`; otherwise the error response to send.
    private func model(_ name: String, kind: ModelArchitecture.Kind) async -> Result<ServedModel, ErrorResponse> {
        let served: ServedModel
        do { served = try await fleet.model(named: name) } catch {
            return .failure(
                ErrorResponse(Self.error(.notFound, "\(error)", type: "invalid_request_error", code: "model_not_found")))
        }
        guard served.architecture.kind == kind else {
            let message =
                kind == .generative
                ? "the model \"\(name)\" is an embedding model; use /v1/embeddings"
                : "the model \"\(name)\" is not an embedding model"
            return .failure(ErrorResponse(Self.error(.badRequest, message, type: "invalid_request_error")))
        }
        return .success(served)
    }

    private static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> Result<T, ErrorResponse> {
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: maxBodyBytes) } catch {
            return .failure(
                ErrorResponse(
                    Self.error(.contentTooLarge, "request body over \(maxBodyBytes) bytes", type: "invalid_request_error")))
        }
        do {
            return .success(try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)))
        } catch {
            return .failure(
                ErrorResponse(Self.error(.badRequest, "invalid request body: \(describe(error))", type: "invalid_request_error")))
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not valid JSON" : "field \"\(path)\": \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    static func json(_ value: some Encodable, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }

    static func error(
        _ status: HTTPResponse.Status, _ message: String, type: String, code: String? = nil, headers: HTTPFields = [:]
    ) -> Response {
        let body = OpenAIErrorBody(error: .init(message: message, type: type, code: code))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
