import AsyncHTTPClient
import Backends
import Foundation
import TestSupport
import Testing
import Timekeeping
import Traces
import WireFormats

/// Every backend against a real loopback server that replays recorded streams byte for byte
/// (split into small writes), and injects faults.
@Suite struct BackendReplayTests {
    /// A minute after the origin of a clock made now (each test makes its transport's clock).
    static let farDeadline: Int64 = 60_000_000_000

    /// Runs `body` with a transport to a scripted server at `{base}/v1`.
    static func withTransport<T: Sendable>(
        _ script: [String: [ScriptedResponse]], timeouts: HTTPTransport.Timeouts = .init(),
        _ body: @Sendable (HTTPTransport, ScriptedServer) async throws -> T
    ) async throws -> T {
        try await withScriptedServer(script) { base, server in
            try await HTTPClient.withHTTPClient { client in
                let transport = HTTPTransport(
                    baseURL: base.appendingPathComponent("v1"), client: client, headers: [("authorization", "Bearer test-key")],
                    clock: ContinuousRunClock(), timeouts: timeouts)
                return try await body(transport, server)
            }
        }
    }

    static let weatherTool = ToolDefinition(
        name: "get_weather", description: "Current weather",
        parameters: ["type": "object", "properties": ["location": ["type": "string"]], "required": ["location"]])

    static func call(stream: Bool = true) -> ChatCall {
        ChatCall(
            model: "m",
            messages: [
                ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Weather in Paris?"),
                ChatMessage(
                    role: .assistant, content: "",
                    toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: #"{"location":"Paris"}"#)]),
                .toolResult("18 °C", for: ToolCall(id: "call_1", name: "get_weather", arguments: "")),
            ], tools: [weatherTool], maxTokens: 100, stream: stream)
    }

    static func json(_ text: String) throws -> JSONValue {
        try #require(JSONValue(parsing: text))
    }

    @Test("OpenAI chat: the real recording replays to its exact text and usage, with times stamped in order")
    func openAIChatReplay() async throws {
        let body = try Recording.real("openai_chat_completion_streaming.yaml")
        let result = try await Self.withTransport(["/v1/chat/completions": [.sse(body)]]) { transport, _ in
            await OpenAIBackend(transport: transport, providerName: "openai").chat(Self.call(), deadline: Self.farDeadline)
        }
        #expect(result.succeeded, "\(result.errorMessage ?? "")")
        #expect(result.content == "\"This is a test.\"" && result.usage == TokenUsage(uncachedInput: 12, output: 5))
        let t = result.timing
        #expect(t.sent! <= t.firstToken! && t.firstToken! <= t.lastToken! && t.lastToken! <= t.end!)
    }

    @Test("OpenAI chat: tools and earlier tool calls go out in Chat Completions' shape; streamed calls come back")
    func openAIChatTools() async throws {
        let body = try Recording.documented("openai_chat_tool_calls.sse")
        let (result, sent) = try await Self.withTransport(["/v1/chat/completions": [.sse(body)]]) { transport, server in
            let result = await OpenAIBackend(transport: transport, providerName: "openai").chat(
                Self.call(), deadline: Self.farDeadline)
            return (result, server.received)
        }
        #expect(result.toolCalls.map(\.name) == ["get_weather", "get_time"])
        #expect(result.usage == TokenUsage(uncachedInput: 20, cacheRead: 64, output: 46))
        let request = try Self.json(try #require(sent.first).body)
        #expect(
            request["tools"] == [
                [
                    "type": "function",
                    "function": [
                        "name": "get_weather", "description": "Current weather", "parameters": Self.weatherTool.parameters,
                    ],
                ]
            ])
        guard case .array(let messages)? = request["messages"] else { Issue.record("no messages"); return }
        #expect(
            messages[2]["tool_calls"] == [
                ["id": "call_1", "type": "function", "function": ["name": "get_weather", "arguments": #"{"location":"Paris"}"#]]
            ])
        #expect(messages[3] == ["role": "tool", "content": "18 °C", "tool_call_id": "call_1"])
        #expect(request["stream_options"] == ["include_usage": true] && request["ignore_eos"] == nil)
        #expect(try #require(sent.first).headers["authorization"] == "Bearer test-key")
    }

    @Test("Responses: real and documented streams replay; instructions and function_call items go out")
    func responses() async throws {
        let text = try Recording.real("openai_responses_streaming.yaml")
        let tools = try Recording.documented("openai_responses_function_call.sse")
        let (first, second, sent) = try await Self.withTransport(["/v1/responses": [.sse(text), .sse(tools)]]) {
            transport, server in
            let backend = OpenAIResponsesBackend(transport: transport, providerName: "openai")
            let first = await backend.chat(Self.call(), deadline: Self.farDeadline)
            let second = await backend.chat(Self.call(), deadline: Self.farDeadline)
            return (first, second, server.received)
        }
        #expect(first.content == "This is a test." && first.usage == TokenUsage(uncachedInput: 22, output: 6))
        #expect(
            second.toolCalls == [ToolCall(id: "call_Rt5k9sWe", name: "get_weather", arguments: #"{"location":"Paris, France"}"#)])
        #expect(second.usage == TokenUsage(uncachedInput: 35, cacheRead: 256, output: 23))
        let request = try Self.json(try #require(sent.first).body)
        #expect(request["instructions"] == "Be brief." && request["store"] == false && request["max_output_tokens"] == 100)
        guard case .array(let input)? = request["input"] else { Issue.record("no input"); return }
        #expect(input.count == 3)
        #expect(
            input[1] == [
                "type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": #"{"location":"Paris"}"#,
            ])
        #expect(input[2] == ["type": "function_call_output", "call_id": "call_1", "output": "18 °C"])
        #expect(
            request["tools"] == [
                [
                    "type": "function", "name": "get_weather", "description": "Current weather",
                    "parameters": Self.weatherTool.parameters,
                ]
            ])
    }

    @Test("Anthropic: real and documented streams replay; tool_use, tool_result and cache breakpoints go out")
    func anthropic() async throws {
        let text = try Recording.real("anthropic_messages_streaming.yaml")
        let tools = try Recording.documented("anthropic_tool_use.sse")
        let (first, second, sent) = try await Self.withTransport(["/v1/messages": [.sse(text), .sse(tools)]]) {
            transport, server in
            let backend = AnthropicBackend(transport: transport)
            let first = await backend.chat(Self.call(), deadline: Self.farDeadline)
            let second = await backend.chat(Self.call(), deadline: Self.farDeadline)
            return (first, second, server.received)
        }
        #expect(first.content == "Hello!" && first.usage == TokenUsage(uncachedInput: 13, output: 5))
        #expect(second.toolCalls.first?.name == "get_weather")
        #expect(second.usage == TokenUsage(uncachedInput: 12, cacheRead: 2048, cacheWrite: 256, output: 71))
        let received = try #require(sent.first)
        #expect(received.headers["anthropic-version"] == AnthropicBackend.apiVersion)
        let request = try Self.json(received.body)
        #expect(request["system"] == [["type": "text", "text": "Be brief.", "cache_control": ["type": "ephemeral"]]])
        guard case .array(let messages)? = request["messages"] else { Issue.record("no messages"); return }
        #expect(messages.map { $0["role"] } == ["user", "assistant", "user"])
        #expect(
            messages[1]["content"] == [
                ["type": "tool_use", "id": "call_1", "name": "get_weather", "input": ["location": "Paris"]]
            ])
        #expect(
            messages[2]["content"]
                == [["type": "tool_result", "tool_use_id": "call_1", "content": "18 °C", "cache_control": ["type": "ephemeral"]]])
        #expect(
            request["tools"] == [
                [
                    "name": "get_weather", "description": "Current weather", "input_schema": Self.weatherTool.parameters,
                    "cache_control": ["type": "ephemeral"],
                ]
            ])
    }

    @Test("non-streamed responses of all three protocols give the same fields")
    func nonStreamed() async throws {
        let chat =
            #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":30,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":16}}}"#
        let responses =
            #"{"id":"r","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"Hi"}]}],"usage":{"input_tokens":10,"output_tokens":2}}"#
        let messages =
            #"{"id":"m","model":"x","content":[{"type":"text","text":"Hi"},{"type":"tool_use","id":"t1","name":"get_weather","input":{"location":"Oslo"}}],"stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":9,"cache_read_input_tokens":100}}"#
        let results = try await Self.withTransport([
            "/v1/chat/completions": [.json(chat)], "/v1/responses": [.json(responses)], "/v1/messages": [.json(messages)],
        ]) { transport, _ in
            [
                await OpenAIBackend(transport: transport, providerName: "o").chat(
                    Self.call(stream: false), deadline: Self.farDeadline),
                await OpenAIResponsesBackend(transport: transport, providerName: "o").chat(
                    Self.call(stream: false), deadline: Self.farDeadline),
                await AnthropicBackend(transport: transport).chat(Self.call(stream: false), deadline: Self.farDeadline),
            ]
        }
        #expect(results[0].toolCalls == [ToolCall(id: "call_9", name: "get_weather", arguments: "{}")])
        #expect(results[0].usage == TokenUsage(uncachedInput: 14, cacheRead: 16, output: 7))
        #expect(results[1].content == "Hi" && results[1].usage == TokenUsage(uncachedInput: 10, output: 2))
        #expect(results[2].toolCalls == [ToolCall(id: "t1", name: "get_weather", arguments: #"{"location":"Oslo"}"#)])
        #expect(results[2].usage == TokenUsage(uncachedInput: 5, cacheRead: 100, output: 9))
    }
}
