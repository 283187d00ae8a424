import AsyncHTTPClient
import Foundation
import Sampling
import SpecDecoding
import TestSupport
import Testing
import Timekeeping
import Tools
import Traces
import WireFormats
import Workload

/// The HTTP tool against a real loopback server.
@Suite struct HTTPToolTests {
    static func call(
        _ tool: HTTPTool, arguments: JSONValue, script: [ScriptedResponse]
    ) async throws -> (ToolResult, [ScriptedServer.Received]) {
        try await withScriptedServer(["/weather": script, "/orders": script]) { url, server in
            var tool = tool
            tool.url = tool.url.replacingOccurrences(of: "BASE", with: url.absoluteString)
            let result = try await HTTPClient.withHTTPClient { client in
                var generator = SeededGenerator(seed: 1)
                return await ToolRunner(tools: ["t": ToolSpec(kind: .http(tool))], clock: ContinuousRunClock(), http: client)
                    .call(
                        "t", arguments: arguments, workingDirectory: nil, generator: &generator)
            }
            return (result, server.received)
        }
    }

    @Test("GET fills URL placeholders percent-encoded; the body comes back")
    func get() async throws {
        let (result, received) = try await Self.call(
            HTTPTool(url: "BASE/weather?city={city}", headers: ["accept": "application/json"]),
            arguments: ["city": "São Paulo & more"], script: [.json(#"{"temp": 21}"#)])
        #expect(result.errorType == nil && result.exitStatus == 200 && result.output == #"{"temp": 21}"#)
        #expect(received.first?.path.hasPrefix("/weather") == true)
        #expect(received.first?.headers["accept"] == "application/json")
    }

    @Test("POST sends the arguments as a JSON body; a 4xx or 5xx is a result the agent sees")
    func post() async throws {
        let (result, received) = try await Self.call(
            HTTPTool(method: "POST", url: "BASE/orders"), arguments: ["sku": "K-200", "quantity": 2],
            script: [.json(#"{"error": "out of stock"}"#, status: 409)])
        #expect(result.errorType == nil && result.exitStatus == 409)
        #expect(result.output.hasPrefix("HTTP 409:") && result.output.contains("out of stock"))
        #expect(JSONValue(parsing: received.first?.body ?? "") == ["sku": "K-200", "quantity": 2])
    }

    @Test("a missing placeholder argument is invalid_tool_arguments; a slow server is a timeout")
    func failures() async throws {
        let (missing, _) = try await Self.call(
            HTTPTool(url: "BASE/weather?city={city}"), arguments: [:], script: [.json("{}")])
        #expect(missing.errorType == StepErrorType.invalidToolArguments)
        var slow = ScriptedResponse.json("{}")
        slow.headDelay = .seconds(3)
        let (timedOut, _) = try await Self.call(
            HTTPTool(url: "BASE/weather", timeout: DurationSpec(.milliseconds(200))), arguments: [:], script: [slow])
        #expect(timedOut.errorType == StepErrorType.timeout)
    }
}
