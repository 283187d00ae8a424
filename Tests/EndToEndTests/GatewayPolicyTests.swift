import Foundation
import Gateway
import TestSupport
import Testing
import Traces

/// The gateway's live allocation policies end to end over loopback: budgets refuse calls with an
/// error the agent can read, escalation moves an attempt from the small model to the large one on
/// a signal, congestion routing picks the less queued upstream or a cheaper model; every decision
/// is a `route` step with its reason.
@Suite(.serialized, .busy) struct GatewayPolicyTests {
    static let question = #"{"role":"user","content":"What next?"}"#

    static func chat(
        _ gateway: URL, attempt: String, model: String = "sim-small", messages: String, extra: String = "",
        headers: [(String, String)] = []
    )
        async throws -> HTTPExchange
    {
        try await post(
            gateway.appendingPathComponent("attempt/\(attempt)/v1/chat/completions"),
            #"{"model":"\#(model)","max_tokens":8,"messages":[\#(messages)]\#(extra)}"#, headers: headers)
    }

    @Test("a spent call or token budget refuses the next call with a readable 400, a route step and the budget stop reason")
    func budgets() async throws {
        try await withLoopbackFleet { fleet in
            let policy = GatewayPolicy(budget: .init(tokens: 30, calls: 2))
            let (statuses, closed) = try await withGateway(upstream: fleet, policy: policy) { gateway, _ in
                var statuses: [Int] = []
                for _ in 0..<3 { statuses.append(try await Self.chat(gateway, attempt: "calls", messages: Self.question).status) }
                let long = #"{"role":"user","content":"\#(Array(repeating: "word", count: 40).joined(separator: " "))"}"#
                for _ in 0..<2 { statuses.append(try await Self.chat(gateway, attempt: "tokens", messages: long).status) }
                let refused = try await Self.chat(gateway, attempt: "calls", messages: Self.question)
                #expect(refused.body.contains("budget_exceeded") && refused.body.contains("2 model calls"))
                return statuses
            }
            #expect(statuses == [200, 200, 400, 200, 400])
            let byID = Dictionary(await closed.attempts.map { ($0.attempt.attemptID, $0) }) { a, _ in a }
            let calls = try #require(byID["calls"])
            #expect(calls.attempt.stopReason == StopReason.callBudget)
            #expect(calls.steps.map(\.operation) == [.route, .chat, .route, .chat, .route, .route])
            #expect(calls.steps.last?.routeReason?.hasPrefix("refused: this attempt's budget of 2 model calls") == true)
            #expect(byID["tokens"]?.attempt.stopReason == StopReason.tokenBudget)
        }
    }

    @Test(
        "small by default; a failed tool result, the client's header or a retried request escalates to large for the rest of the attempt"
    )
    func escalation() async throws {
        try await withLoopbackFleet { fleet in
            let policy = GatewayPolicy(escalation: .init(small: "sim-small", large: "sim-large"))
            let script = #","agentperf_simulate":[{"call":"run_tests","arguments":{}},{"answer":"done"}]"#
            let (_, closed) = try await withGateway(upstream: fleet, policy: policy) { gateway, _ in
                // tool_error: the first reply calls run_tests; its failing result escalates.
                let first = try await Self.chat(
                    gateway, attempt: "tool", model: "any-model", messages: Self.question, extra: script)
                let reply = try JSONSerialization.jsonObject(with: Data(first.body.utf8)) as? [String: Any]
                let message = ((reply?["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any]) ?? [:]
                let call = try #require((message["tool_calls"] as? [[String: Any]])?.first)
                let id = try #require(call["id"] as? String)
                let answered =
                    Self.question
                    + #",{"role":"assistant","content":null,"tool_calls":[{"id":"\#(id)","type":"function","function":{"name":"run_tests","arguments":"{}"}}]}"#
                    + #",{"role":"tool","tool_call_id":"\#(id)","content":"Error: 2 tests failed"}"#
                _ = try await Self.chat(gateway, attempt: "tool", model: "any-model", messages: answered, extra: script)
                _ = try await Self.chat(
                    gateway, attempt: "tool", model: "any-model", messages: answered + #",{"role":"user","content":"again"}"#)
                // header
                _ = try await Self.chat(
                    gateway, attempt: "header", messages: Self.question, headers: [("X-AgentPerf-Escalate", "1")])
                // retry: the same request twice
                _ = try await Self.chat(gateway, attempt: "retry", messages: Self.question)
                _ = try await Self.chat(gateway, attempt: "retry", messages: Self.question)
            }
            let byID = Dictionary(await closed.attempts.map { ($0.attempt.attemptID, $0.steps) }) { a, _ in a }
            let toolModels = try #require(byID["tool"]).filter { $0.operation == .chat }.map(\.model)
            #expect(toolModels == ["sim-small", "sim-large", "sim-large"])
            let reasons = try #require(byID["tool"]).compactMap(\.routeReason)
            #expect(reasons.first == "sim-small by default" && reasons[1] == "escalated to sim-large: tool run_tests failed")
            #expect(byID["header"]?.first { $0.operation == .chat }?.model == "sim-large")
            #expect(byID["retry"]?.filter { $0.operation == .chat }.map(\.model) == ["sim-small", "sim-large"])
            #expect(byID.values.allSatisfy { $0.filter { $0.operation == .chat }.allSatisfy { $0.errorType == nil } })
        }
    }

    static let answer =
        #"{"id":"x","object":"chat.completion","created":0,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"#

    @Test(
        "congestion: calls go to the upstream with the shorter recent queue, and to the fallback model when every upstream is congested"
    )
    func congestion() async throws {
        let queued = ScriptedResponse.json(Self.answer, headers: ["server-timing": "queue;dur=3000"])
        let fast = ScriptedResponse.json(Self.answer)
        try await withScriptedServer(["/v1/chat/completions": [queued]]) { slow, slowServer in
            try await withScriptedServer(["/v1/chat/completions": [fast]]) { quick, quickServer in
                let policy = GatewayPolicy(
                    congestion: .init(
                        upstreams: [slow.appendingPathComponent("v1"), quick.appendingPathComponent("v1")],
                        queueThresholdSeconds: 2, fallbackModel: "cheap-model"))
                let (_, closed) = try await withGateway(upstream: slow.appendingPathComponent("v1"), policy: policy) {
                    gateway, _ in
                    for _ in 0..<3 { _ = try await Self.chat(gateway, attempt: "c", model: "big-model", messages: Self.question) }
                }
                // The first call finds no load anywhere (the first upstream); it reports a 3 s queue, so the rest go to the other.
                #expect(slowServer.received.count == 1 && quickServer.received.count == 2)
                let reasons = await closed.steps.compactMap(\.routeReason)
                #expect(reasons.count == 3 && reasons[1].hasPrefix("upstream 2 of 2"))
            }
        }
        try await withScriptedServer(["/v1/chat/completions": [queued]]) { first, firstServer in
            try await withScriptedServer(["/v1/chat/completions": [queued]]) { second, secondServer in
                let policy = GatewayPolicy(
                    congestion: .init(
                        upstreams: [first.appendingPathComponent("v1"), second.appendingPathComponent("v1")],
                        queueThresholdSeconds: 2, fallbackModel: "cheap-model"))
                let (_, closed) = try await withGateway(upstream: first.appendingPathComponent("v1"), policy: policy) {
                    gateway, _ in
                    for _ in 0..<3 { _ = try await Self.chat(gateway, attempt: "c", model: "big-model", messages: Self.question) }
                }
                let bodies = (firstServer.received + secondServer.received).map(\.body)
                #expect(bodies.filter { $0.contains("cheap-model") }.count == 1, "the third call, once both reported 3 s")
                let steps = await closed.steps
                #expect(steps.filter { $0.operation == .chat }.map(\.model) == ["big-model", "big-model", "cheap-model"])
                #expect(
                    steps.compactMap(\.routeReason).last?.contains("over 2.00 s on the least loaded upstream: cheap-model")
                        == true)
            }
        }
    }
}
