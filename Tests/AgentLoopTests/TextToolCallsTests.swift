import Backends
import Testing
import WireFormats

@testable import AgentLoop

@Suite struct TextToolCallsTests {
    static let offered: Set<String> = ["calculate", "search"]

    static func parsed(_ text: String) -> [String]? {
        TextToolCalls.parse(text, offered: offered)?.map { "\($0.name) \(JSONValue(parsing: $0.arguments)?.jsonText ?? "?")" }
    }

    @Test("forms small models use: bare JSON, doubled braces, <tool_call> tags, fenced blocks, arrays, string arguments")
    func recognised() {
        // What Qwen2.5-Coder-1.5B answered under llama.cpp's --jinja template.
        #expect(
            Self.parsed(#"{{"name": "calculate", "arguments": {"expression": "17*23"}}}"#) == [
                #"calculate {"expression":"17*23"}"#
            ])
        #expect(Self.parsed(#" {"name": "search", "arguments": {"query": "x"}} "#) == [#"search {"query":"x"}"#])
        #expect(
            Self.parsed("<tool_call>\n{\"name\": \"calculate\", \"arguments\": {\"expression\": \"1+1\"}}\n</tool_call>")
                == [#"calculate {"expression":"1+1"}"#])
        #expect(
            Self.parsed("```json\n{\"name\": \"search\", \"arguments\": {\"query\": \"y\"}}\n```") == [#"search {"query":"y"}"#])
        #expect(
            Self.parsed(
                #"[{"name": "search", "arguments": {"query": "a"}}, {"name": "calculate", "arguments": "{\"expression\": \"2\"}"}]"#
            )
                == [#"search {"query":"a"}"#, #"calculate {"expression":"2"}"#])
    }

    @Test("answers stay answers: prose, JSON that is not a call, tools not offered, calls mixed with prose")
    func notCalls() {
        #expect(Self.parsed("The answer is 391.") == nil)
        #expect(Self.parsed(#"{"total": 391}"#) == nil)
        #expect(Self.parsed(#"{"name": "delete_everything", "arguments": {}}"#) == nil)
        #expect(Self.parsed(#"I will call {"name": "calculate", "arguments": {}} now"#) == nil)
        #expect(TextToolCalls.parse(#"{"name": "calculate", "arguments": {}}"#, offered: []) == nil)
    }
}
