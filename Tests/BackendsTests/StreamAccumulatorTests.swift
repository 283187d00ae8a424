import Backends
import Foundation
import TestSupport
import Testing
import Traces
import WireFormats

/// The three streaming protocols, folded event by event from real recordings and from streams
/// written after the providers' documentation (Tests/Fixtures/docs/README.md).
@Suite struct StreamAccumulatorTests {
    static func events(_ body: String) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        return parser.parse(Array(body.utf8))
    }

    static func fold<A: StreamAccumulator>(_ body: String, into _: A.Type) throws -> (A, [Bool]) {
        var accumulator = A()
        var generated: [Bool] = []
        for event in events(body) { generated.append(try accumulator.consume(event)) }
        return (accumulator, generated)
    }

    @Test("real OpenAI chat stream: text, finish reason, usage; the role-only chunk is not a token")
    func openAIChat() throws {
        let (result, generated) = try Self.fold(
            try Recording.real("openai_chat_completion_streaming.yaml"), into: ChatStreamAccumulator.self)
        #expect(result.content == "\"This is a test.\"" && result.finishReason == "stop" && result.isComplete)
        #expect(generated == [false, true, true, true, true, true, false, false, false])
        #expect(result.usage == TokenUsage(uncachedInput: 12, output: 5))
        #expect(result.toolCalls.isEmpty)
    }

    @Test("real Responses stream: text deltas and response.completed usage")
    func openAIResponses() throws {
        let (result, generated) = try Self.fold(
            try Recording.real("openai_responses_streaming.yaml"), into: ResponsesStreamAccumulator.self)
        #expect(result.content == "This is a test." && result.isComplete && result.finishReason == "stop")
        #expect(generated.filter { $0 }.count == 5)
        #expect(result.usage == TokenUsage(uncachedInput: 22, output: 6))
    }

    @Test("real Anthropic stream: text, and message_delta's cumulative usage over message_start's")
    func anthropic() throws {
        let (result, _) = try Self.fold(
            try Recording.real("anthropic_messages_streaming.yaml"), into: AnthropicStreamAccumulator.self)
        #expect(result.content == "Hello!" && result.finishReason == "end_turn" && result.isComplete)
        #expect(result.usage == TokenUsage(uncachedInput: 13, output: 5))
    }

    @Test("Chat Completions tool-call deltas assemble into two parallel calls; cached tokens leave uncached")
    func openAIChatTools() throws {
        let (result, _) = try Self.fold(try Recording.documented("openai_chat_tool_calls.sse"), into: ChatStreamAccumulator.self)
        #expect(
            result.toolCalls == [
                ToolCall(id: "call_Wx4b2nPq", name: "get_weather", arguments: #"{"location":"Paris, France"}"#),
                ToolCall(id: "call_Qm8c1dLz", name: "get_time", arguments: #"{"timezone":"Europe/Paris"}"#),
            ])
        #expect(result.finishReason == "tool_calls" && result.content.isEmpty)
        #expect(result.usage == TokenUsage(uncachedInput: 20, cacheRead: 64, output: 46))
    }

    @Test("Responses function_call arguments assemble from their deltas")
    func responsesTools() throws {
        let (result, _) = try Self.fold(
            try Recording.documented("openai_responses_function_call.sse"), into: ResponsesStreamAccumulator.self)
        #expect(
            result.toolCalls == [ToolCall(id: "call_Rt5k9sWe", name: "get_weather", arguments: #"{"location":"Paris, France"}"#)])
        #expect(result.finishReason == "tool_calls")
        #expect(result.usage == TokenUsage(uncachedInput: 35, cacheRead: 256, output: 23))
    }

    @Test("Anthropic tool_use input assembles from input_json_delta pieces; cache reads and writes stay apart")
    func anthropicTools() throws {
        let (result, _) = try Self.fold(try Recording.documented("anthropic_tool_use.sse"), into: AnthropicStreamAccumulator.self)
        #expect(result.content == "Let me check the weather in Paris.")
        #expect(
            result.toolCalls == [
                ToolCall(
                    id: "toolu_01AgentPerfDoc3", name: "get_weather",
                    arguments: #"{"location": "Paris, France", "unit": "celsius"}"#)
            ])
        #expect(result.finishReason == "tool_use")
        #expect(result.usage == TokenUsage(uncachedInput: 12, cacheRead: 2048, cacheWrite: 256, output: 71))
    }

    @Test("usage normalisation: OpenAI counts cache inside the prompt, Anthropic outside")
    func normalisation() {
        let openAI = OpenAIChat.Usage(
            promptTokens: 1000, completionTokens: 50, promptTokensDetails: .init(cachedTokens: 700, cacheWriteTokens: 200),
            completionTokensDetails: .init(reasoningTokens: 20))
        #expect(
            UsageNormalization.openAIChat(openAI)
                == TokenUsage(uncachedInput: 100, cacheRead: 700, cacheWrite: 200, output: 50, reasoning: 20))
        let anthropic = AnthropicMessages.Usage(
            inputTokens: 100, outputTokens: 50, cacheCreationInputTokens: 300, cacheReadInputTokens: 700,
            cacheCreation: .init(ephemeral5m: 100, ephemeral1h: 200))
        #expect(
            UsageNormalization.anthropic(anthropic)
                == TokenUsage(uncachedInput: 100, cacheRead: 700, cacheWrite: 300, cacheWrite1h: 200, output: 50))
    }

    @Test("an unparseable event is malformed and an error event is a server error, in every protocol")
    func problems() {
        var chat = ChatStreamAccumulator()
        #expect(throws: StreamProblem.malformed(#"{"choices": 3}"#)) {
            try chat.consume(ServerSentEvent(data: #"{"choices": 3}"#))
        }
        #expect(throws: StreamProblem.serverError("overloaded")) {
            try chat.consume(ServerSentEvent(data: #"{"error":{"message":"overloaded","type":"server_error"}}"#))
        }
        var responses = ResponsesStreamAccumulator()
        #expect(throws: StreamProblem.malformed("not json")) { try responses.consume(ServerSentEvent(data: "not json")) }
        #expect(throws: StreamProblem.serverError("rate limited")) {
            try responses.consume(
                ServerSentEvent(event: "error", data: #"{"type":"error","code":"rate_limit","message":"rate limited"}"#))
        }
        var anthropic = AnthropicStreamAccumulator()
        #expect(throws: StreamProblem.serverError("Overloaded")) {
            try anthropic.consume(
                ServerSentEvent(
                    event: "error", data: #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#))
        }
    }
}
