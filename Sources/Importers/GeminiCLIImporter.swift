package import Foundation
package import Traces
import WireFormats

/// Google Gemini CLI chat sessions (`~/.gemini/tmp/<project>/chats/session-*.jsonl`, and the
/// single-object `session-*.json` written before April 2026; docs/IMPORTERS.md, "Gemini CLI").
///
/// One attempt per session (`sessionId`). In the JSONL log a message is appended again, whole,
/// each time it changes (tokens first, tool calls later): the last copy of each `id` counts, in
/// the order ids first appeared. `$set` lines change metadata only; messages a `$rewindTo` took
/// back still cost their tokens and are kept.
///
/// A model step per `gemini` message, with its own `tokens` (per call, not cumulative): `input`
/// *includes* `cached`; `thoughts` are generated tokens *beside* `output` (billed as output,
/// recorded as reasoning); `tool` (tool-use prompt tokens) is uncached input. A message with no
/// tokens, or all zeros, has no usage (n/a, not 0). A tool step per `toolCalls` entry, from the
/// message's time to the call's own: `error` is `tool_failed`, `cancelled` is `cancelled`, a call
/// that never finished is `no_result`. Each `user` message is a user turn; the first is the task.
package enum GeminiCLIImporter {
    package static let format = "gemini-cli"

    /// A JSONL session's first line: its metadata, `sessionId` beside `projectHash` at the top level.
    package static func sniff(_ firstLine: String) -> Bool {
        guard firstLine.contains("projectHash"), let value = JSONValue(parsing: firstLine) else { return false }
        return value["sessionId"]?.stringValue != nil && value["projectHash"]?.stringValue != nil
    }

    package static func read(_ url: URL, into sink: inout some TraceSink) throws {
        // Messages are kept until the end (a later line may replace any of them): bounded as a
        // whole document is.
        if let refusal = InputFile.refusal(url, limit: ImportError.wholeDocumentLimit) {
            throw ImportError.cannotRead(path: url.path, reason: refusal.reason)
        }
        let session: Session
        if url.pathExtension.lowercased() == "json" {
            let data = try ImportError.readWhole(url)
            do { session = try JSONDecoder().decode(Session.self, from: data) } catch {
                throw ImportError.notFormat(
                    path: url.path, format: "Gemini CLI session", reason: ImportError.describe(error, in: data))
            }
        } else {
            session = try readLog(url, into: &sink)
        }
        try Converter(path: url.path, session: session).emit(into: &sink)
    }

    /// The JSONL log folded into one session: metadata from the first line, the last copy of
    /// each message.
    static func readLog(_ url: URL, into sink: inout some TraceSink) throws -> Session {
        var session = Session()
        var position: [String: Int] = [:]
        try JSONLines.read(LogRecord.self, from: url, into: &sink) { record, _, _ in
            if let id = record.sessionId, session.sessionId == nil {
                session.sessionId = id
                session.startTime = record.startTime
                session.kind = record.kind
            }
            guard let message = record.message else { return }
            if let index = position[message.id] {
                session.messages[index] = message
            } else {
                position[message.id] = session.messages.count
                session.messages.append(message)
            }
        }
        guard session.sessionId != nil else {
            throw ImportError.notFormat(path: url.path, format: "Gemini CLI session", reason: "no line names the sessionId")
        }
        return session
    }

    // MARK: Wire records (only the fields used)

    struct Session: Decodable {
        var sessionId: String?
        var startTime: String?
        var kind: String?
        var messages: [Message] = []

        init() {}
    }

    /// One line of the JSONL log: the metadata, a message, `$set` or `$rewindTo`.
    struct LogRecord: Decodable {
        var sessionId: String?
        var startTime: String?
        var kind: String?
        var message: Message?

        enum CodingKeys: String, CodingKey { case sessionId, startTime, kind, id, type }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            sessionId = try c.decodeIfPresent(String.self, forKey: .sessionId)
            startTime = try c.decodeIfPresent(String.self, forKey: .startTime)
            kind = try c.decodeIfPresent(String.self, forKey: .kind)
            message = c.contains(.id) && c.contains(.type) ? try Message(from: decoder) : nil
        }
    }

    struct Message: Decodable {
        var id: String
        var timestamp: String?
        var type: String
        var content: FlexibleText?
        var model: String?
        var tokens: Tokens?
        var toolCalls: [ToolCall]?
    }

    struct Tokens: Decodable {
        var input: Int
        var output: Int
        var cached: Int
        var thoughts: Int
        var tool: Int

        enum CodingKeys: String, CodingKey { case input, output, cached, thoughts, tool }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            input = try c.decodeTokenCount(forKey: .input) ?? 0
            output = try c.decodeTokenCount(forKey: .output) ?? 0
            cached = try c.decodeTokenCount(forKey: .cached) ?? 0
            thoughts = try c.decodeTokenCount(forKey: .thoughts) ?? 0
            tool = try c.decodeTokenCount(forKey: .tool) ?? 0
        }

        /// Nil when nothing was counted (Gemini CLI writes zeros when the response had no usage).
        var tokenUsage: TokenUsage? {
            guard input + output + thoughts + tool > 0 else { return nil }
            return .inputIncludingCache(
                input: input + tool, cacheRead: min(cached, input), output: output + thoughts, reasoning: thoughts)
        }
    }

    struct ToolCall: Decodable {
        var id: String?
        var name: String?
        var status: String?
        var timestamp: String?
        var args: JSONFingerprint?
    }
}
