package import Traces
package import WireFormats

/// Why a stream could not be read.
package enum StreamProblem: Error, Sendable, Equatable {
    /// An event's data was not what the protocol says it should be.
    case malformed(String)
    /// The server reported an error inside the stream.
    case serverError(String)
}

/// Folds the events of one streamed model response, whatever its protocol, into content, tool
/// calls, usage and a finish reason.
///
/// Pure and synchronous, fed one `ServerSentEvent` at a time, so recorded streams can be
/// replayed through an accumulator in tests exactly as the network client feeds it.
package protocol StreamAccumulator: Sendable {
    init()
    /// Consumes one event; returns true when it carried generated output (text, reasoning or a
    /// piece of a tool call), which is what TTFT and ITL are stamped on.
    mutating func consume(_ event: ServerSentEvent) throws(StreamProblem) -> Bool
    /// Visible text generated so far.
    var content: String { get }
    /// Tool calls, complete once the stream is.
    var toolCalls: [ToolCall] { get }
    /// Normalised usage, once the server has sent it.
    var usage: TokenUsage? { get }
    var finishReason: String? { get }
    /// The protocol's terminal event arrived (`[DONE]`, `response.completed`, `message_stop`).
    var isComplete: Bool { get }
}
