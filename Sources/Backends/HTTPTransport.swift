package import AsyncHTTPClient
package import Foundation
import NIOCore
package import NIOHTTP1
import Synchronization
package import Timekeeping
package import Traces
import WireFormats

/// What every backend does with HTTP: POST a JSON body to a path under the base URL with the
/// backend's headers, stamp `sent` just before the request goes to the connection pool, turn
/// error statuses and transport failures into failed results (never thrown), and read a body
/// either whole or as a stream of server-sent events folded by a `StreamAccumulator`.
package struct HTTPTransport: Sendable {
    package let baseURL: URL
    let client: HTTPClient
    let headers: [(String, String)]
    let clock: any RunClock
    let timeouts: Timeouts

    /// Per-call deadlines besides the attempt's: connecting is the client's own setting.
    package struct Timeouts: Sendable, Hashable {
        /// Request sent → first byte of the body (for streams: the first event).
        package var firstToken: Duration?
        /// Request sent → response complete.
        package var total: Duration?
        package init(firstToken: Duration? = nil, total: Duration? = nil) {
            self.firstToken = firstToken
            self.total = total
        }
    }

    /// - Parameters:
    ///   - baseURL: up to and including the API version, e.g. `http://127.0.0.1:8000/v1`.
    ///   - headers: request headers, API keys included (read from the environment by the caller;
    ///     never written anywhere by AgentPerf).
    package init(
        baseURL: URL, client: HTTPClient, headers: [(String, String)] = [], clock: any RunClock, timeouts: Timeouts = Timeouts()
    ) {
        self.baseURL = baseURL
        self.client = client
        self.headers = headers
        self.clock = clock
        self.timeouts = timeouts
    }

    /// A whole (non-streamed) JSON response, decoded.
    func postJSON<Response: Decodable>(
        _ path: String, body: some Encodable, as: Response.Type, deadline: Int64,
        read: @Sendable @escaping (Response, inout ModelCallResult) throws -> Void
    ) async -> ModelCallResult {
        await post(path, body: body, deadline: deadline) { body, start, firstOutput in
            var result = start
            let data = try await Self.collect(body)
            firstOutput.arrived()
            result.timing.end = clock.now()
            if result.timing.firstToken == nil { result.timing.firstToken = result.timing.end }
            let decoded: Response
            do { decoded = try JSONDecoder().decode(Response.self, from: data) } catch {
                return Self.failed(
                    result, StepErrorType.malformedEvent,
                    "unreadable response: \(data.count) bytes that are not the expected JSON")
            }
            try read(decoded, &result)
            return result
        }
    }

    /// A streamed response: events folded by `Accumulator`, `firstToken` / `lastToken` stamped on
    /// the events that carried generated output. A stream that ends before its protocol's final
    /// event is `truncated_stream` (what arrived is kept); an event that does not parse is
    /// `malformed_event`; an error event is an HTTP-500-class failure with its message.
    func postStream<Accumulator: StreamAccumulator>(
        _ path: String, body: some Encodable, accumulator: Accumulator.Type, deadline: Int64
    ) async -> ModelCallResult {
        await post(path, body: body, deadline: deadline) { body, start, firstOutput in
            var result = start
            var parser = ServerSentEventParser()
            var accumulator = Accumulator()
            func finish(_ error: StepErrorType?, _ message: String) -> ModelCallResult {
                result.timing.end = clock.now()
                result.content = accumulator.content
                result.toolCalls = accumulator.toolCalls
                result.usage = accumulator.usage
                result.finishReason = accumulator.finishReason
                return error.map { Self.failed(result, $0, message) } ?? result
            }
            // A body that breaks off (connection closed mid-stream) keeps what arrived.
            var buffers = body.makeAsyncIterator()
            while true {
                let next: ByteBuffer?
                do { next = try await buffers.next() } catch {
                    if error is CancellationError || Task.isCancelled { throw error }
                    return finish(StepErrorType.truncatedStream, "the stream broke off: \(error)")
                }
                guard let buffer = next else { break }
                let events = parser.parse(buffer.readableBytesView)
                // Events completed before the oversized one are read first (usage among them).
                for event in events {
                    let generated: Bool
                    do throws(StreamProblem) { generated = try accumulator.consume(event) } catch {
                        switch error {
                        case .malformed(let data):
                            // The event's bytes are response content: never quoted (docs/TRACES.md).
                            return finish(StepErrorType.malformedEvent, "unparseable event of \(data.utf8.count) bytes")
                        case .serverError(let message): return finish(StepErrorType.streamError, message)
                        }
                    }
                    if generated {
                        let now = clock.now()
                        if result.timing.firstToken == nil {
                            result.timing.firstToken = now
                            firstOutput.arrived()
                        }
                        result.timing.lastToken = now
                    }
                }
                if parser.exceededLimit {
                    return finish(
                        StepErrorType.malformedEvent,
                        "an event of over \(parser.maximumEventBytes >> 20) MiB, the most one event may hold")
                }
            }
            if !accumulator.isComplete {
                return finish(StepErrorType.truncatedStream, "the stream ended before its final event")
            }
            return finish(nil, "")
        }
    }

    /// Sends one request, stamping `sent`; hands a successful response's body to `read`. The
    /// first-token and total timeouts race the whole exchange, body included (the client's own
    /// deadline only covers the response head).
    private func post(
        _ path: String, body: some Encodable, deadline: Int64,
        read: @Sendable @escaping (HTTPClientResponse.Body, ModelCallResult, Milestone) async throws -> ModelCallResult
    ) async -> ModelCallResult {
        var result = ModelCallResult()
        var request = HTTPClientRequest(url: baseURL.appendingPathComponent(path).absoluteString)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        do { request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body))) } catch {
            return Self.failed(result, StepErrorType.transport, "cannot encode the request: \(error)")
        }
        let sentAt = clock.now()
        let totalDeadline = timeouts.total.map { min(deadline, sentAt.adding(nanoseconds: $0.nanoseconds)) } ?? deadline
        let firstOutput = Milestone()
        let responseHead = Milestone()
        result.timing.sent = sentAt
        let started = result
        let (client, clock, prepared) = (self.client, self.clock, request)
        do {
            return try await CallRace.run(
                firstOutputBy: timeouts.firstToken.map { sentAt.adding(nanoseconds: $0.nanoseconds) },
                firstOutput: firstOutput, totalBy: timeouts.total.map { _ in totalDeadline }, clock: clock
            ) {
                var result = started
                let response = try await client.execute(prepared, deadline: Self.nioDeadline(totalDeadline, clock: clock))
                responseHead.arrived()
                result.httpStatus = Int(response.status.code)
                result.timing.serverQueue = Self.serverQueue(response.headers)
                guard response.status.code < 400 else {
                    let message = try await Self.errorMessage(response.body)
                    result.timing.end = clock.now()
                    result.retryAfter = Self.retryAfter(response.headers)
                    return Self.failed(result, StepErrorType.http(Int(response.status.code)), message)
                }
                return try await read(response.body, result, firstOutput)
            }
        } catch {
            result.timing.end = clock.now()
            return Self.failed(result, Self.classify(error, afterResponseHead: responseHead.hasArrived), "\(error)")
        }
    }

    // MARK: Helpers

    /// NIO's deadline for `deadline` on the run clock (NIO counts on its own monotonic clock).
    static func nioDeadline(_ deadline: Int64, clock: any RunClock) -> NIODeadline {
        .now() + .nanoseconds(max(0, clock.remaining(until: deadline).nanoseconds))
    }

    package static func serverQueue(_ headers: HTTPHeaders) -> Int64? {
        guard let value = headers.first(name: "server-timing"),
            let milliseconds = ServerTiming.duration(named: "queue", in: value)
        else { return nil }
        return Int64((milliseconds * 1e6).rounded())
    }

    /// `Retry-After` as seconds (`120`) or an HTTP date; OpenAI's `retry-after-ms` too.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        if let text = headers.first(name: "retry-after-ms"), let ms = Double(text), ms >= 0 { return .milliseconds(ms) }
        guard let text = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text), seconds >= 0 { return .milliseconds(seconds * 1000) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(max(0, date.timeIntervalSinceNow) * 1000)
    }

    /// A whole response body, up to `limit` bytes (64 MiB: far above any completion a server
    /// returns unstreamed); a longer one fails the call instead of filling memory.
    static func collect(_ body: HTTPClientResponse.Body, limit: Int = 64 << 20) async throws -> Data {
        var data = Data()
        for try await buffer in body {
            guard data.count + buffer.readableBytes <= limit else { throw BodyTooLarge(limit: limit) }
            data.append(contentsOf: buffer.readableBytesView)
        }
        return data
    }

    /// A response body past `collect`'s limit.
    struct BodyTooLarge: Error, CustomStringConvertible {
        let limit: Int
        var description: String { "the response body is over \(limit >> 20) MiB, the most read" }
    }

    static func errorMessage(_ body: HTTPClientResponse.Body) async throws -> String {
        let data = try await collect(body, limit: 1 << 20)
        if let decoded = try? JSONDecoder().decode(OpenAIErrorBody.self, from: data) { return decoded.error.message }
        return String(decoding: data.prefix(300), as: UTF8.self)
    }

    static func failed(_ result: ModelCallResult, _ type: StepErrorType, _ message: String) -> ModelCallResult {
        var result = result
        result.errorType = type
        result.errorMessage = message
        return result
    }

    /// Maps transport errors to `error.type` values. A connection the server closes before any
    /// response head is `connection_closed`; after the head it cut the reply short
    /// (`truncated_stream`).
    package static func classify(_ error: any Error, afterResponseHead: Bool = false) -> StepErrorType {
        if let timeout = error as? CallTimeout {
            return timeout == .firstToken ? StepErrorType.firstTokenTimeout : StepErrorType.timeout
        }
        if error is CancellationError { return StepErrorType.cancelled }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return StepErrorType.connectTimeout
            case .deadlineExceeded, .readTimeout, .writeTimeout: return StepErrorType.timeout
            case .cancelled: return StepErrorType.cancelled
            case .remoteConnectionClosed:
                return afterResponseHead ? StepErrorType.truncatedStream : StepErrorType.connectionClosed
            default: break
            }
        }
        // A pooled connection the server had already closed (an idle keep-alive it timed out):
        // the request never got an answer.
        if let channel = error as? ChannelError, channel == .ioOnClosedChannel || channel == .alreadyClosed {
            return StepErrorType.connectionClosed
        }
        if let io = error as? IOError, io.errnoCode == ECONNRESET || io.errnoCode == EPIPE {
            return StepErrorType.connectionClosed
        }
        if error is DecodingError || error is BodyTooLarge { return StepErrorType.malformedEvent }
        let text = "\(error)".lowercased()
        if text.contains("connection refused") || text.contains("connect") { return StepErrorType.connect }
        return StepErrorType.transport
    }
}

extension HTTPTransport {
    /// The same server without the API-version suffix (`…/v1` → `…`), where vLLM and llama.cpp
    /// serve `/tokenize`.
    package var serverRoot: HTTPTransport {
        var root = baseURL
        if ["v1", "v2", "v3"].contains(root.lastPathComponent) { root = root.deletingLastPathComponent() }
        return HTTPTransport(baseURL: root, client: client, headers: headers, clock: clock, timeouts: timeouts)
    }

    /// A copy that also sends `name: value`, unless a header of that name is already set.
    package func withDefaultHeader(_ name: String, _ value: String) -> HTTPTransport {
        guard !headers.contains(where: { $0.0.lowercased() == name.lowercased() }) else { return self }
        return HTTPTransport(
            baseURL: baseURL, client: client, headers: headers + [(name, value)], clock: clock, timeouts: timeouts)
    }

    /// A plain JSON exchange for auxiliary calls (tokenizers): thrown errors, no timing.
    func exchange<Response: Decodable>(
        _ path: String, body: some Encodable, as: Response.Type, deadline: Int64
    ) async throws -> Response {
        var request = HTTPClientRequest(url: baseURL.appendingPathComponent(path).absoluteString)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        let response = try await client.execute(request, deadline: Self.nioDeadline(deadline, clock: clock))
        let data = try await Self.collect(response.body)
        guard response.status.code < 400 else { throw AuxiliaryCallFailed(status: Int(response.status.code)) }
        return try JSONDecoder().decode(Response.self, from: data)
    }

    struct AuxiliaryCallFailed: Error { var status: Int }
}
