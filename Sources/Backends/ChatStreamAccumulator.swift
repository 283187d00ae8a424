import Foundation
public import WireFormats

/// Folds the events of a streamed OpenAI chat completion into its result.
///
/// Pure and synchronous, fed one `ServerSentEvent` at a time, so recorded streams can be
/// replayed through it in tests exactly as the network client feeds it.
public struct ChatStreamAccumulator: Sendable {
    public enum Problem: Error, Sendable, Equatable {
        /// An event's data was not a chat-completion chunk.
        case malformed(String)
        /// The server reported an error inside the stream.
        case serverError(String)
    }

    /// Visible text generated so far.
    public private(set) var content = ""
    /// The final usage chunk, when the server sent one.
    public private(set) var usage: OpenAIChat.Usage?
    public private(set) var finishReason: String?
    /// True once `data: [DONE]` arrived.
    public private(set) var isDone = false
    /// Content, reasoning and tool-call deltas received (role-only chunks excluded).
    public private(set) var tokenDeltas = 0
    private let decoder = JSONDecoder()

    public init() {}

    /// Consumes one event; returns true when it carried generated output (content,
    /// reasoning or a tool-call delta), which is what TTFT and ITL are stamped on.
    public mutating func consume(_ event: ServerSentEvent) throws(Problem) -> Bool {
        if event.data == "[DONE]" {
            isDone = true
            return false
        }
        if event.event == "error" { throw .serverError(event.data) }
        let chunk: OpenAIChat.Chunk
        do {
            chunk = try decoder.decode(OpenAIChat.Chunk.self, from: Data(event.data.utf8))
        } catch {
            if let body = try? decoder.decode(OpenAIErrorBody.self, from: Data(event.data.utf8)) {
                throw .serverError(body.error.message)
            }
            throw .malformed(String(event.data.prefix(120)))
        }
        if let usage = chunk.usage { self.usage = usage }
        var generated = false
        for choice in chunk.choices {
            if let text = choice.delta.content, !text.isEmpty {
                content += text
                generated = true
            }
            if let reasoning = choice.delta.reasoningContent, !reasoning.isEmpty { generated = true }
            if let calls = choice.delta.toolCalls, !calls.isEmpty { generated = true }
            if let reason = choice.finishReason { finishReason = reason }
        }
        if generated { tokenDeltas += 1 }
        return generated
    }
}
