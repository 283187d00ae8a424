import AsyncHTTPClient
import Foundation
import Gateway
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import TestSupport
import Testing
import Timekeeping
import Traces

/// What the gateway's closed attempts handed over, for the tests to read.
actor ClosedAttempts {
    private(set) var attempts: [(attempt: AttemptRecord, steps: [StepRecord])] = []
    func add(_ attempt: AttemptRecord, _ steps: [StepRecord]) { attempts.append((attempt, steps)) }
    var steps: [StepRecord] { attempts.flatMap(\.steps) }
}

/// Runs a gateway in front of `upstream` on a loopback port for the duration of `body`, which
/// gets its root URL (`http://127.0.0.1:PORT`); the attempts still open close when it stops.
func withGateway<T: Sendable>(
    upstream: URL, accessToken: String? = nil, upstreamHeaders: [(String, String)] = [], policy: GatewayPolicy = GatewayPolicy(),
    _ body: @Sendable (URL, AttemptBook) async throws -> T
) async throws -> (T, ClosedAttempts) {
    let logger = Logger(label: "test-gateway") { _ in SwiftLogNoOpLogHandler() }
    let closed = ClosedAttempts()
    let book = AttemptBook(runID: "gw", idleGap: .seconds(30)) { await closed.add($0, $1) }
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    var configuration = GatewayConfiguration(upstream: upstream, accessToken: accessToken, upstreamHeaders: upstreamHeaders)
    configuration.policy = policy
    let gateway = Gateway(
        configuration: configuration,
        book: book, clock: ContinuousRunClock(), runID: "gw", logger: logger
    ) {
        continuation.yield($0)
        continuation.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [gateway], logger: logger))
    let value = try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var port = 0
        for await bound in ports { port = bound }
        let result: Result<T, any Error>
        do { result = .success(try await body(URL(string: "http://127.0.0.1:\(port)")!, book)) } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
    return (value, closed)
}

/// One POST with headers; the status, headers and the body exactly as received.
func post(_ url: URL, _ body: String, headers: [(String, String)] = []) async throws -> HTTPExchange {
    try await HTTPClient.withHTTPClient { client in
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        var data = Data()
        for try await buffer in response.body { data.append(contentsOf: buffer.readableBytesView) }
        return HTTPExchange(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: String(decoding: data, as: UTF8.self))
    }
}

@Suite(.serialized, .busy) struct GatewayRunTests {
    @Test(
        "in front of the fleet, concurrent streamed and whole calls: every token the fleet counted is in the steps, attempts by path",
        arguments: [false, true])
    func tokensMatchTheFleet(streamed: Bool) async throws {
        try await withLoopbackFleet { fleet in
            let (_, closed) = try await withGateway(upstream: fleet) { gateway, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for attempt in 0..<8 {
                        group.addTask {
                            var history = #"{"role":"system","content":"You are terse. Shared prefix for the cache."}"#
                            for turn in 0..<3 {
                                history += #",{"role":"user","content":"question \#(turn) of attempt \#(attempt)"}"#
                                let body =
                                    #"{"model":"sim-small","max_tokens":\#(4 + turn),"stream":\#(streamed),"messages":[\#(history)]}"#
                                let url = gateway.appendingPathComponent("attempt/a\(attempt)/v1/chat/completions")
                                let reply = try await post(url, body)
                                #expect(reply.status == 200)
                                // The client did not ask for usage in the stream, and gets none.
                                if streamed { #expect(!reply.body.contains("\"usage\"")) }
                                history += #",{"role":"assistant","content":"ok"}"#
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let metrics = prometheusSamples(
                try await exchange("GET", fleet.deletingLastPathComponent().appendingPathComponent("metrics")).body)
            let steps = await closed.steps
            #expect(steps.count == 24)
            #expect(steps.allSatisfy { $0.errorType == nil && $0.timing.firstToken != nil })
            let usage = steps.compactMap(\.usage)
            #expect(usage.allSatisfy { !$0.isEstimated })
            let prompt = usage.reduce(0) { $0 + $1.uncachedInput + $1.cacheRead + $1.cacheWrite }
            #expect(Double(prompt) == metrics["agentperf_sim_prompt_tokens_total"]?["sim-small"])
            #expect(
                Double(usage.reduce(0) { $0 + $1.cacheRead }) == metrics["agentperf_sim_cached_prompt_tokens_total"]?["sim-small"]
            )
            #expect(Double(usage.reduce(0) { $0 + $1.output }) == metrics["agentperf_sim_generation_tokens_total"]?["sim-small"])
            let attempts = await closed.attempts
            #expect(Set(attempts.map(\.attempt.attemptID)) == Set((0..<8).map { "a\($0)" }))
            #expect(attempts.allSatisfy { $0.steps.map(\.index) == [0, 1, 2] })
            #expect(usage.reduce(0) { $0 + $1.cacheRead } > 0, "later turns read the shared prefix from the cache")
        }
    }

    @Test(
        "real recorded streams of all three APIs pass through byte for byte, and their usage is taken on the way",
        arguments: [
            ("openai_chat_completion_streaming.yaml", "chat/completions"), ("openai_responses_streaming.yaml", "responses"),
            ("anthropic_messages_streaming.yaml", "messages"),
        ])
    func recordedStreamsPassThrough(cassette: String, path: String) async throws {
        let recording = try Cassette(contentsOf: Fixtures.real("sse/\(cassette)"))
        let script = ["/v1/\(path)": [ScriptedResponse.sse(recording.responseBody)]]
        try await withScriptedServer(script) { server, _ in
            var body = recording.requestBody
            // Chat Completions: the recorded request asked for usage, so the stream is left as is.
            if path == "chat/completions", !body.contains("include_usage") {
                body = body.replacingOccurrences(
                    of: "\"stream\": true", with: "\"stream\": true, \"stream_options\": {\"include_usage\": true}")
            }
            let request = body
            let (reply, closed) = try await withGateway(upstream: server.appendingPathComponent("v1")) { gateway, _ in
                try await post(gateway.appendingPathComponent("v1/\(path)"), request)
            }
            #expect(reply.status == 200)
            #expect(reply.body == recording.responseBody)
            let step = try #require(await closed.steps.first)
            #expect(step.errorType == nil)
            #expect(step.usage != nil && step.usage?.isEstimated == false)
            #expect((step.usage?.output ?? 0) > 0)
            #expect(step.timing.firstToken != nil && step.timing.lastToken != nil)
            #expect(step.provider == (path == "messages" ? "anthropic" : "openai"))
        }
    }

    @Test("client keys pass through on loopback and never reach the trace, even quoted in an upstream's error")
    func keysPassThroughAndAreScrubbed() async throws {
        let key = "sk-live-0123456789abcdefXYZ"
        let refusal = ScriptedResponse.json(
            #"{"error":{"message":"Incorrect API key provided: \#(key). You can find your API key at …","type":"invalid_request_error"}}"#,
            status: 401)
        try await withScriptedServer(["/v1/chat/completions": [refusal]]) { server, received in
            let (reply, closed) = try await withGateway(upstream: server.appendingPathComponent("v1")) { gateway, _ in
                try await post(
                    gateway.appendingPathComponent("v1/chat/completions"), #"{"model":"m","stream":true,"messages":[]}"#,
                    headers: [("Authorization", "Bearer \(key)")])
            }
            #expect(reply.status == 401)
            #expect(received.received.first?.headers["authorization"] == "Bearer \(key)")
            let step = try #require(await closed.steps.first)
            #expect(step.errorType == StepErrorType.http(401))
            let written = String(decoding: try JSONEncoder().encode(step), as: UTF8.self)
            #expect(!written.contains(key) && !written.contains("0123456789abcdef"))
            #expect(step.errorMessage?.contains("Incorrect API key") == true)
        }
    }

    @Test("with an access token: a call without it is refused; the upstream gets the gateway's key, never the client's")
    func accessToken() async throws {
        let answer = ScriptedResponse.chatAnswer("fine thanks")
        try await withScriptedServer(["/v1/chat/completions": [answer]]) { server, received in
            let (replies, closed) = try await withGateway(
                upstream: server.appendingPathComponent("v1"), accessToken: "gateway-token-1",
                upstreamHeaders: [("Authorization", "Bearer upstream-key-2")]
            ) { gateway, _ in
                let url = gateway.appendingPathComponent("v1/chat/completions")
                let body = #"{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[]}"#
                return [
                    try await post(url, body, headers: [("Authorization", "Bearer wrong")]),
                    try await post(url, body, headers: [("Authorization", "Bearer gateway-token-1")]),
                    try await post(url, body, headers: [("x-api-key", "gateway-token-1")]),
                ]
            }
            #expect(replies.map(\.status) == [401, 200, 200])
            #expect(received.received.count == 2)
            #expect(received.received.allSatisfy { $0.headers["authorization"] == "Bearer upstream-key-2" })
            #expect(received.received.allSatisfy { $0.headers["x-api-key"] == nil })
            #expect(await closed.steps.count == 2)
        }
    }
}
