public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import Traces
import WireFormats

/// A backend speaking OpenAI's Chat Completions and Embeddings over HTTP: vLLM, SGLang,
/// llama.cpp, Ollama, hosted APIs, and the simulated fleet.
///
/// Streams with `stream_options.include_usage`, parses SSE incrementally as buffers arrive,
/// and stamps `sent` (just before the request is handed to the connection pool), the first
/// and last generated delta, and `end` (after the stream's final event) on the run clock.
public struct OpenAICompatibleBackend: ChatBackend, EmbeddingBackend {
    public let baseURL: URL
    public let providerName: String
    private let client: HTTPClient
    private let headers: [(String, String)]
    private let clock: RunClock

    /// - Parameters:
    ///   - baseURL: up to and including `/v1`, e.g. `http://127.0.0.1:8000/v1`.
    ///   - headers: extra request headers (API keys come from the environment, never from files).
    public init(baseURL: URL, providerName: String, client: HTTPClient, headers: [(String, String)] = [], clock: RunClock) {
        self.baseURL = baseURL
        self.providerName = providerName
        self.client = client
        self.headers = headers
        self.clock = clock
    }

    public func chat(_ call: ChatCall, deadline: ContinuousClock.Instant) async -> ModelCallResult {
        let body = OpenAIChat.Request(
            model: call.model,
            messages: call.messages.map { OpenAIChat.Message(role: $0.role.rawValue, content: $0.content) },
            maxTokens: call.maxTokens, stream: call.stream,
            streamOptions: call.stream ? .init(includeUsage: true) : nil,
            ignoreEOS: call.exactOutputLength ? true : nil)
        var result = await perform(path: "chat/completions", body: body, deadline: deadline) { body, start in
            if call.stream { return try await readStream(body, into: start) }
            var result = start
            let data = try await Self.collect(body)
            result.timing.end = clock.now()
            let completion = try JSONDecoder().decode(OpenAIChat.Response.self, from: data)
            result.content = completion.choices.first?.message.content ?? ""
            result.finishReason = completion.choices.first?.finishReason
            if let usage = completion.usage { result.usage = UsageNormalization.openAIChat(usage) }
            return result
        }
        if result.usage == nil, result.errorType == nil {
            // No usage from the server: estimate, and say so in the trace.
            result.usage = UsageNormalization.estimate(inputText: call.messages.map(\.content), outputText: result.content)
        }
        return result
    }

    private func readStream(_ body: HTTPClientResponse.Body, into start: ModelCallResult) async throws -> ModelCallResult {
        var result = start
        var parser = ServerSentEventParser()
        var accumulator = ChatStreamAccumulator()
        for try await buffer in body {
            for event in parser.parse(buffer.readableBytesView) {
                let generated: Bool
                do { generated = try accumulator.consume(event) } catch {
                    result.timing.end = clock.now()
                    switch error {
                    case .malformed(let data):
                        return Self.failed(result, StepErrorType.malformedEvent, "unparseable event: \(data)")
                    case .serverError(let message): return Self.failed(result, StepErrorType.http(500), message)
                    }
                }
                if generated {
                    let now = clock.now()
                    if result.timing.firstToken == nil { result.timing.firstToken = now }
                    result.timing.lastToken = now
                }
            }
        }
        result.timing.end = clock.now()
        result.content = accumulator.content
        result.finishReason = accumulator.finishReason
        if let usage = accumulator.usage { result.usage = UsageNormalization.openAIChat(usage) }
        if !accumulator.isDone && accumulator.usage == nil {
            return Self.failed(result, StepErrorType.truncatedStream, "the stream ended without [DONE] or a usage chunk")
        }
        return result
    }

    public func embed(_ call: EmbeddingCall, deadline: ContinuousClock.Instant) async -> ModelCallResult {
        let body = OpenAIEmbeddings.Request(model: call.model, input: call.inputs)
        return await perform(path: "embeddings", body: body, deadline: deadline) { body, start in
            var result = start
            let data = try await Self.collect(body)
            result.timing.end = clock.now()
            let decoded = try JSONDecoder().decode(OpenAIEmbeddings.Response.self, from: data)
            result.usage = TokenUsage(uncachedInput: decoded.usage.promptTokens)
            return result
        }
    }

    /// Sends one request, stamping `sent` just before it goes to the connection pool; turns
    /// HTTP error statuses and transport failures into failed results, and hands a successful
    /// response's body to `read`.
    private func perform(
        path: String, body: some Encodable, deadline: ContinuousClock.Instant,
        read: (HTTPClientResponse.Body, ModelCallResult) async throws -> ModelCallResult
    ) async -> ModelCallResult {
        var result = ModelCallResult()
        let request: HTTPClientRequest
        do { request = try makeRequest(path: path, body: body) } catch {
            return Self.failed(result, StepErrorType.transport, "cannot encode the request: \(error)")
        }
        result.timing.sent = clock.now()
        do {
            let response = try await client.execute(request, deadline: Self.nioDeadline(deadline))
            result.httpStatus = Int(response.status.code)
            result.timing.serverQueue = Self.serverQueue(response.headers)
            guard response.status.code < 400 else {
                let message = try await Self.errorMessage(response.body)
                result.timing.end = clock.now()
                return Self.failed(result, StepErrorType.http(Int(response.status.code)), message)
            }
            return try await read(response.body, result)
        } catch {
            result.timing.end = clock.now()
            return Self.failed(result, Self.classify(error), "\(error)")
        }
    }

    // MARK: Helpers

    private func makeRequest(path: String, body: some Encodable) throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL.appendingPathComponent(path).absoluteString)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        return request
    }

    static func nioDeadline(_ deadline: ContinuousClock.Instant) -> NIODeadline {
        let remaining = ContinuousClock.now.duration(to: deadline)
        return .now() + .nanoseconds(max(0, remaining.nanoseconds))
    }

    static func serverQueue(_ headers: HTTPHeaders) -> Int64? {
        guard let value = headers.first(name: "server-timing"),
            let milliseconds = ServerTiming.duration(named: "queue", in: value)
        else { return nil }
        return Int64((milliseconds * 1e6).rounded())
    }

    static func collect(_ body: HTTPClientResponse.Body) async throws -> Data {
        var data = Data()
        for try await buffer in body { data.append(contentsOf: buffer.readableBytesView) }
        return data
    }

    static func errorMessage(_ body: HTTPClientResponse.Body) async throws -> String {
        let data = try await collect(body)
        if let decoded = try? JSONDecoder().decode(OpenAIErrorBody.self, from: data) { return decoded.error.message }
        return String(decoding: data.prefix(300), as: UTF8.self)
    }

    static func failed(_ result: ModelCallResult, _ type: String, _ message: String) -> ModelCallResult {
        var result = result
        result.errorType = type
        result.errorMessage = message
        return result
    }

    /// Maps transport errors to `error.type` values.
    static func classify(_ error: any Error) -> String {
        if error is CancellationError { return StepErrorType.cancelled }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return StepErrorType.timeout
            case .cancelled: return StepErrorType.cancelled
            case .remoteConnectionClosed: return StepErrorType.truncatedStream
            default: break
            }
        }
        if error is DecodingError { return StepErrorType.malformedEvent }
        let text = "\(error)".lowercased()
        if text.contains("connection refused") || text.contains("connect") { return StepErrorType.connect }
        return StepErrorType.transport
    }
}
