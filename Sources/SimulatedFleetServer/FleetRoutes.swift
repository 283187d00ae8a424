import Foundation
import Hummingbird
import NIOCore
import SimulatedFleet
import WireFormats

/// The HTTP endpoints of the simulated fleet: JSON and SSE over `FleetService`, which decides
/// every token; this front only decodes requests and encodes replies.
struct FleetRoutes: Sendable {
    let service: FleetService
    /// Prompts of agents grow large; 64 MiB is far above any simulated context.
    static let maxBodyBytes = 64 << 20

    var fleet: ClockedFleet { service.fleet }

    func register(on router: Router<FleetRequestContext>) {
        router.get("/health") { _, _ in "ok" }
        router.get("/v1/models") { _, _ in try Self.json(await service.modelList()) }
        router.get("/metrics") { _, _ in await self.metrics() }
        router.post("/v1/chat/completions") { request, context in try await self.chatCompletions(request, context) }
        router.post("/v1/embeddings") { request, _ in
            try await encoder(request, as: OpenAIEmbeddings.Request.self) { await service.embed($0) }
        }
        router.post("/v1/rerank") { request, _ in
            try await encoder(request, as: Rerank.Request.self) { await service.rerank($0) }
        }
    }

    // MARK: Chat completions

    private func chatCompletions(_ request: Request, _ context: FleetRequestContext) async throws -> Response {
        let chat: OpenAIChat.Request
        switch try await Self.decode(OpenAIChat.Request.self, from: request) {
        case .success(let value): chat = value
        case .failure(let failure): return failure.response
        }
        let reply: ChatReply
        switch await service.chat(chat) {
        case .success(let value): reply = value
        case .failure(let error): return Self.error(error)
        }
        var headers = HTTPFields()
        headers[.init("Server-Timing")!] = ServerTiming.header([("queue", Double(reply.queueNanoseconds) / 1e6)])

        guard chat.stream == true else {
            // A client that leaves before its whole reply is ready stops the generation.
            let collected: OpenAIChat.Response?
            if let watch = await ClientDepartureWatch.on(context.channel) {
                collected = await watch.whileConnected({ await reply.collect() }, onDeparture: { Task { await reply.cancel() } })
            } else {
                collected = await reply.collect()
            }
            guard let response = collected else {
                return Self.error(FleetRequestError(status: 503, message: "the fleet stopped", type: "server_error"))
            }
            return try Self.json(response, headers: headers)
        }

        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let includeUsage = chat.streamOptions?.includeUsage == true
        let body = ResponseBody { writer in
            do {
                try await writer.write(try Self.event(reply.chunk(OpenAIChat.Delta(role: "assistant", content: ""))))
                for await piece in reply {
                    switch piece {
                    case .delta(let delta):
                        try await writer.write(try Self.event(reply.chunk(delta)))
                    case .fault(.truncated):
                        throw InjectedFault()  // closes the connection mid-stream
                    case .fault:
                        try await writer.write(ByteBuffer(string: "data: {\"choices\": [injected\n\n"))
                    case .finished(let finishReason, let usage):
                        // The last events in one write (one flush, not three).
                        var last = try Self.event(reply.chunk(OpenAIChat.Delta(), finishReason: finishReason))
                        if includeUsage {
                            var usageEvent = try Self.event(reply.usageChunk(usage))
                            last.writeBuffer(&usageEvent)
                        }
                        last.writeString("data: [DONE]\n\n")
                        try await writer.write(last)
                    }
                }
                try await writer.finish(nil)
            } catch {
                await reply.cancel()  // the client went away: free its KV blocks
                throw error
            }
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: Embeddings and rerank

    private func encoder<Body: Decodable & Sendable, Reply: Encodable & Sendable>(
        _ request: Request, as: Body.Type,
        _ serve: (Body) async -> Result<FleetService.EncoderReply<Reply>, FleetRequestError>
    ) async throws -> Response {
        let body: Body
        switch try await Self.decode(Body.self, from: request) {
        case .success(let value): body = value
        case .failure(let failure): return failure.response
        }
        switch await serve(body) {
        case .success(let reply):
            var headers = HTTPFields()
            headers[.init("Server-Timing")!] = ServerTiming.header([("queue", Double(reply.queueNanoseconds) / 1e6)])
            return try Self.json(reply.body, headers: headers)
        case .failure(let error):
            return Self.error(error)
        }
    }

    // MARK: Helpers

    struct InjectedFault: Error {}

    /// An error response carried through `Result`.
    struct ErrorResponse: Error, @unchecked Sendable {
        // Response holds a non-Sendable body closure type erased by Hummingbird; it is only moved, never shared.
        let response: Response
        init(_ response: Response) { self.response = response }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> Result<T, ErrorResponse> {
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: maxBodyBytes) } catch {
            return .failure(
                ErrorResponse(
                    Self.error(FleetRequestError(status: 413, message: "request body over \(maxBodyBytes) bytes"))))
        }
        do {
            return .success(try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)))
        } catch {
            return .failure(
                ErrorResponse(Self.error(FleetRequestError(status: 400, message: "invalid request body: \(describe(error))"))))
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

    /// One `data:` event; a chat chunk (one per token) is written by `writeJSON`, not `JSONEncoder`.
    private static func event(_ chunk: OpenAIChat.Chunk) throws -> ByteBuffer {
        var bytes = Array("data: ".utf8)
        bytes.reserveCapacity(256)
        chunk.writeJSON(into: &bytes)
        bytes.append(contentsOf: "\n\n".utf8)
        return ByteBuffer(bytes: bytes)
    }

    static func json(_ value: some Encodable, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }

    /// The OpenAI error response for `error`; a 429 says when to retry (`Retry-After` in whole
    /// seconds, rounded up, and `retry-after-ms`).
    static func error(_ error: FleetRequestError) -> Response {
        let body = OpenAIErrorBody(error: .init(message: error.message, type: error.type, code: error.code))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        if let milliseconds = error.retryAfterMilliseconds {
            fields[.retryAfter] = String((milliseconds + 999) / 1000)
            fields[.init("retry-after-ms")!] = String(milliseconds)
        }
        return Response(
            status: HTTPResponse.Status(code: error.status), headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Answers a path the fleet does not serve with an OpenAI-style JSON error naming the path and
/// the ones it does serve, instead of Hummingbird's empty 404 (and a wrong method with 405).
struct UnknownRouteMiddleware: RouterMiddleware {
    typealias Context = FleetRequestContext

    static let served =
        "GET /v1/models, POST /v1/chat/completions, POST /v1/embeddings, POST /v1/rerank, GET /health, GET /metrics"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            let path = String(request.uri.path.prefix(200))
            return FleetRoutes.error(
                FleetRequestError(
                    status: error.status.code,
                    message: "the simulated fleet does not serve \(request.method.rawValue) \(path); it serves \(Self.served)",
                    type: "invalid_request_error"))
        }
    }
}
