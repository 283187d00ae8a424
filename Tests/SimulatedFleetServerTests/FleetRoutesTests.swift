import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SimulatedFleet
import SimulatedFleetServer
import Testing
import Timekeeping
import WireFormats

/// The fleet's routes driven in-process (no socket): status codes, headers and bodies of what
/// a client gets, faults included. FleetServerTests covers the same surface over a real socket.
@Suite struct FleetRoutesTests {
    /// Runs `body` against the routes of a fleet with `configuration`, its replicas running.
    func withRoutes<T: Sendable>(
        _ configuration: FleetConfiguration = .default, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let service = try FleetService(configuration: configuration, clock: ContinuousRunClock())
        let app = Application(router: FleetServer.router(service))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await service.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await app.test(.router) { client in try await body(client) }
        }
    }

    static func chat(_ fields: String) -> ByteBuffer {
        ByteBuffer(string: #"{"model":"sim-small","messages":[{"role":"user","content":"one two three"}]"# + fields + "}")
    }

    @Test("GET /v1/models lists the served models")
    func models() async throws {
        let ids = try await withRoutes { client in
            try await client.execute(uri: "/v1/models", method: .get) { response in
                try JSONDecoder().decode(OpenAIModelList.self, from: Data(response.body.readableBytesView)).data.map(\.id)
            }
        }
        #expect(ids == ["sim-small", "sim-large", "sim-embed"])
    }

    @Test(
        "bad requests get OpenAI error bodies with the right status",
        arguments: [
            (#"{"model": "sim-small", "messages": "#, 400, "invalid request body"),
            (#"{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}"#, 404, "gpt-9"),
            (#"{"model":"sim-embed","messages":[{"role":"user","content":"hi"}]}"#, 400, "embedding model"),
            (#"{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"max_tokens":0}"#, 400, "at least 1"),
            (#"{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"max_tokens":999999}"#, 400, "maximum context"),
        ])
    func errors(body: String, status: Int, message: String) async throws {
        let (code, error) = try await withRoutes { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: body)) { response in
                (
                    Int(response.status.code),
                    try JSONDecoder().decode(OpenAIErrorBody.self, from: Data(response.body.readableBytesView))
                )
            }
        }
        #expect(code == status)
        #expect(error.error.message.contains(message), "\(error.error.message)")
    }

    @Test("an injected rate limit is a 429 with Retry-After in whole seconds and retry-after-ms")
    func rateLimited() async throws {
        var configuration = FleetConfiguration.default
        configuration.faults = FaultInjection(rateLimited: 1, retryAfterMilliseconds: 1500)
        let (status, seconds, milliseconds) = try await withRoutes(configuration) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.chat("")) { response in
                (
                    response.status.code, response.headers[.retryAfter],
                    response.headers.first { $0.name.rawName == "retry-after-ms" }?.value
                )
            }
        }
        #expect(status == 429 && seconds == "2" && milliseconds == "1500")
    }

    @Test("a malformed-stream fault puts one unparseable event halfway through an otherwise whole stream")
    func malformedStream() async throws {
        var configuration = FleetConfiguration.default
        configuration.faults = FaultInjection(malformed: 1)
        let body = try await withRoutes(configuration) { client in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, body: Self.chat(#","max_tokens":6,"ignore_eos":true,"stream":true"#)
            ) { response in String(buffer: response.body) }
        }
        let events = body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.filter { $0.contains("injected") }.count == 1)
        #expect(events.last == "data: [DONE]")
        // role, 6 tokens, the injected event, the finish chunk, [DONE]
        #expect(events.count == 10, "\(events)")
    }

    @Test("a scripted turn comes back as a tool call with its arguments, then the answer")
    func scriptedTurns() async throws {
        let script = #","agentperf_simulate":[{"call":"lookup","arguments":{"q":"x"}},{"answer":"done"}]"#
        let (first, second) = try await withRoutes { client in
            let first = try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.chat(script)) {
                try JSONDecoder().decode(OpenAIChat.Response.self, from: Data($0.body.readableBytesView))
            }
            let later = ByteBuffer(
                string:
                    #"{"model":"sim-small","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"","tool_calls":[{"id":"c","type":"function","function":{"name":"lookup","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"r"}]"#
                    + script + "}")
            let second = try await client.execute(uri: "/v1/chat/completions", method: .post, body: later) {
                try JSONDecoder().decode(OpenAIChat.Response.self, from: Data($0.body.readableBytesView))
            }
            return (first, second)
        }
        let call = try #require(first.choices.first?.message.toolCalls?.first)
        #expect(call.function.name == "lookup" && call.function.arguments == #"{"q":"x"}"#)
        #expect(first.choices.first?.finishReason == "tool_calls")
        #expect(second.choices.first?.message.content == "done" && second.choices.first?.finishReason == "stop")
    }
}
