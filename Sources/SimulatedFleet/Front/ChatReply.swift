import Foundation
package import WireFormats

/// A chat completion the fleet has admitted: its pieces arrive, as the engine generates them,
/// by iterating the reply (once). The HTTP front writes each piece as an SSE chunk; the
/// in-process backend folds them as a client would.
package struct ChatReply: AsyncSequence, Sendable {
    package let id: String
    package let model: String
    /// Unix seconds, as OpenAI's `created`.
    package let created: Int
    /// How long the request waited for admission, ns.
    package let queueNanoseconds: Int64
    let requestID: RequestID
    let fleet: ClockedFleet
    let events: AsyncStream<EngineEvent>
    let scripted: ScriptedTurn?
    let outputTokens: Int
    /// An injected stream fault (`truncated` or `malformed`), delivered halfway through.
    let streamFault: FaultInjection.Fault?
    let reportsCacheWrites: Bool

    /// One piece of the reply.
    package enum Piece: Sendable, Hashable {
        /// Generated text or a piece of a tool call.
        case delta(OpenAIChat.Delta)
        /// An injected fault: the stream breaks off here (`truncated`) or carries one unparseable
        /// event (`malformed`) and goes on.
        case fault(FaultInjection.Fault)
        /// The end, with the finish reason and the usage a server reports.
        case finished(finishReason: String, usage: OpenAIChat.Usage)
    }

    package func makeAsyncIterator() -> Iterator {
        Iterator(reply: self, events: events.makeAsyncIterator())
    }

    package struct Iterator: AsyncIteratorProtocol {
        let reply: ChatReply
        var events: AsyncStream<EngineEvent>.Iterator
        var pendingDelta: OpenAIChat.Delta?

        package mutating func next() async -> Piece? {
            if let delta = pendingDelta {
                pendingDelta = nil
                return .delta(delta)
            }
            while let event = await events.next() {
                switch event {
                case .token(_, let index, let word):
                    let delta =
                        reply.scripted?.delta(at: index, word: word) ?? OpenAIChat.Delta(content: index == 0 ? word : " " + word)
                    if index == reply.outputTokens / 2, let fault = reply.streamFault {
                        pendingDelta = delta
                        return .fault(fault)
                    }
                    return .delta(delta)
                case .finished(_, let usage):
                    return .finished(finishReason: reply.scripted?.finishReason ?? "stop", usage: reply.usage(usage))
                case .admitted, .rejected:
                    continue
                }
            }
            return nil
        }
    }

    /// Abandons the request (its client went away): frees its KV blocks.
    package func cancel() async { await fleet.cancel(requestID) }

    /// The whole reply as one response (`stream: false`), or `nil` if the fleet stopped first.
    package func collect() async -> OpenAIChat.Response? {
        var words: [String] = []
        var ending: (String, OpenAIChat.Usage)?
        for await event in events {
            if case .token(_, _, let word) = event { words.append(word) }
            if case .finished(_, let usage) = event { ending = (scripted?.finishReason ?? "stop", self.usage(usage)) }
        }
        guard let (finishReason, usage) = ending else { return nil }
        let message =
            scripted.map { $0.message(thinkingText: words.prefix($0.thinking).joined(separator: " ")) }
            ?? .init(role: "assistant", content: words.joined(separator: " "))
        return OpenAIChat.Response(
            id: id, created: created, model: model, choices: [.init(index: 0, message: message, finishReason: finishReason)],
            usage: usage)
    }

    /// A chunk of this reply's stream carrying `delta`.
    package func chunk(_ delta: OpenAIChat.Delta, finishReason: String? = nil) -> OpenAIChat.Chunk {
        OpenAIChat.Chunk(
            id: id, created: created, model: model, choices: [.init(index: 0, delta: delta, finishReason: finishReason)])
    }

    /// The usage chunk `stream_options.include_usage` asks for.
    package func usageChunk(_ usage: OpenAIChat.Usage) -> OpenAIChat.Chunk {
        OpenAIChat.Chunk(id: id, created: created, model: model, choices: [], usage: usage)
    }

    func usage(_ usage: RequestUsage) -> OpenAIChat.Usage {
        OpenAIChat.Usage(
            promptTokens: usage.promptTokens, completionTokens: usage.outputTokens,
            totalTokens: usage.promptTokens + usage.outputTokens,
            promptTokensDetails: .init(
                cachedTokens: usage.cachedTokens, cacheWriteTokens: reportsCacheWrites ? usage.cacheWriteTokens : nil),
            completionTokensDetails: .init(reasoningTokens: 0))
    }
}
