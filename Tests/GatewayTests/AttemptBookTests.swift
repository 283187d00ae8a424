import Backends
import Foundation
import NIOCore
import Testing
import Traces
import WireFormats

@testable import Gateway

/// How calls become attempts and steps, and what is inferred from the gaps between them.
@Suite struct AttemptBookTests {
    actor Closed {
        var attempts: [(AttemptRecord, [StepRecord])] = []
        func add(_ attempt: AttemptRecord, _ steps: [StepRecord]) { attempts.append((attempt, steps)) }
    }

    static func request(_ api: ModelAPI, _ json: String) -> CallRequest {
        CallRequest(JSONValue(parsing: json)!, api: api)!
    }

    static func step(_ ticket: CallTicket, end: Int64) -> StepRecord {
        StepRecord(
            runID: "r", attemptID: ticket.attemptID, stepID: ticket.stepID, index: ticket.index, operation: .chat,
            useClass: .act, timing: StepTiming(end: end))
    }

    @Test("a session splits where the client was idle for the gap, never while a call is in flight")
    func idleGap() async {
        let closed = Closed()
        let book = AttemptBook(runID: "r", idleGap: .seconds(1)) { await closed.add($0, $1) }
        let session = AttemptKey(.session, "k")
        let plain = Self.request(.chatCompletions, #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#)
        let first = await book.begin(session, task: nil, request: plain, at: 0)
        // A call 2 s later, while the first is still in flight, joins the same attempt.
        let second = await book.begin(session, task: nil, request: plain, at: 2_000_000_000)
        #expect(first.attemptID == second.attemptID)
        await book.finish(first, step: Self.step(first, end: 2_100_000_000), toolCalls: [])
        await book.finish(second, step: Self.step(second, end: 2_200_000_000), toolCalls: [])
        // 0.5 s after the last end: same attempt; 1.5 s after that: a new one, the first closed.
        let third = await book.begin(session, task: nil, request: plain, at: 2_700_000_000)
        #expect(third.attemptID == first.attemptID)
        await book.finish(third, step: Self.step(third, end: 2_800_000_000), toolCalls: [])
        let fourth = await book.begin(session, task: nil, request: plain, at: 4_300_000_000)
        #expect(fourth.attemptID != first.attemptID)
        let attempts = await closed.attempts
        #expect(attempts.count == 1)
        #expect(attempts.first?.0.stepCount == 3)
        #expect(attempts.first?.0.scheduled == 0)
        #expect(attempts.first?.0.end == 2_800_000_000)
        #expect(attempts.first?.0.outcome == .ungraded)
        #expect(attempts.first?.1.map(\.index) == [0, 1, 2])
    }

    @Test("the gap between a reply's tool call and the request answering it is a tool step with the result's hash")
    func toolSteps() async {
        let book = AttemptBook(runID: "r", idleGap: .seconds(30)) { _, _ in }
        await book.claim("a1", task: "t", at: 0)
        let key = AttemptKey(.path, "a1")
        let first = await book.begin(
            key, task: nil, request: Self.request(.chatCompletions, #"{"messages":[{"role":"user","content":"go"}]}"#), at: 10)
        await book.finish(first, step: Self.step(first, end: 100), toolCalls: [("call_1", "read_file"), ("call_2", "run_tests")])
        let answer = Self.request(
            .chatCompletions,
            #"{"messages":[{"role":"user","content":"go"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","function":{"name":"read_file","arguments":"{}"}},{"id":"call_2","function":{"name":"run_tests","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_1","content":"file text"},{"role":"tool","tool_call_id":"call_2","content":"2 passed"}]}"#
        )
        let second = await book.begin(key, task: nil, request: answer, at: 400)
        await book.finish(second, step: Self.step(second, end: 500), toolCalls: [])
        // The same results in a later request are not new tool steps.
        let third = await book.begin(key, task: nil, request: answer, at: 600)
        await book.finish(third, step: Self.step(third, end: 700), toolCalls: [])
        let (steps, inFlight) = await book.take("a1")
        #expect(inFlight == 0)
        #expect(steps.map(\.operation) == [.chat, .executeTool, .executeTool, .chat, .chat])
        #expect(steps.map(\.index) == [0, 1, 2, 3, 4])
        let tools = steps.filter { $0.operation == .executeTool }
        #expect(tools.map(\.toolName) == ["read_file", "run_tests"])
        #expect(tools.map(\.useClass) == [.read, .verify])
        #expect(tools.allSatisfy { $0.timing.sent == 100 && $0.timing.end == 400 })
        #expect(tools.first?.observationHash == ContentHash.of("file text"))
    }

    @Test("Anthropic tool results carry is_error; Responses function outputs answer call ids")
    func toolResultsOfOtherAPIs() {
        let anthropic = Self.request(
            .messages,
            #"{"system":"be brief","messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":true,"content":[{"type":"text","text":"boom"}]}]}]}"#
        )
        #expect(anthropic.toolResults == [ToolResultSeen(callID: "toolu_1", content: "boom", isError: true)])
        #expect(anthropic.conversation.first?.role == "system")
        let responses = Self.request(
            .responses,
            #"{"instructions":"be brief","input":[{"role":"user","content":"hi"},{"type":"function_call","call_id":"fc_1","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"fc_1","output":"42"}]}"#
        )
        #expect(responses.toolResults == [ToolResultSeen(callID: "fc_1", content: "42", isError: false)])
        #expect(responses.conversation.map(\.role) == ["system", "user", "assistant", "tool"])
    }

    @Test("a claimed attempt never closes on idleness; a reused header id gets a fresh attempt id")
    func claimsAndIDs() async {
        let closed = Closed()
        let book = AttemptBook(runID: "r", idleGap: .milliseconds(1)) { await closed.add($0, $1) }
        await book.claim("a1", task: "t", at: 0)
        await book.closeIdle(at: 10_000_000_000)
        #expect(await book.openCount == 1)
        let plain = Self.request(.chatCompletions, #"{"messages":[]}"#)
        let header = AttemptKey(.header, "job-7")
        let first = await book.begin(header, task: "t", request: plain, at: 0)
        await book.finish(first, step: Self.step(first, end: 5), toolCalls: [])
        await book.closeIdle(at: 10_000_000_000)
        let again = await book.begin(header, task: "t", request: plain, at: 20_000_000_000)
        #expect(first.attemptID == "job-7")
        #expect(again.attemptID != "job-7")
        #expect(await closed.attempts.map(\.0.task) == ["t"])
    }

    @Test("an attempt whose last model call failed is an error; one its client ended carries the client's grade")
    func outcomes() async {
        let closed = Closed()
        let book = AttemptBook(runID: "r", idleGap: .seconds(30)) { await closed.add($0, $1) }
        let plain = Self.request(.chatCompletions, #"{"messages":[]}"#)
        let failing = await book.begin(AttemptKey(.header, "x"), task: nil, request: plain, at: 0)
        var step = Self.step(failing, end: 9)
        step.errorType = StepErrorType.http(500)
        await book.finish(failing, step: step, toolCalls: [])
        let graded = await book.begin(AttemptKey(.path, "y"), task: nil, request: plain, at: 0)
        await book.finish(graded, step: Self.step(graded, end: 9), toolCalls: [])
        #expect(await book.end("y", ending: ReportedEnding(outcome: .passed, score: 1), at: 12))
        #expect(await book.end("nope", ending: ReportedEnding(), at: 12) == false)
        await book.closeAll()
        let byID = Dictionary(await closed.attempts.map { ($0.0.attemptID, $0.0) }) { a, _ in a }
        #expect(byID["x"]?.outcome == .error)
        #expect(byID["x"]?.errorType == StepErrorType.http(500))
        #expect(byID["y"]?.outcome == .passed)
        #expect(byID["y"]?.end == 12)
    }
}

@Suite struct GatewayGuardTests {
    @Test("a non-loopback address needs --allow-remote and a token; the message says what is missing")
    func remoteBind() throws {
        let remote = try #require(ListenAddress(parsing: "0.0.0.0:8080"))
        #expect(!remote.isLoopback)
        #expect(throws: GatewayError.self) { try GatewayError.checkBind(remote, allowRemote: false, token: "t") }
        #expect(throws: GatewayError.self) { try GatewayError.checkBind(remote, allowRemote: true, token: nil) }
        #expect(throws: GatewayError.self) { try GatewayError.checkBind(remote, allowRemote: true, token: "") }
        try GatewayError.checkBind(remote, allowRemote: true, token: "secret")
        try GatewayError.checkBind(try #require(ListenAddress(parsing: "127.0.0.1:0")), allowRemote: false, token: nil)
        try GatewayError.checkBind(try #require(ListenAddress(parsing: "[::1]:9")), allowRemote: false, token: nil)
        let message = GatewayError.remoteBindRefused(remote, hasToken: false, allowed: false).description
        #expect(message.contains("--allow-remote") && message.contains("AGENTPERF_GATEWAY_TOKEN"))
        #expect(ListenAddress(parsing: "nonsense") == nil)
        #expect(ListenAddress(parsing: "host:99999") == nil)
        #expect(ListenAddress(parsing: ":8080")?.host == "127.0.0.1")
        #expect(ListenAddress(parsing: "127.example.com:80")?.isLoopback == false)
        #expect(ListenAddress(parsing: "127.0.0.2:80")?.isLoopback == true)
    }

    @Test("credentials are scrubbed from messages: the exact values sent and anything shaped like a key")
    func redaction() {
        let message = "Incorrect API key provided: sk-proj-abcDEF123456. Also Bearer tok_9876543210 and my-own-secret-value."
        let scrubbed = Redaction.scrub(message, secrets: ["my-own-secret-value"])
        #expect(!scrubbed.contains("abcDEF123456"))
        #expect(!scrubbed.contains("tok_9876543210"))
        #expect(!scrubbed.contains("my-own-secret-value"))
        #expect(scrubbed.contains("Incorrect API key provided"))
        #expect(Redaction.scrub("no keys here: sk- alone", secrets: []) == "no keys here: sk- alone")
    }

    @Test("a usage chunk the client did not ask for is dropped; otherwise the bytes pass as received")
    func streamTap() {
        let body =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1}}\n\n" + "data: [DONE]\n\n"
        var asked = StreamTap(api: .chatCompletions, dropsUsageChunk: false)
        let same = asked.pass(.init(string: body), at: 5)
        #expect(String(buffer: same) == body)
        #expect(asked.accumulator.usage?.output == 1)
        #expect(asked.firstToken == 5)
        var added = StreamTap(api: .chatCompletions, dropsUsageChunk: true)
        let forwarded = String(buffer: added.pass(.init(string: body), at: 5))
        #expect(!forwarded.contains("usage"))
        #expect(forwarded.contains("[DONE]") && forwarded.contains("\"hi\""))
        #expect(added.accumulator.usage?.uncachedInput == 7)
        #expect(added.accumulator.isComplete)
    }
}
