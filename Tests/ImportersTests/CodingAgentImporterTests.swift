import Foundation
import Importers
import TestSupport
import Testing
import Traces

/// Codex CLI and Gemini CLI logs, on real public sessions (Tests/Fixtures/real/README.md); the
/// expected figures were summed by hand from the files with the rules in docs/IMPORTERS.md.
@Suite struct CodingAgentImporterTests {
    static func load(_ path: String) throws -> (TraceLog, TraceFormat) {
        let url = Fixtures.real(path)
        let format = try #require(TraceFormat.detect(url), "\(path) is recognised")
        var sink = CollectingSink()
        try format.read(url, into: &sink)
        return (sink.log, format)
    }

    static func total(_ log: TraceLog) -> TokenUsage {
        log.attempts.flatMap(\.steps).compactMap(\.usage).reduce(TokenUsage(), +)
    }

    @Test("Codex: one model step per advance of the cumulative total, input including cache, reasoning inside output")
    func codexRollout() throws {
        let (log, format) = try Self.load("codex/vibecodingtracker_test_conversation_oai.jsonl")
        #expect(format == .codex)
        let attempt = try #require(log.attempts.first)
        #expect(log.attempts.count == 1 && attempt.record.attemptID == "01996135-afde-7911-97f0-d863511eca56")
        let chats = attempt.steps.filter { $0.operation == .chat }
        let tools = attempt.steps.filter { $0.operation != .chat }
        #expect(chats.count == 19 && tools.count == 18)
        #expect(Set(chats.compactMap(\.model)) == ["aide-gpt-5"])
        // Σ last_token_usage = the final total_token_usage: 270,530 in (136,832 cached), 12,551 out (9,536 reasoning).
        #expect(Self.total(log) == TokenUsage(uncachedInput: 133_698, cacheRead: 136_832, output: 12_551, reasoning: 9536))
        #expect(Set(tools.compactMap(\.toolName)) == ["shell", "update_plan"])
        #expect(tools.allSatisfy { $0.errorType == nil && $0.timing.end != nil })
        // A model call runs from its input to its token_count: never backwards.
        for step in attempt.steps {
            if let sent = step.timing.sent, let end = step.timing.end { #expect(sent <= end) }
        }
        #expect(attempt.record.task.hasPrefix("# Context from my IDE setup:"))
    }

    @Test("Codex: a repeated token_count (same cumulative total) is not a second call")
    func codexRepeatedEvent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try String(
            contentsOf: Fixtures.real("codex/vibecodingtracker_test_conversation_oai.jsonl"), encoding: .utf8)
        // Every token_count line written twice, as Codex does on a rate-limit refresh.
        let doubled = original.split(separator: "\n").flatMap { line in
            line.contains("\"token_count\"") ? [line, line] : [line]
        }.joined(separator: "\n")
        var sink = CollectingSink()
        try TraceFormat.codex.read(try directory.write("rollout.jsonl", doubled + "\n"), into: &sink)
        #expect(sink.log.attempts.first?.steps.filter { $0.operation == .chat }.count == 19)
        #expect(Self.total(sink.log).total == 283_081)
    }

    @Test("Codex 0.135 (codex exec): the one call's usage and the model from turn_context")
    func codexExec() throws {
        let (log, format) = try Self.load("codex/agent-history_real_session-01.jsonl")
        #expect(format == .codex)
        let chats = log.attempts.flatMap(\.steps).filter { $0.operation == .chat }
        #expect(chats.count == 1 && chats.first?.model == "gpt-5.5")
        #expect(chats.first?.usage == TokenUsage(uncachedInput: 1675, cacheRead: 20_864, output: 10))
    }

    @Test("Gemini CLI JSONL: the last copy of each message counts; thoughts are output, cached is inside input")
    func geminiLog() throws {
        let (log, format) = try Self.load("gemini/vibecodingtracker_gemini_session.jsonl")
        #expect(format == .geminiCLI)
        let attempt = try #require(log.attempts.first)
        #expect(attempt.record.attemptID == "0ab84937-9fe7-4284-986a-33c832af0b6a")
        let chats = attempt.steps.filter { $0.operation == .chat }
        let tools = attempt.steps.filter { $0.operation != .chat }
        // 6 gemini messages (5 of them written twice), 12 tool calls on their last copies.
        #expect(chats.count == 6 && tools.count == 12)
        #expect(Set(chats.compactMap(\.model)) == ["gemini-3-flash-preview", "gemini-3.1-pro-preview"])
        // input 202,586 of which 48,951 cached; output 2,152 + thoughts 2,141.
        #expect(Self.total(log) == TokenUsage(uncachedInput: 153_635, cacheRead: 48_951, output: 4293, reasoning: 2141))
        #expect(attempt.record.userTurns == 2)
        #expect(tools.allSatisfy { $0.errorType == nil })
    }

    @Test("Gemini CLI legacy JSON session: the same rules on the single-object file")
    func geminiLegacy() throws {
        let (log, format) = try Self.load("gemini/vibecodingtracker_test_conversation_gemini_legacy.json")
        #expect(format == .geminiCLI)
        let steps = log.attempts.flatMap(\.steps)
        #expect(steps.filter { $0.operation == .chat }.count == 3 && steps.filter { $0.operation != .chat }.count == 7)
        #expect(Self.total(log) == TokenUsage(uncachedInput: 36_522, cacheRead: 39_826, output: 20_941, reasoning: 11_616))
    }

    @Test("Gemini CLI: a tool call that failed, was cancelled or never finished says so; zero tokens are n/a, not 0")
    func geminiStatuses() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = """
            {"sessionId":"s1","projectHash":"p","startTime":"2026-04-23T12:00:00.000Z","lastUpdated":"2026-04-23T12:00:00.000Z","kind":"main"}
            {"id":"u1","timestamp":"2026-04-23T12:00:01.000Z","type":"user","content":[{"text":"fix it"}]}
            {"id":"g1","timestamp":"2026-04-23T12:00:03.000Z","type":"gemini","content":"","model":"gemini-2.5-pro","tokens":{"input":0,"output":0,"cached":0,"thoughts":0,"tool":0,"total":0},"toolCalls":[{"id":"a","name":"run_shell_command","status":"error","timestamp":"2026-04-23T12:00:04.000Z"},{"id":"b","name":"read_file","status":"cancelled","timestamp":"2026-04-23T12:00:04.000Z"},{"id":"c","name":"write_file","status":"executing","timestamp":"2026-04-23T12:00:04.000Z"}]}
            {"$rewindTo":"g1"}
            """
        var sink = CollectingSink()
        try TraceFormat.geminiCLI.read(try directory.write("session-x.jsonl", log + "\n"), into: &sink)
        let steps = try #require(sink.log.attempts.first?.steps)
        #expect(steps.first?.operation == .chat && steps.first?.usage == nil)
        #expect(
            steps.dropFirst().map(\.errorType) == [StepErrorType.toolFailed, StepErrorType.cancelled, StepErrorType.noResult])
        #expect(sink.log.attempts.first?.record.task == "fix it")
    }

    @Test("a Codex file without session metadata (the pre-September-2025 layout) is refused with the reason")
    func codexLegacyRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "rollout.jsonl", #"{"id":"x","timestamp":"2025-08-01T00:00:00Z","instructions":null}"# + "\n")
        var sink = CollectingSink()
        #expect {
            try TraceFormat.codex.read(file, into: &sink)
        } throws: { error in
            "\(error)".contains("no session_meta line")
        }
    }
}
