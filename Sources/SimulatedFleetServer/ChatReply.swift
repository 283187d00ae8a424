import Foundation
import Hummingbird
import NIOCore
import SimulatedFleet
import WireFormats

/// An error response carried through `Result`.
struct ErrorResponse: Error, @unchecked Sendable {
    // Response holds a non-Sendable body closure type erased by Hummingbird; it is only moved, never shared.
    let response: Response
    init(_ response: Response) { self.response = response }
}

/// What every chunk of one reply shares.
struct ReplyContext: Sendable {
    let id: String
    let model: String
    let created: Int
    let reportsCacheWrites: Bool

    func chunk(delta: OpenAIChat.Delta, finishReason: String? = nil) throws -> ByteBuffer {
        let chunk = OpenAIChat.Chunk(
            id: id, created: created, model: model, choices: [.init(index: 0, delta: delta, finishReason: finishReason)])
        return try Self.event(chunk)
    }

    func usageChunk(_ usage: RequestUsage) throws -> ByteBuffer {
        try Self.event(OpenAIChat.Chunk(id: id, created: created, model: model, choices: [], usage: self.usage(usage)))
    }

    func usage(_ usage: RequestUsage) -> OpenAIChat.Usage {
        OpenAIChat.Usage(
            promptTokens: usage.promptTokens, completionTokens: usage.outputTokens,
            totalTokens: usage.promptTokens + usage.outputTokens,
            promptTokensDetails: .init(
                cachedTokens: usage.cachedTokens, cacheWriteTokens: reportsCacheWrites ? usage.cacheWriteTokens : nil),
            completionTokensDetails: .init(reasoningTokens: 0))
    }

    func finishReason(_ usage: RequestUsage) -> String { "stop" }

    private static func event(_ value: some Encodable) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes(try JSONEncoder().encode(value))
        buffer.writeString("\n\n")
        return buffer
    }
}
