package import Foundation
package import Traces
import WireFormats

/// OpenAI Codex CLI session rollouts (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`), the
/// layout Codex has written since September 2025: one `{timestamp, type, payload}` envelope per
/// line (docs/IMPORTERS.md, "Codex CLI").
///
/// One attempt per file (the `session_meta` id). A model step per `token_count` event whose
/// cumulative `total_token_usage` advanced — Codex re-sends identical events, and summing every
/// `last_token_usage` overstates usage by a third or more (ccusage#1288) — with that call's
/// `last_token_usage` (input *includes* `cached_input_tokens`; output *includes*
/// `reasoning_output_tokens`). The model is the latest `turn_context.model`; a session that names
/// none has no model (unpriced, not guessed). A tool step per `function_call`,
/// `custom_tool_call` or `local_shell_call`, ended by its `…_output` (matched by `call_id`); a
/// shell result with a non-zero `exit_code` is `tool_failed`. A model call is timed from the last
/// input it saw (the user's message, a tool result, or the previous call's end) to its
/// `token_count`. Each `user_message` is a user turn; the first is the task.
package enum CodexImporter {
    package static let format = "codex"

    /// The first line of a rollout: an envelope whose payload is the session's metadata
    /// (parsed, so spacing and key order do not matter).
    package static func sniff(_ firstLine: String) -> Bool {
        guard firstLine.contains("session_meta"), let value = JSONValue(parsing: firstLine) else { return false }
        return value["type"] == .string("session_meta") && value["payload"]?.objectValue != nil
    }

    package static func read(_ url: URL, into sink: inout some TraceSink) throws {
        var state = State(path: url.path)
        try JSONLines.read(Envelope.self, from: url, into: &sink) { envelope, line, sink in
            try state.consume(envelope, line: line, into: &sink)
        }
        guard state.run != nil else {
            throw ImportError.notFormat(
                path: url.path, format: "Codex CLI rollout",
                reason: "no session_meta line (rollouts written before September 2025 record no token usage and are not read)")
        }
        try state.finish(into: &sink)
        if state.forkedFrom > 0 {
            sink.diagnostic(
                TraceDiagnostic(
                    severity: .warning, file: url.path, line: nil,
                    message:
                        "a forked session (\(state.forkedFrom) more session_meta lines): the parent's replayed history is counted here too"
                ))
        }
    }

    // MARK: Wire records (only the fields used)

    struct Envelope: Decodable {
        var timestamp: String?
        var type: String
        var payload: Payload?
    }

    struct Payload: Decodable {
        var type: String?
        var id: String?
        var model: String?
        var message: String?
        var info: TokenInfo?
        var name: String?
        var callID: String?
        var arguments: String?
        var output: String?
        var action: ShellAction?

        enum CodingKeys: String, CodingKey {
            case type, id, model, message, info, name, callID = "call_id", arguments, output, action
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeIfPresent(String.self, forKey: .type)
            id = try c.decodeIfPresent(String.self, forKey: .id)
            model = try c.decodeIfPresent(String.self, forKey: .model)
            // `message` is text on user and agent messages, an object on other events.
            message = try? c.decodeIfPresent(String.self, forKey: .message)
            info = try c.decodeIfPresent(TokenInfo.self, forKey: .info)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            callID = try c.decodeIfPresent(String.self, forKey: .callID)
            arguments = try? c.decodeIfPresent(String.self, forKey: .arguments)
            // A tool result is a string, or (newer function outputs) an object: keep text only.
            output = try? c.decodeIfPresent(String.self, forKey: .output)
            action = try? c.decodeIfPresent(ShellAction.self, forKey: .action)
        }
    }

    struct TokenInfo: Decodable {
        var total: Usage?
        var last: Usage?
        enum CodingKeys: String, CodingKey { case total = "total_token_usage", last = "last_token_usage" }
    }

    struct Usage: Decodable, Equatable {
        var input: Int
        var cached: Int
        var output: Int
        var reasoning: Int

        enum CodingKeys: String, CodingKey {
            case input = "input_tokens", cached = "cached_input_tokens", output = "output_tokens"
            case reasoning = "reasoning_output_tokens"
        }

        init(input: Int, cached: Int, output: Int, reasoning: Int) {
            (self.input, self.cached, self.output, self.reasoning) = (input, cached, output, reasoning)
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            input = try c.decodeTokenCount(forKey: .input) ?? 0
            cached = try c.decodeTokenCount(forKey: .cached) ?? 0
            output = try c.decodeTokenCount(forKey: .output) ?? 0
            reasoning = try c.decodeTokenCount(forKey: .reasoning) ?? 0
        }

        /// `self − earlier`, field by field (the usage between two cumulative totals).
        func minus(_ earlier: Usage) -> Usage {
            Usage(
                input: max(0, input - earlier.input), cached: max(0, cached - earlier.cached),
                output: max(0, output - earlier.output), reasoning: max(0, reasoning - earlier.reasoning))
        }

        var tokenUsage: TokenUsage {
            .inputIncludingCache(input: input, cacheRead: min(cached, input), output: output, reasoning: reasoning)
        }
    }

    struct ShellAction: Decodable {
        var command: [String]?
    }

    /// The `{"output": …, "metadata": {"exit_code": …}}` a shell tool returns, as text.
    struct ShellOutput: Decodable {
        struct Metadata: Decodable {
            var exitCode: Int?
            enum CodingKeys: String, CodingKey { case exitCode = "exit_code" }
        }
        var metadata: Metadata?
    }

    struct ToolArguments: Decodable {
        var command: [String]?
    }
}
