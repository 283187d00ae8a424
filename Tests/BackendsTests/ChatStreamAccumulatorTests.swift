import Backends
import Foundation
import TestSupport
import Testing
import Traces
import WireFormats

@Suite struct ChatStreamAccumulatorTests {
    static func events(_ file: String) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        return parser.parse(Array(try Cassette(contentsOf: Fixtures.real("sse/\(file)")).responseBody.utf8))
    }

    @Test("the recorded OpenAI stream yields its text, finish reason and final usage")
    func recordedOpenAIStream() throws {
        var accumulator = ChatStreamAccumulator()
        var generated: [Bool] = []
        for event in try Self.events("openai_chat_completion_streaming.yaml") {
            generated.append(try accumulator.consume(event))
        }
        #expect(accumulator.content == "\"This is a test.\"")
        #expect(accumulator.finishReason == "stop")
        #expect(accumulator.isDone)
        // The role-only first chunk is not a token; the five content deltas are.
        #expect(generated == [false, true, true, true, true, true, false, false, false])
        let usage = try #require(accumulator.usage)
        #expect(UsageNormalization.openAIChat(usage) == TokenUsage(uncachedInput: 12, output: 5))
    }

    @Test("cached and cache-write prompt tokens leave the uncached bucket")
    func normalisation() {
        let usage = OpenAIChat.Usage(
            promptTokens: 1000, completionTokens: 50,
            promptTokensDetails: .init(cachedTokens: 700, cacheWriteTokens: 200),
            completionTokensDetails: .init(reasoningTokens: 20))
        #expect(
            UsageNormalization.openAIChat(usage)
                == TokenUsage(
                    uncachedInput: 100, cacheRead: 700, cacheWrite: 200, output: 50, reasoning: 20))
    }

    @Test("a data event that is not a chunk is a malformed-event problem")
    func malformed() {
        var accumulator = ChatStreamAccumulator()
        #expect(throws: ChatStreamAccumulator.Problem.malformed("{\"choices\": 3}")) {
            try accumulator.consume(ServerSentEvent(data: "{\"choices\": 3}"))
        }
    }

    @Test("an error object inside the stream is reported with its message")
    func inStreamError() {
        var accumulator = ChatStreamAccumulator()
        #expect(throws: ChatStreamAccumulator.Problem.serverError("overloaded")) {
            try accumulator.consume(ServerSentEvent(data: #"{"error":{"message":"overloaded","type":"server_error"}}"#))
        }
    }
}
