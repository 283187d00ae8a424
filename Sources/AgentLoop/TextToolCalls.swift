import Backends
import Foundation
import WireFormats

/// Tool calls a model wrote as text in its reply instead of in the protocol's tool-call fields.
///
/// Small open models often do this when the server's chat template and the model disagree:
/// Qwen2.5-Coder under llama.cpp, for one, answers `{{"name": "calculate", "arguments": {...}}}`
/// as plain content. Recognised forms: the whole reply, or each `<tool_call>…</tool_call>`
/// block, or each fenced code block, being a JSON object `{"name": N, "arguments": {...}}` (or
/// an array of them, or the same wrapped in one extra pair of braces), where N is a tool the agent
/// was offered. Anything else is an answer. Recovered calls are marked on their step
/// (`tool_calls_from_text`), so the quirk shows in the trace.
enum TextToolCalls {
    static func parse(_ content: String, offered: Set<String>) -> [ToolCall]? {
        guard !offered.isEmpty else { return nil }
        let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
        var candidates = blocks(in: trimmed, open: "<tool_call>", close: "</tool_call>")
        if candidates.isEmpty { candidates = fencedBlocks(in: trimmed) }
        if candidates.isEmpty { candidates = [trimmed] }
        var recovered: [ToolCall] = []
        for candidate in candidates {
            guard let found = calls(in: candidate, offered: offered) else { return nil }
            recovered += found
        }
        guard !recovered.isEmpty else { return nil }
        return recovered.enumerated().map { n, call in
            ToolCall(id: "text_call_\(n)", name: call.name, arguments: call.arguments)
        }
    }

    /// The calls one candidate text holds, or `nil` if it is not entirely tool calls.
    private static func calls(in text: String, offered: Set<String>) -> [ToolCall]? {
        var text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var value = JSONValue(parsing: text)
        if value == nil, text.hasPrefix("{{"), text.hasSuffix("}}") {
            text = String(text.dropFirst().dropLast())
            value = JSONValue(parsing: text)
        }
        switch value {
        case .object?: return call(value!, offered: offered).map { [$0] }
        case .array(let items)?:
            let calls = items.compactMap { call($0, offered: offered) }
            return calls.count == items.count && !calls.isEmpty ? calls : nil
        default: return nil
        }
    }

    private static func call(_ value: JSONValue, offered: Set<String>) -> ToolCall? {
        guard let name = value["name"]?.stringValue, offered.contains(name) else { return nil }
        let arguments: String
        switch value["arguments"] ?? value["parameters"] {
        case .string(let text)?: arguments = text
        case .object(let fields)?: arguments = JSONValue.object(fields).jsonText
        case nil: arguments = "{}"
        default: return nil
        }
        return ToolCall(id: "", name: name, arguments: arguments)
    }

    private static func blocks(in text: String, open: String, close: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let start = rest.range(of: open), let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) {
            found.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// The bodies of ``` fenced blocks (any language tag), when the text is only such blocks.
    private static func fencedBlocks(in text: String) -> [String] {
        guard text.hasPrefix("```") else { return [] }
        let parts = text.components(separatedBy: "```")
        // "```json\n{...}\n```" splits into "", "json\n{...}\n", "".
        var bodies: [String] = []
        for (n, part) in parts.enumerated() where n % 2 == 1 {
            let body = part.drop { $0 != "\n" && $0 != "{" && $0 != "[" }
            bodies.append(String(body))
        }
        let outside = parts.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        return outside.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) ? bodies : []
    }
}
