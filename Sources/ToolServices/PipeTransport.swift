import Foundation
import Logging
import MCP
import Subprocess

/// An MCP transport over a child process's standard input and output, as swift-subprocess hands
/// them to a `run` body: newline-delimited JSON-RPC messages, as MCP's stdio transport defines.
///
/// Written by hand because the SDK's `StdioTransport` polls its non-blocking descriptor every
/// 10 ms, which would add up to 10 ms to every MCP tool call AgentPerf times; this one is woken by
/// each read instead. `pump` must run (in the caller's task group) for messages to arrive.
actor PipeTransport: Transport {
    nonisolated let logger: Logger
    private let writer: StandardInputWriter
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation

    init(writer: StandardInputWriter, logger: Logger) {
        self.writer = writer
        self.logger = logger
        (messages, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    func connect() async throws {}

    func disconnect() async {
        continuation.finish()
        try? await writer.finish()
    }

    func send(_ data: Data) async throws {
        var line = data
        line.append(UInt8(ascii: "\n"))
        _ = try await writer.write(Array(line))
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    /// Splits the server's output into lines and delivers each non-empty one as a message,
    /// until the server closes its output. The message stream stays open until `disconnect`:
    /// the SDK's client reads it in a loop that only cancellation ends, and a finished stream
    /// would make that loop spin.
    nonisolated func pump(_ output: SubprocessOutputSequence) async throws {
        var pending: [UInt8] = []
        for try await buffer in output {
            buffer.withUnsafeBytes { pending.append(contentsOf: $0) }
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[start..<newline]
                if !line.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: " ") }) {
                    continuation.yield(Data(line))
                }
                start = newline + 1
            }
            pending.removeFirst(start)
        }
    }
}
