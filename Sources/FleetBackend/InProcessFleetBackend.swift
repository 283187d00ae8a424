package import Backends
package import SimulatedFleet
package import Timekeeping
import Traces
import WireFormats

/// The simulated fleet as a backend called in-process: no socket, no JSON, the same
/// `FleetService` the HTTP server answers with. On a `VirtualClock` it is what lets a whole run
/// take place in simulated time; on a `ContinuousRunClock` it measures the fleet without the
/// HTTP stack.
///
/// Requests are built exactly as `OpenAIBackend` builds them for the fleet (`ignore_eos` for
/// exact lengths, the simulation script as a typed field) and replies are folded by the same
/// `ChatStreamAccumulator`, so a call gets the same tokens, usage and `error.type` either way:
/// an injected 429 or 503 is `http_429` / `http_503` with its `Retry-After`, a stream that
/// breaks off is `truncated_stream` (usage estimated, as for an HTTP server without a
/// tokenizer), an unparseable event is `malformed_event`.
package struct InProcessFleetBackend: ChatBackend, EmbeddingBackend, RerankBackend {
    package let providerName = "agentperf-simulated-fleet"
    private let service: FleetService
    private let clock: any RunClock
    private let options = OpenAIBackend.Options(sendIgnoreEOS: true)

    /// - Parameters:
    ///   - service: the fleet; its clock must be `clock` (run it with `service.run()`).
    ///   - clock: the run clock every timestamp is read from.
    package init(service: FleetService, clock: any RunClock) {
        self.service = service
        self.clock = clock
    }

    package func chat(_ call: ChatCall, deadline: Int64) async -> ModelCallResult {
        let request = OpenAIBackend.request(for: call, options: options)
        return await exchange(deadline: deadline) { result, firstOutput in
            switch await service.chat(request) {
            case .failure(let error): return Self.failed(result, error, clock: clock)
            case .success(let reply): return await Self.read(reply, for: call, into: result, firstOutput, clock: clock)
            }
        }
    }

    package func embed(_ call: EmbeddingCall, deadline: Int64) async -> ModelCallResult {
        await exchange(deadline: deadline) { result, _ in
            switch await service.embed(OpenAIEmbeddings.Request(model: call.model, input: call.inputs)) {
            case .failure(let error): return Self.failed(result, error, clock: clock)
            case .success(let reply):
                var result = Self.answered(result, queue: reply.queueNanoseconds, clock: clock)
                result.usage = TokenUsage(uncachedInput: reply.body.usage.promptTokens)
                result.embeddings = reply.body.data.sorted { $0.index < $1.index }.map { $0.embedding.map(Double.init) }
                return result
            }
        }
    }

    package func rerank(_ call: RerankCall, deadline: Int64) async -> ModelCallResult {
        let request = Rerank.Request(model: call.model, query: call.query, documents: call.documents, topN: call.topN)
        return await exchange(deadline: deadline) { result, _ in
            switch await service.rerank(request) {
            case .failure(let error): return Self.failed(result, error, clock: clock)
            case .success(let reply):
                var result = Self.answered(result, queue: reply.queueNanoseconds, clock: clock)
                result.ranking = reply.body.results.sorted { $0.relevanceScore > $1.relevanceScore }.map(\.index)
                result.usage = reply.body.usage.flatMap { $0.promptTokens ?? $0.totalTokens }.map {
                    TokenUsage(uncachedInput: $0)
                }
                return result
            }
        }
    }

    // MARK: Exchange

    /// Stamps `sent`, runs `body` against `deadline` on the run clock, and turns a timeout or a
    /// cancellation into the failed result an HTTP call would give.
    private func exchange(
        deadline: Int64,
        _ body: @escaping @Sendable (ModelCallResult, Milestone) async -> ModelCallResult
    ) async -> ModelCallResult {
        var started = ModelCallResult()
        started.timing.sent = clock.now()
        let firstOutput = Milestone()
        let begun = started
        do {
            return try await CallRace.run(firstOutputBy: nil, firstOutput: firstOutput, totalBy: deadline, clock: clock) {
                await body(begun, firstOutput)
            }
        } catch {
            started.timing.end = clock.now()
            started.errorType = error is CallTimeout ? StepErrorType.timeout : StepErrorType.cancelled
            started.errorMessage = error is CallTimeout ? "the call's deadline passed" : "the call was cancelled"
            return started
        }
    }

    /// Folds a chat reply as a streaming client does: `firstToken` / `lastToken` on the pieces
    /// that carry generated output; a non-streamed call gets the whole reply at once.
    private static func read(
        _ reply: ChatReply, for call: ChatCall, into started: ModelCallResult, _ firstOutput: Milestone,
        clock: any RunClock
    ) async -> ModelCallResult {
        var result = started
        result.httpStatus = 200
        result.timing.serverQueue = Self.asReported(reply.queueNanoseconds)
        var accumulator = ChatStreamAccumulator()
        func finish(_ error: StepErrorType? = nil, _ message: String? = nil) -> ModelCallResult {
            result.timing.end = clock.now()
            result.content = accumulator.content
            result.toolCalls = accumulator.toolCalls
            result.usage = accumulator.usage
            result.finishReason = accumulator.finishReason
            result.errorType = error
            result.errorMessage = message
            return result
        }
        guard call.stream else {
            guard let response = await reply.collect() else {
                await reply.cancel()
                return finish(
                    Task.isCancelled ? StepErrorType.cancelled : StepErrorType.truncatedStream, "the reply ended early")
            }
            let message = response.choices.first?.message
            _ = accumulator.consume(
                reply.chunk(
                    OpenAIChat.Delta(
                        content: message?.content,
                        toolCalls: message?.toolCalls?.enumerated().map { index, call in
                            OpenAIChat.ToolCallDelta(
                                index: index, id: call.id, type: "function",
                                function: .init(name: call.function.name, arguments: call.function.arguments))
                        }), finishReason: response.choices.first?.finishReason))
            if let usage = response.usage { _ = accumulator.consume(reply.usageChunk(usage)) }
            firstOutput.arrived()
            result = finish()
            result.timing.firstToken = result.timing.end
            return result
        }
        for await piece in reply {
            switch piece {
            case .delta(let delta):
                if accumulator.consume(reply.chunk(delta)) {
                    let now = clock.now()
                    if result.timing.firstToken == nil {
                        result.timing.firstToken = now
                        firstOutput.arrived()
                    }
                    result.timing.lastToken = now
                }
            case .fault(.truncated):
                await reply.cancel()
                var broken = finish(StepErrorType.truncatedStream, "the stream broke off (injected fault)")
                broken.usage = TokenCounter.estimate(for: call, output: broken.content, outputToolCalls: broken.toolCalls)
                return broken
            case .fault:
                await reply.cancel()
                return finish(StepErrorType.malformedEvent, "unparseable event (injected fault)")
            case .finished(let finishReason, let usage):
                _ = accumulator.consume(reply.chunk(OpenAIChat.Delta(), finishReason: finishReason))
                _ = accumulator.consume(reply.usageChunk(usage))
                accumulator.complete()
            }
        }
        if !accumulator.isComplete {
            await reply.cancel()
            if Task.isCancelled { return finish(StepErrorType.cancelled, "the call was cancelled") }
            var broken = finish(StepErrorType.truncatedStream, "the reply ended early")
            broken.usage = TokenCounter.estimate(for: call, output: broken.content, outputToolCalls: broken.toolCalls)
            return broken
        }
        return finish()
    }

    private static func answered(_ started: ModelCallResult, queue: Int64, clock: any RunClock) -> ModelCallResult {
        var result = started
        result.httpStatus = 200
        result.timing.serverQueue = asReported(queue)
        result.timing.end = clock.now()
        result.timing.firstToken = result.timing.end
        return result
    }

    /// A queue time as the HTTP front reports it (`Server-Timing` in milliseconds with three
    /// decimals: whole microseconds), so both fronts record the same figure.
    static func asReported(_ nanoseconds: Int64) -> Int64 {
        (nanoseconds + 500) / 1000 * 1000
    }

    private static func failed(_ started: ModelCallResult, _ error: FleetRequestError, clock: any RunClock) -> ModelCallResult {
        var result = started
        result.timing.end = clock.now()
        result.httpStatus = error.status
        result.errorType = StepErrorType.http(error.status)
        result.errorMessage = error.message
        result.retryAfter = error.retryAfterMilliseconds.map { .milliseconds($0) }
        return result
    }
}
