import Foundation
import SpecDecoding
package import Timekeeping
package import WireFormats

/// The simulated fleet's answers to chat, embeddings and rerank requests, shared by its two
/// fronts: the HTTP server (`SimulatedFleetServer`) and the in-process backend
/// (`FleetBackend`).
///
/// Everything that turns a request into tokens lives here: the chat template, the reply-length
/// policy, scripted tool-call turns, injected faults, encoder passes and rerank scores. The same
/// request therefore gets the same tokens, the same cache hits and the same reply through either
/// front; only the transport differs.
package struct FleetService: Sendable {
    /// The engine, driven on the service's clock.
    package let fleet: ClockedFleet
    private let faults: FaultInjector?
    private let clock: any RunClock
    /// How long a refusal takes (a real server spends its request overhead on one too): the
    /// smallest deployment CPU overhead, at least 1 µs; zero in zero-latency mode. It also means
    /// that no request takes zero simulated time, so a virtual-time level always reaches its end.
    private let refusalTime: Duration

    /// Output length when the client gives no `max_tokens`.
    package static let defaultOutputLimit = 256

    package init(configuration: FleetConfiguration, clock: any RunClock) throws(FleetError) {
        fleet = try ClockedFleet(configuration: configuration, clock: clock)
        faults = configuration.faults.map(FaultInjector.init)
        self.clock = clock
        let overhead = configuration.deployments.map(\.cpuOverhead.duration).min() ?? .zero
        refusalTime = configuration.timing == .zero ? .zero : max(overhead, .microseconds(1))
    }

    /// Runs the replicas until the task is cancelled; requests are served only meanwhile.
    package func run() async { await fleet.run() }

    /// The served models, as `GET /v1/models` lists them.
    package func modelList() async -> OpenAIModelList {
        OpenAIModelList(
            data: await fleet.servedModels.map { OpenAIModelList.Model(id: $0.name, ownedBy: "agentperf-simulated-fleet") })
    }

    // MARK: Chat

    /// Places a chat completion on a replica and waits for its admission; the reply's tokens
    /// then arrive as the engine generates them. Fails without doing any work for an unknown
    /// model, an output limit that does not fit the context, or an injected 429 or 503.
    package func chat(_ request: OpenAIChat.Request) async -> Result<ChatReply, FleetRequestError> {
        await chargingRefusals(await admit(request))
    }

    /// `result`, after the refusal time when it is a refusal.
    private func chargingRefusals<T>(_ result: Result<T, FleetRequestError>) async -> Result<T, FleetRequestError> {
        if case .failure = result { try? await clock.sleep(for: refusalTime) }
        return result
    }

    private func admit(_ request: OpenAIChat.Request) async -> Result<ChatReply, FleetRequestError> {
        let served: ServedModel
        switch await model(request.model, kind: .generative) {
        case .success(let model): served = model
        case .failure(let error): return .failure(error)
        }
        let fault = faults?.next()
        switch fault {
        case .rateLimited?:
            return .failure(
                FleetRequestError(
                    status: 429, message: "injected fault: rate limited", type: "rate_limit_error",
                    retryAfterMilliseconds: faults?.configuration.retryAfterMilliseconds))
        case .serverError?:
            return .failure(FleetRequestError(status: 503, message: "injected fault: server error", type: "server_error"))
        default:
            break
        }
        let prompt = ChatTemplate.promptTokens(request)
        let scripted = ScriptedTurn.turn(of: request.simulation, for: request.messages, prompt: prompt)
        let limit = request.outputLimit ?? Self.defaultOutputLimit
        guard limit >= 1 else { return .failure(.invalidRequest("max_tokens must be at least 1")) }
        // As vLLM does, the requested limit must fit the context, whatever the reply's length.
        let context = served.architecture.maxContext
        guard limit <= context - prompt.count else {
            // Saturating: a max_tokens of 2^63 − 1 is a request to refuse, not a sum to trap on.
            let (sum, overflow) = prompt.count.addingReportingOverflow(limit)
            let requested = overflow ? Int.max : sum
            return .failure(
                .invalidRequest(
                    "This model's maximum context length is \(context) tokens. However, you requested \(requested) tokens (\(prompt.count) in the messages, \(limit) in the completion). Please reduce the length of the messages or completion."
                ))
        }
        // With ignore_eos (vLLM's benchmarking switch) the reply is exactly max_tokens long;
        // otherwise its length is drawn from the prompt, as an end-of-sequence token would fall.
        // A scripted turn (model-driven agents) is as long as what it says, within the limit.
        let output =
            scripted.map { min(limit, $0.outputTokens) }
            ?? (request.ignoreEOS == true ? limit : ChatTemplate.naturalLength(prompt: prompt, limit: limit))
        let submission: (RequestID, AsyncStream<EngineEvent>)
        do {
            submission = try await fleet.submit(
                model: request.model, promptTokens: prompt, outputTokens: output, usesPrefixCache: request.promptCache ?? true)
        } catch {
            return .failure(.invalidRequest("\(error)"))
        }
        let (id, events) = submission
        var queue: Int64?
        // Hold the reply until the engine admits (or rejects) the request.
        admission: for await event in events {
            switch event {
            case .admitted(_, let waited, _):
                queue = waited
                break admission
            case .rejected(_, let reason):
                return .failure(.invalidRequest(reason))
            case .token, .finished:
                break
            }
        }
        guard let queue else {
            // The client went away (cancelled) or the fleet stopped before admitting it.
            await fleet.cancel(id)
            return .failure(FleetRequestError(status: 503, message: "the fleet stopped", type: "server_error"))
        }
        let streamFault: FaultInjection.Fault? =
            switch fault {
            case .truncated?, .malformed?: fault
            default: nil
            }
        return .success(
            ChatReply(
                id: "chatcmpl-sim-\(id)", model: request.model, created: Int(Date().timeIntervalSince1970),
                queueNanoseconds: queue, requestID: id, fleet: fleet, events: events, scripted: scripted,
                outputTokens: output, streamFault: streamFault, reportsCacheWrites: await fleet.reportsCacheWrites(request.model))
        )
    }

    // MARK: Encoders

    /// An encoder reply and how long its longest input waited for admission.
    package struct EncoderReply<Body: Sendable>: Sendable {
        package var body: Body
        package var queueNanoseconds: Int64
    }

    /// Embeds every input (one prefill-only pass each) with hashed bag-of-words vectors.
    package func embed(
        _ request: OpenAIEmbeddings.Request
    ) async -> Result<EncoderReply<OpenAIEmbeddings.Response>, FleetRequestError> {
        await chargingRefusals(await embedding(request))
    }

    private func embedding(
        _ request: OpenAIEmbeddings.Request
    ) async -> Result<EncoderReply<OpenAIEmbeddings.Response>, FleetRequestError> {
        let served: ServedModel
        switch await model(request.model, kind: .encoder) {
        case .success(let model): served = model
        case .failure(let error): return .failure(error)
        }
        let pass: (tokens: Int, queue: Int64)
        switch await encode(request.input, model: request.model) {
        case .success(let value): pass = value
        case .failure(let error): return .failure(error)
        }
        let dimension = served.architecture.embeddingDimension
        let data = request.input.enumerated().map {
            OpenAIEmbeddings.Embedding(index: $0.offset, embedding: SimTokenizer.embedding(of: $0.element, dimension: dimension))
        }
        let body = OpenAIEmbeddings.Response(
            data: data, model: request.model, usage: .init(promptTokens: pass.tokens, totalTokens: pass.tokens))
        return .success(EncoderReply(body: body, queueNanoseconds: pass.queue))
    }

    /// Jina/vLLM-style rerank: each document is scored against the query as one encoder pass
    /// over query and document; the score is the cosine of their (hashed bag-of-words)
    /// embeddings, so documents sharing the query's words rank first.
    package func rerank(_ request: Rerank.Request) async -> Result<EncoderReply<Rerank.Response>, FleetRequestError> {
        await chargingRefusals(await reranking(request))
    }

    private func reranking(_ request: Rerank.Request) async -> Result<EncoderReply<Rerank.Response>, FleetRequestError> {
        let served: ServedModel
        switch await model(request.model, kind: .encoder) {
        case .success(let model): served = model
        case .failure(let error): return .failure(error)
        }
        let pass: (tokens: Int, queue: Int64)
        switch await encode(request.documents.map { request.query + " " + $0 }, model: request.model) {
        case .success(let value): pass = value
        case .failure(let error): return .failure(error)
        }
        let dimension = served.architecture.embeddingDimension
        let query = SimTokenizer.embedding(of: request.query, dimension: dimension)
        var results = request.documents.enumerated().map { index, document in
            let vector = SimTokenizer.embedding(of: document, dimension: dimension)
            return Rerank.Result(index: index, relevanceScore: Double(zip(query, vector).reduce(0) { $0 + $1.0 * $1.1 }))
        }
        results.sort { $0.relevanceScore > $1.relevanceScore }
        if let top = request.topN { results = Array(results.prefix(max(0, top))) }
        let body = Rerank.Response(results: results, usage: .init(totalTokens: pass.tokens, promptTokens: pass.tokens))
        return .success(EncoderReply(body: body, queueNanoseconds: pass.queue))
    }

    /// Runs `inputs` through encoder `model` on the engine (prefill only) and waits for them.
    private func encode(_ inputs: [String], model: String) async -> Result<(tokens: Int, queue: Int64), FleetRequestError> {
        var tokens = 0
        var streams: [AsyncStream<EngineEvent>] = []
        for text in inputs {
            var ids: [UInt32] = []
            SimTokenizer.tokenize(text, into: &ids)
            if ids.isEmpty { ids = [SimTokenizer.roleMarker("empty")] }
            do {
                streams.append(try await fleet.submit(model: model, promptTokens: ids, outputTokens: 0).1)
            } catch {
                return .failure(.invalidRequest("\(error)"))
            }
            tokens += ids.count
        }
        var queue: Int64 = 0
        for stream in streams {
            for await event in stream {
                if case .admitted(_, let waited, _) = event { queue = max(queue, waited) }
                if case .rejected(_, let reason) = event { return .failure(.invalidRequest(reason)) }
            }
        }
        return .success((tokens, queue))
    }

    // MARK: Helpers

    /// The served model `name`, if it is of `kind`.
    private func model(_ name: String, kind: ModelArchitecture.Kind) async -> Result<ServedModel, FleetRequestError> {
        let served: ServedModel
        do { served = try await fleet.model(named: name) } catch {
            return .failure(FleetRequestError(status: 404, message: "\(error)", code: "model_not_found"))
        }
        guard served.architecture.kind == kind else {
            return .failure(
                .invalidRequest(
                    kind == .generative
                        ? "the model \"\(name)\" is an embedding model; use /v1/embeddings"
                        : "the model \"\(name)\" is not an embedding model"))
        }
        return .success(served)
    }
}

/// Why the fleet refused a request, in the terms of an OpenAI error response.
package struct FleetRequestError: Error, Sendable, Hashable {
    /// The HTTP status the server answers with (400, 404, 429, 503).
    package var status: Int
    package var message: String
    /// OpenAI's `error.type`.
    package var type: String
    package var code: String?
    /// For a 429: how long the client should wait, in whole milliseconds.
    package var retryAfterMilliseconds: Int?

    package init(
        status: Int, message: String, type: String = "invalid_request_error", code: String? = nil,
        retryAfterMilliseconds: Int? = nil
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }

    static func invalidRequest(_ message: String) -> FleetRequestError { FleetRequestError(status: 400, message: message) }
}
