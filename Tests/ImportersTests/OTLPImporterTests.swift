import Foundation
import Importers
import TestSupport
import Testing
import Traces

@Suite struct OTLPImporterTests {
    /// Built from the OTLP/JSON encoding and the GenAI semantic conventions: an agent span with a
    /// chat span (new attribute names, int64 as strings, hex ids), a tool span, and a sub-agent
    /// (nested invoke_agent) whose chat span uses the older names and a numeric intValue.
    static let document = """
        {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "demo"}}]},
         "scopeSpans": [{"scope": {"name": "test"}, "spans": [
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "1111111111111111", "parentSpanId": "aaaaaaaaaaaaaaaa",
           "name": "chat claude", "kind": 3, "startTimeUnixNano": "1700000000100000000", "endTimeUnixNano": "1700000001100000000",
           "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                          {"key": "gen_ai.request.model", "value": {"stringValue": "claude-sonnet-4-20250514"}},
                          {"key": "gen_ai.provider.name", "value": {"stringValue": "anthropic"}},
                          {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "1500"}},
                          {"key": "gen_ai.usage.cache_read.input_tokens", "value": {"intValue": "1000"}},
                          {"key": "gen_ai.usage.cache_creation.input_tokens", "value": {"intValue": "400"}},
                          {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "80"}}]},
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "2222222222222222", "parentSpanId": "aaaaaaaaaaaaaaaa",
           "name": "execute_tool search", "kind": "SPAN_KIND_INTERNAL", "startTimeUnixNano": "1700000001200000000",
           "endTimeUnixNano": "1700000001700000000",
           "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "execute_tool"}},
                          {"key": "gen_ai.tool.name", "value": {"stringValue": "web_search"}}],
           "status": {"code": 2, "message": "timeout"}},
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "3333333333333333", "parentSpanId": "bbbbbbbbbbbbbbbb",
           "name": "chat gpt", "kind": 3, "startTimeUnixNano": 1700000001800000000, "endTimeUnixNano": 1700000002000000000,
           "attributes": [{"key": "gen_ai.system", "value": {"stringValue": "openai"}},
                          {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                          {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o-mini"}},
                          {"key": "gen_ai.usage.prompt_tokens", "value": {"intValue": 300}},
                          {"key": "gen_ai.usage.completion_tokens", "value": {"intValue": 20}}]},
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "bbbbbbbbbbbbbbbb", "parentSpanId": "aaaaaaaaaaaaaaaa",
           "name": "invoke_agent researcher", "startTimeUnixNano": "1700000001750000000", "endTimeUnixNano": "1700000002050000000",
           "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "invoke_agent"}},
                          {"key": "gen_ai.agent.name", "value": {"stringValue": "researcher"}}]},
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "aaaaaaaaaaaaaaaa", "parentSpanId": "",
           "name": "invoke_agent lead", "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000002100000000",
           "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "invoke_agent"}},
                          {"key": "gen_ai.agent.name", "value": {"stringValue": "lead"}}]}
        ]}]}]}
        """

    static func load(_ text: String) throws -> TraceLog {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var sink = CollectingSink()
        try OTLPImporter.read(try directory.write("trace.json", text), into: &sink)
        return sink.log
    }

    @Test("spans become steps: the root agent is the attempt, a nested agent a delegation with its own steps")
    func structure() throws {
        let log = try Self.load(Self.document)
        #expect(log.attempts.count == 1)
        let attempt = try #require(log.attempts.first)
        #expect(attempt.record.task == "lead" && attempt.record.latency == 2_100_000_000)
        #expect(attempt.steps.map(\.operation) == [.chat, .executeTool, .invokeAgent, .chat])
        let sub = attempt.steps[3]
        #expect(sub.parentStepID == "bbbbbbbbbbbbbbbb" && sub.agentID == "bbbbbbbbbbbbbbbb" && sub.agentName == "researcher")
        #expect(attempt.steps[1].errorType == .spanError && attempt.steps[1].toolName == "web_search")
    }

    @Test("new and old attribute names both give separate buckets; input_tokens includes the cache")
    func tokens() throws {
        let steps = try Self.load(Self.document).attempts[0].steps
        #expect(steps[0].usage == TokenUsage(uncachedInput: 100, cacheRead: 1000, cacheWrite: 400, output: 80))
        #expect(steps[3].usage == TokenUsage(uncachedInput: 300, output: 20))
        #expect(steps[3].provider == "openai")
    }

    @Test("one request per line streams, and base64 ids are normalised to hex")
    func jsonLines() throws {
        let compact = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(Self.document.utf8)))
        let line = String(decoding: compact, as: UTF8.self)
            .replacingOccurrences(of: "5b8efff798038103d269b633813fc60c", with: "W47/95gDgQPSabYzgT/GDA==")
        let log = try Self.load(
            line + "\n" + line.replacingOccurrences(of: "W47/95gDgQPSabYzgT/GDA==", with: "00000000000000000000000000000001")
                + "\n")
        #expect(log.attempts.map(\.record.attemptID) == ["5b8efff798038103d269b633813fc60c", "00000000000000000000000000000001"])
    }

    @Test("a malformed line is an error naming it; the other lines import")
    func malformed() throws {
        let compact = String(
            decoding: try JSONSerialization.data(
                withJSONObject: try JSONSerialization.jsonObject(with: Data(Self.document.utf8))), as: UTF8.self)
        let log = try Self.load(
            compact + "\n{\"resourceSpans\": 5}\n" + compact.replacingOccurrences(of: "5b8efff7", with: "00000000") + "\n")
        #expect(log.attempts.count == 2)
        #expect(log.diagnostics.map(\.line) == [2])
    }
}
