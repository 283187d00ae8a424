import Foundation
import Importers
import Pricing
import TestSupport
import Testing
import Traces

@Suite struct ClaudeCodeImporterTests {
    static func load(_ name: String) throws -> TraceLog {
        var sink = CollectingSink()
        try ClaudeCodeImporter.read(Fixtures.real("claude-code/\(name)"), into: &sink)
        return sink.log
    }

    struct Expected: Sendable, CustomTestStringConvertible {
        var file: String
        var messages: Int
        var usage: TokenUsage
        var tools: [String]
        var toolSeconds: Double
        var cost: Double
        var testDescription: String { file }
    }

    /// Figures computed independently from the raw JSONL (dedupe by message.id + requestId).
    static let expected = [
        Expected(
            file: "claude-reliability__hello-world-script.jsonl", messages: 4,
            usage: TokenUsage(uncachedInput: 3, cacheRead: 71036, cacheWrite: 3539, output: 29),
            tools: ["Bash", "Write"], toolSeconds: 1.827, cost: 0.058377),
        Expected(
            file: "claude-reliability__coverage-test-fix.jsonl", messages: 14,
            usage: TokenUsage(uncachedInput: 9, cacheRead: 286_596, cacheWrite: 7610, output: 158),
            tools: ["Bash", "Bash", "Bash", "Bash", "Bash", "Edit", "Edit", "Edit", "Glob", "Glob", "Read", "Read", "Read"],
            toolSeconds: 7.184, cost: 0.194855),
    ]

    @Test(
        "a transcript imports as one attempt with deduplicated messages, token buckets, tools and their times",
        arguments: expected)
    func transcript(expected: Expected) throws {
        let log = try Self.load(expected.file)
        #expect(log.diagnostics.isEmpty, "\(log.diagnostics)")
        let attempt = try #require(log.attempts.first)
        #expect(log.attempts.count == 1)
        #expect(attempt.record.outcome == .ungraded)
        let chats = attempt.steps.filter { $0.operation == .chat }
        #expect(chats.count == expected.messages)
        // Every message's generated content is hashed, and no two messages said the same thing.
        #expect(Set(chats.compactMap(\.outputHash)).count == expected.messages)
        #expect(chats.compactMap(\.usage).reduce(TokenUsage(), +) == expected.usage)
        #expect(Set(chats.compactMap(\.model)) == ["claude-opus-4-5-20251101"])
        let tools = attempt.steps.filter { $0.operation == .executeTool }
        #expect(tools.compactMap(\.toolName).sorted() == expected.tools)
        let seconds = tools.compactMap(\.latency).reduce(0) { $0 + Double($1) / 1e9 }
        #expect(abs(seconds - expected.toolSeconds) < 0.0005)
        #expect(attempt.record.stepCount == attempt.steps.count)
    }

    @Test("cost follows ccusage's formula under the bundled Claude Opus 4.5 prices", arguments: expected)
    func ccusageCost(expected: Expected) throws {
        let log = try Self.load(expected.file)
        let priced = log.attempts.flatMap(\.steps).reduce(PricedUsage()) { $0 + PriceTable.bundled.price($1) }
        #expect(abs(priced.cost.total - expected.cost) < 0.0000005)
        #expect(priced.entries.values.allSatisfy { $0 == "claude-opus-4-5-20251101" })
    }

    @Test("a truncated or malformed line is an error naming it, and the rest still imports")
    func malformed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var lines = try String(
            contentsOf: Fixtures.real("claude-code/claude-reliability__hello-world-script.jsonl"), encoding: .utf8
        )
        .split(separator: "\n").map(String.init)
        lines[2] = String(lines[2].prefix(40))  // the first assistant message
        lines.insert(#"{"type":"assistant","sessionId":7}"#, at: 5)
        let file = try directory.write("broken.jsonl", lines.joined(separator: "\n") + "\n")
        var sink = CollectingSink()
        try ClaudeCodeImporter.read(file, into: &sink)
        #expect(sink.log.diagnostics.map(\.line) == [3, 6])
        #expect(sink.log.diagnostics.allSatisfy { $0.severity == .error && $0.file == file.path })
        #expect(sink.log.attempts.first?.steps.filter { $0.operation == .chat }.count == 3)
    }
}
