import AsyncHTTPClient
import Backends
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Synchronization
import Timekeeping
import Traces
import WireFormats

/// The gateway's endpoints: the three model APIs under `/v1/…` and `/attempt/<id>/v1/…`
/// (recorded), `GET …/v1/models` (passed through), `POST /attempt/<id>/end` and `GET /health`.
struct GatewayRoutes: Sendable {
    let configuration: GatewayConfiguration
    let book: AttemptBook
    let client: HTTPClient
    let clock: any RunClock
    let runID: String
    /// The upstreams of congestion-aware routing, when the policy has it.
    let pool: UpstreamPool?
    /// Agents' prompts grow large; 64 MiB is far above any context window.
    static let maxBodyBytes = 64 << 20
    /// Error bodies are read whole to record their message; more than this is cut.
    static let maxErrorBodyBytes = 1 << 20

    func register(on router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in "ok" }
        for api in ModelAPI.allCases {
            router.post("/v1/\(api.rawValue)") { request, _ in try await forward(request, api: api, pathAttempt: nil) }
            router.post("/attempt/{attempt}/v1/\(api.rawValue)") { request, context in
                try await forward(request, api: api, pathAttempt: context.parameters.get("attempt"))
            }
        }
        router.get("/v1/models") { request, _ in try await passThrough(request, path: "models") }
        router.get("/attempt/{attempt}/v1/models") { request, _ in try await passThrough(request, path: "models") }
        router.post("/attempt/{attempt}/end") { request, context in
            try await end(request, attempt: context.parameters.get("attempt") ?? "")
        }
    }

    // MARK: Recorded calls

    private func forward(_ request: Request, api: ModelAPI, pathAttempt: String?) async throws -> Response {
        if let refusal = refuseUnauthorized(request) { return refusal }
        let arrival = clock.now()
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: Self.maxBodyBytes) } catch {
            return Self.error(413, "request body over \(Self.maxBodyBytes) bytes")
        }
        guard
            let json = body.withUnsafeReadableBytes({ JSONReader.parse(raw: $0) })
                ?? (try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))),
            let call = CallRequest(json, api: api)
        else { return Self.error(400, "the request body is not a JSON object") }
        // Usage is taken from the stream: ask for Chat Completions' usage chunk, and keep it from
        // a client that did not ask for it.
        let addsUsage = api == .chatCompletions && call.stream && !call.asksForUsage
        var context = PolicyContext(policy: configuration.policy, escalateHeader: request.headers[Self.escalateHeader] == "1")
        let picked = await pool?.pick()
        context.upstreamNote = picked?.note
        context.upstreamQueue = picked?.recentQueue
        let ticket = await book.begin(
            attemptKey(request, pathAttempt: pathAttempt), task: request.headers[Self.taskHeader], request: call, at: arrival,
            context: context)
        if let refusal = ticket.decision.refusal {
            if let picked { await pool?.done(picked.index, queueSeconds: nil) }
            return Self.error(400, "agentperf gateway: \(refusal)", type: "budget_exceeded")
        }
        var outgoing = body
        let extra = api == .chatCompletions ? ticket.extraFields : [:]
        let model = ticket.decision.model.flatMap { $0 == call.model ? nil : $0 }
        if addsUsage || !extra.isEmpty || model != nil, case .object(var fields) = json {
            if let model { fields["model"] = .string(model) }
            if addsUsage {
                var options = fields["stream_options"]?.objectValue ?? [:]
                options["include_usage"] = .bool(true)
                fields["stream_options"] = .object(options)
            }
            fields.merge(extra) { _, added in added }
            outgoing = ByteBuffer(bytes: try JSONEncoder().encode(JSONValue.object(fields)))
        }
        let secrets =
            Forwarding.credentials(in: request.headers) + [configuration.accessToken ?? ""]
            + configuration.upstreamHeaders.map { Forwarding.bareCredential($0.1) }
        var step = StepRecord(
            runID: runID, attemptID: ticket.attemptID, stepID: ticket.stepID, index: ticket.index, operation: .chat,
            useClass: .act, model: model ?? call.model, provider: api.provider, timing: StepTiming(scheduled: arrival))
        step.promptFingerprints = call.fingerprints
        var release: (@Sendable (Double?) async -> Void)?
        if let picked, let pool {
            let index = picked.index
            release = { queue in await pool.done(index, queueSeconds: queue) }
        }
        let recorder = CallRecorder(
            book: book, ticket: ticket, secrets: secrets, conversation: call.conversation, release: release)

        var upstream = HTTPClientRequest(
            url: upstreamURL(api.rawValue, query: request.uri.query, base: picked?.url ?? configuration.upstream))
        upstream.method = .POST
        upstream.headers = Forwarding.upstreamHeaders(
            from: request.headers, replacingCredentials: configuration.replacesClientCredentials,
            with: configuration.upstreamHeaders)
        upstream.body = .bytes(outgoing)
        step.timing.sent = clock.now()
        let response: HTTPClientResponse
        do {
            response = try await client.execute(upstream, timeout: .nanoseconds(configuration.callTimeout.nanoseconds))
        } catch {
            step.timing.end = clock.now()
            step.errorType = HTTPTransport.classify(error)
            await recorder.finish(step, message: "the upstream could not be reached: \(error)")
            return Self.error(502, "agentperf gateway: the upstream could not be reached (\(step.errorType!.rawValue))")
        }
        step.httpStatus = Int(response.status.code)
        step.timing.serverQueue = HTTPTransport.serverQueue(response.headers)
        let headers = Forwarding.clientHeaders(from: response.headers)
        let status = HTTPResponse.Status(code: Int(response.status.code))
        guard response.status.code < 400, call.stream else {
            return try await whole(response, status: status, headers: headers, api: api, step: step, recorder: recorder)
        }
        let (clock, started) = (self.clock, step)
        let completion = StreamCompletion(recorder: recorder, step: step, clock: clock)
        // The usage chunk is dropped only from a real event stream; anything else passes as it came.
        let dropsUsage = addsUsage && (response.headers.first(name: "content-type")?.contains("text/event-stream") ?? false)
        let streamed = ResponseBody { writer in
            guard completion.claim() else { return }
            var tap = StreamTap(api: api, dropsUsageChunk: dropsUsage)
            var step = started
            var failure: String?
            do {
                for try await buffer in response.body {
                    let forwarded = tap.pass(buffer, at: clock.now())
                    if forwarded.readableBytes > 0 { try await writer.write(forwarded) }
                }
                try await writer.finish(nil)
            } catch {
                failure =
                    Task.isCancelled ? "cancelled: the client went away or the gateway stopped" : "the stream broke off: \(error)"
            }
            step.timing.end = clock.now()
            step.timing.firstToken = tap.firstToken
            step.timing.lastToken = tap.lastToken
            var result = ModelCallResult()
            result.content = tap.accumulator.content
            result.toolCalls = tap.accumulator.toolCalls
            result.usage = tap.accumulator.usage
            if let problem = tap.problem {
                step.errorType = problem.type
                failure = problem.message
            } else if failure != nil || !tap.accumulator.isComplete {
                step.errorType = StepErrorType.truncatedStream
                failure = failure ?? "the stream ended before its final event"
            }
            await recorder.finish(step, result: result, message: failure)
        }
        return Response(status: status, headers: headers, body: streamed)
    }

    /// A response read whole: an error (its message recorded, scrubbed) or a non-streamed reply.
    private func whole(
        _ response: HTTPClientResponse, status: HTTPResponse.Status, headers: HTTPFields, api: ModelAPI, step: StepRecord,
        recorder: CallRecorder
    ) async throws -> Response {
        var step = step
        let failed = response.status.code >= 400
        let data: ByteBuffer
        do {
            data = try await response.body.collect(upTo: failed ? Self.maxErrorBodyBytes : Self.maxBodyBytes)
        } catch {
            step.timing.end = clock.now()
            step.errorType = failed ? StepErrorType.http(Int(response.status.code)) : StepErrorType.truncatedStream
            await recorder.finish(step, message: "the response could not be read: \(error)")
            return Self.error(502, "agentperf gateway: the upstream's response could not be read")
        }
        step.timing.end = clock.now()
        let bytes = Data(data.readableBytesView)
        var result = ModelCallResult()
        if failed {
            step.errorType = StepErrorType.http(Int(response.status.code))
            let message =
                (try? JSONDecoder().decode(OpenAIErrorBody.self, from: bytes))?.error.message
                ?? String(decoding: bytes.prefix(4096), as: UTF8.self)
            await recorder.finish(step, message: message)
        } else if api.readWhole(bytes, into: &result) {
            // As the backends stamp a whole response: its first output is its end; no inter-token time.
            step.timing.firstToken = step.timing.end
            await recorder.finish(step, result: result, message: nil)
        } else {
            step.errorType = StepErrorType.malformedEvent
            await recorder.finish(step, message: "unreadable response")
        }
        var fields = headers
        fields[.contentLength] = nil
        return Response(status: status, headers: fields, body: .init(byteBuffer: data))
    }

    // MARK: Other endpoints

    private func passThrough(_ request: Request, path: String) async throws -> Response {
        if let refusal = refuseUnauthorized(request) { return refusal }
        var upstream = HTTPClientRequest(url: upstreamURL(path, query: request.uri.query))
        upstream.headers = Forwarding.upstreamHeaders(
            from: request.headers, replacingCredentials: configuration.replacesClientCredentials,
            with: configuration.upstreamHeaders)
        do {
            let response = try await client.execute(upstream, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: Self.maxErrorBodyBytes)
            return Response(
                status: .init(code: Int(response.status.code)), headers: Forwarding.clientHeaders(from: response.headers),
                body: .init(byteBuffer: body))
        } catch {
            return Self.error(502, "agentperf gateway: the upstream could not be reached")
        }
    }

    /// `POST /attempt/<id>/end` with an optional `{"outcome": "passed", "score": 1}`.
    private func end(_ request: Request, attempt: String) async throws -> Response {
        if let refusal = refuseUnauthorized(request) { return refusal }
        var request = request
        let body = try await request.collectBody(upTo: 64 << 10)
        var ending = ReportedEnding()
        if body.readableBytes > 0 {
            // `cancelled` is the gateway's own word for a stop, not a client's verdict.
            guard let decoded = try? JSONDecoder().decode(ReportedEnding.self, from: Data(body.readableBytesView)),
                decoded.outcome != .cancelled
            else {
                return Self.error(
                    400, "expected {\"outcome\": \"passed\"|\"failed\"|\"error\"|\"timeout\"|\"ungraded\", \"score\": 0…1}")
            }
            ending = decoded
        }
        guard await book.end(attempt, ending: ending, at: clock.now()) else {
            return Self.error(404, "no open attempt \(attempt)")
        }
        return Response(status: .noContent)
    }

    // MARK: Helpers

    static let attemptHeader = HTTPField.Name("X-AgentPerf-Attempt")!
    static let taskHeader = HTTPField.Name("X-AgentPerf-Task")!
    static let traceparent = HTTPField.Name("traceparent")!
    static let escalateHeader = HTTPField.Name("X-AgentPerf-Escalate")!

    /// The path's attempt id, else the header's, else the W3C trace id, else the caller's session.
    private func attemptKey(_ request: Request, pathAttempt: String?) -> AttemptKey {
        if let pathAttempt, !pathAttempt.isEmpty { return AttemptKey(.path, pathAttempt) }
        if let header = request.headers[Self.attemptHeader], !header.isEmpty { return AttemptKey(.header, header) }
        // traceparent: version-traceid-parentid-flags, the trace id 32 hex digits.
        if let parent = request.headers[Self.traceparent] {
            let parts = parent.split(separator: "-")
            if parts.count == 4, parts[1].count == 32 { return AttemptKey(.traceparent, String(parts[1])) }
        }
        // Sessions are told apart by credentials, hashed in memory only.
        let credential = Forwarding.credentials(in: request.headers).first ?? ""
        return AttemptKey(.session, ContentHash.of(credential))
    }

    private func refuseUnauthorized(_ request: Request) -> Response? {
        guard let token = configuration.accessToken, !Forwarding.presents(token, in: request.headers) else { return nil }
        return Self.error(401, "agentperf gateway: present the gateway's access token as your API key")
    }

    private func upstreamURL(_ path: String, query: String?, base url: URL? = nil) -> String {
        var base = (url ?? configuration.upstream).absoluteString
        if base.hasSuffix("/") { base.removeLast() }
        return base + "/" + path + (query.map { "?\($0)" } ?? "")
    }

    static func error(_ status: Int, _ message: String, type: String = "agentperf_gateway") -> Response {
        let body = OpenAIErrorBody(error: .init(message: message, type: type, code: type == "agentperf_gateway" ? nil : type))
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        return Response(
            status: .init(code: status), headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: (try? JSONEncoder().encode(body)) ?? Data())))
    }
}

/// Completes one call's step: usage (estimated when the upstream sent none), use class, output
/// hash, the error message scrubbed of credentials, then hands it to the book.
struct CallRecorder: Sendable {
    let book: AttemptBook
    let ticket: CallTicket
    let secrets: [String]
    let conversation: [(role: String, content: String)]
    /// Tells congestion routing the call ended, with what it waited (seconds).
    var release: (@Sendable (Double?) async -> Void)?

    func finish(_ step: StepRecord, result: ModelCallResult = ModelCallResult(), message: String?) async {
        var step = step
        if let release {
            var waited: Double?
            if let queue = step.timing.serverQueue {
                waited = Double(queue) / 1e9
            } else if let first = step.timing.firstToken, let sent = step.timing.sent {
                waited = Double(first - sent) / 1e9
            }
            await release(waited)
        }
        step.usage = result.usage
        // A call that broke off still cost what was sent and streamed: estimated, as the backends do.
        let brokeOff = step.errorType == StepErrorType.truncatedStream || step.errorType == StepErrorType.cancelled
        if step.usage == nil, step.errorType == nil || brokeOff {
            step.usage = UsageNormalization.estimate(inputText: conversation.map(\.content), outputText: result.content)
        }
        if let first = result.toolCalls.first { step.useClass = UseClassification.forTool(named: first.name) }
        if step.errorType == nil {
            step.outputHash = ContentHash.of(result.content + result.toolCalls.map { $0.name + $0.arguments }.joined())
        }
        if let message {
            step.errorMessage = String(Redaction.scrub(message, secrets: secrets).prefix(300))
        }
        await book.finish(ticket, step: step, toolCalls: result.toolCalls.map { ($0.id, $0.name) })
    }
}

/// Finishes a streamed call's step exactly once: from the body writer when it runs, or — when the
/// client went away before the reply's head was written, so the writer never ran — when the
/// writer is dropped. Without it such a call would stay in flight for ever, keeping its attempt
/// open and its upstream's load counted.
final class StreamCompletion: Sendable {
    private let done = Mutex(false)
    private let recorder: CallRecorder
    private let step: StepRecord
    private let clock: any RunClock

    init(recorder: CallRecorder, step: StepRecord, clock: any RunClock) {
        self.recorder = recorder
        self.step = step
        self.clock = clock
    }

    /// True the first time: the caller finishes the step.
    func claim() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }

    deinit {
        guard claim() else { return }
        var step = self.step
        step.timing.end = clock.now()
        step.errorType = StepErrorType.cancelled
        let recorder = self.recorder
        Task { await recorder.finish(step, message: "the client went away before the reply began") }
    }
}
