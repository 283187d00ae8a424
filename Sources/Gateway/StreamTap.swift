import Backends
import NIOCore
import Traces
import WireFormats

/// Watches one streamed response as it passes through: parses every event with the protocol's
/// accumulator (usage, tool calls, finish reason), stamps the first and last generated token,
/// and hands back the bytes to forward — the very bytes received, or, when the gateway asked for
/// a usage chunk the client did not, the same events without that chunk.
struct StreamTap {
    private var parser = ServerSentEventParser()
    private(set) var accumulator: any StreamAccumulator
    /// Drop Chat Completions' usage-only chunk (the gateway added `include_usage` itself).
    private let dropsUsageChunk: Bool
    private(set) var firstToken: Int64?
    private(set) var lastToken: Int64?
    /// Why the stream could not be read, if an event was malformed or reported an error.
    private(set) var problem: (type: StepErrorType, message: String)?

    init(api: ModelAPI, dropsUsageChunk: Bool) {
        accumulator = api.streamAccumulator()
        self.dropsUsageChunk = dropsUsageChunk
    }

    /// Reads `buffer` (received at `now`) and returns what to send on.
    mutating func pass(_ buffer: ByteBuffer, at now: Int64) -> ByteBuffer {
        let events = parser.parse(buffer.readableBytesView)
        if parser.exceededLimit, problem == nil {
            problem = (
                StepErrorType.malformedEvent,
                "an event of over \(parser.maximumEventBytes >> 20) MiB, the most one event may hold"
            )
        }
        // Past the event limit the bytes pass through unread, as they came.
        let reframes = dropsUsageChunk && !parser.exceededLimit
        var forwarded = reframes ? ByteBuffer() : buffer
        for event in events {
            if problem == nil {
                do throws(StreamProblem) {
                    if try accumulator.consume(event) {
                        if firstToken == nil { firstToken = now }
                        lastToken = now
                    }
                } catch {
                    switch error {
                    // The event's bytes are response content: never quoted (docs/TRACES.md).
                    case .malformed(let data):
                        problem = (StepErrorType.malformedEvent, "unparseable event of \(data.utf8.count) bytes")
                    case .serverError(let message): problem = (StepErrorType.streamError, message)
                    }
                }
            }
            if reframes, !Self.isUsageOnlyChunk(event) { forwarded.writeString(event.encoded) }
        }
        return forwarded
    }

    /// A Chat Completions chunk with no choices and a usage object: the `include_usage` chunk.
    static func isUsageOnlyChunk(_ event: ServerSentEvent) -> Bool {
        guard event.data.utf8.count < 4096, let value = JSONValue(parsing: event.data) else { return false }
        return value["choices"] == .array([]) && value["usage"]?.objectValue != nil
    }
}
