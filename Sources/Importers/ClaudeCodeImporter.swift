import DequeModule
package import Foundation
package import Traces

/// Claude Code session transcripts (`~/.claude/projects/*/<session>.jsonl`).
///
/// One attempt per session (`sessionId`); a model step per unique assistant message and a tool
/// step per `tool_use`. Traps handled (docs/IMPORTERS.md):
/// - Claude Code writes one record per content block, each repeating the message's usage, so
///   messages are deduplicated by (`message.id`, `requestId`), keeping the non-sidechain record
///   with the largest token total (mid-stream records carry partial `output_tokens`).
/// - `input_tokens` excludes cache (Anthropic semantics); `cache_creation` splits 5m/1h writes.
/// - Tool time is `tool_use` record → matching `tool_result` record.
/// - Sub-agent (sidechain) records become a child agent linked to the open `Task` call.
/// Memory is bounded: messages are held in a window of the most recent 64 and emitted when they
/// leave it (blocks of one message are written together), and up to 65,536 emitted keys are
/// remembered to drop late duplicates.
package struct ClaudeCodeImporter {
    package static let format = "claude-code"
    static let pendingWindow = 64
    static let rememberedKeys = 65_536

    /// A line looks like Claude Code's: a JSON object with `sessionId` and a `type`.
    package static func sniff(_ head: String) -> Bool {
        head.contains("\"sessionId\"")
            && (head.contains("\"type\":\"user\"") || head.contains("\"type\":\"assistant\"")
                || head.contains("\"type\":\"queue-operation\"") || head.contains("\"type\":\"summary\""))
    }

    package static func read(_ url: URL, into sink: inout some TraceSink) throws {
        var state = State(path: url.path)
        try JSONLines.read(Record.self, from: url, into: &sink) { record, line, sink in
            try state.consume(record, line: line, into: &sink)
        }
        try state.finishSession(into: &sink)
        if state.droppedLateDuplicates > 0 {
            sink.diagnostic(
                TraceDiagnostic(
                    severity: .warning, file: url.path, line: nil,
                    message: "\(state.droppedLateDuplicates) records repeated a message already counted and were dropped"))
        }
    }

    // MARK: Wire records (only the fields used)

    struct Record: Decodable {
        var type: String?
        var sessionId: String?
        var timestamp: String?
        var isSidechain: Bool?
        var isMeta: Bool?
        var agentId: String?
        var requestId: String?
        var message: Message?
    }

    struct Message: Decodable {
        var id: String?
        var model: String?
        var role: String?
        var content: Content?
        var usage: Usage?
    }

    enum Content: Decodable {
        case text(String)
        case blocks([Block])

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            // Blocks first: assistant content and tool results (most lines) are lists, and a failed
            // attempt costs an error value.
            if let blocks = try? c.decode([Block].self) {
                self = .blocks(blocks)
            } else {
                self = .text(try c.decode(String.self))
            }
        }
    }

    struct Block: Decodable {
        var type: String
        var id: String?
        var name: String?
        var input: ToolInput?
        var toolUseID: String?
        var content: FlexibleText?
        var isError: Bool?
        var text: String?

        enum CodingKeys: String, CodingKey {
            case type, id, name, input, toolUseID = "tool_use_id", content, isError = "is_error", text
        }
    }

    struct ToolInput: Decodable {
        var command: String?
        var fingerprint: String
        enum CodingKeys: String, CodingKey { case command }

        init(from decoder: any Decoder) throws {
            command = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .command)
            fingerprint = try JSONFingerprint(from: decoder).hash.hex
        }
    }

    struct Usage: Decodable {
        var inputTokens: Int?
        var outputTokens: Int?
        var cacheCreationInputTokens: Int?
        var cacheReadInputTokens: Int?
        var cacheCreation: CacheCreation?

        struct CacheCreation: Decodable {
            var ephemeral5m: Int?
            var ephemeral1h: Int?
            enum CodingKeys: String, CodingKey {
                case ephemeral5m = "ephemeral_5m_input_tokens", ephemeral1h = "ephemeral_1h_input_tokens"
            }

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                ephemeral5m = try c.decodeTokenCount(forKey: .ephemeral5m)
                ephemeral1h = try c.decodeTokenCount(forKey: .ephemeral1h)
            }
        }

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens", outputTokens = "output_tokens"
            case cacheCreationInputTokens = "cache_creation_input_tokens", cacheReadInputTokens = "cache_read_input_tokens"
            case cacheCreation = "cache_creation"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // Bounded like every token count, so a wild value cannot overflow a sum.
            inputTokens = try c.decodeTokenCount(forKey: .inputTokens)
            outputTokens = try c.decodeTokenCount(forKey: .outputTokens)
            cacheCreationInputTokens = try c.decodeTokenCount(forKey: .cacheCreationInputTokens)
            cacheReadInputTokens = try c.decodeTokenCount(forKey: .cacheReadInputTokens)
            cacheCreation = try c.decodeIfPresent(CacheCreation.self, forKey: .cacheCreation)
        }

        var tokenUsage: TokenUsage {
            .inputExcludingCache(
                input: inputTokens ?? 0, cacheRead: cacheReadInputTokens ?? 0, cacheWrite: cacheCreationInputTokens ?? 0,
                cacheWrite1h: cacheCreation?.ephemeral1h ?? 0, output: outputTokens ?? 0)
        }
    }

    // MARK: State

    struct PendingMessage {
        var key: String
        var stepID: String
        var index: Int
        var model: String
        var usage: TokenUsage
        var isSidechain: Bool
        var agentID: String
        var parentStepID: String?
        var sent: Int64?
        var end: Int64?
        var firstToolUse: UseClass?
        var output = ContentHash()
        var order: Int
    }

    struct PendingTool {
        var stepID: String
        var index: Int
        var name: String
        var use: UseClass
        var agentID: String
        var parentStepID: String?
        var scheduled: Int64?
    }

    struct State {
        let path: String
        var origin: Int64?
        var session: String?
        var sessionStart: Int64?
        var lastTime: Int64?
        var firstPrompt: String?
        var prompts = 0
        var stepCount = 0
        var nextIndex: [String: Int] = [:]
        var pendingMessages: [String: PendingMessage] = [:]
        var messageOrder = 0
        var pendingTools: [String: PendingTool] = [:]
        var openDelegations: [String] = []
        var emittedKeys: Set<String> = []
        var emittedOrder = Deque<String>()
        var droppedLateDuplicates = 0
        var run: RunRecord?

        init(path: String) { self.path = path }

        mutating func consume(_ record: Record, line: Int, into sink: inout some TraceSink) throws {
            let time = record.timestamp.flatMap { WallClock.nanoseconds(iso8601: $0) }
            if origin == nil, let time {
                origin = time
                let run = RunRecord(
                    runID: importedRunID(path: path),
                    startedAt: Date(timeIntervalSince1970: Double(time) / 1e9), agentperfVersion: "import",
                    workload: "\(ClaudeCodeImporter.format): \(URL(fileURLWithPath: path).lastPathComponent)")
                self.run = run
                try sink.begin(run)
            }
            let now = time.map { $0 - (origin ?? 0) }
            if let id = record.sessionId, id != session {
                try finishSession(into: &sink)
                session = id
                sessionStart = now
            }
            switch record.type {
            case "user":
                try consumeUser(record, at: now, into: &sink)
            case "assistant":
                try consumeAssistant(record, at: now, into: &sink)
            default:
                break
            }
            if let now { lastTime = max(lastTime ?? now, now) }
        }

        mutating func consumeUser(_ record: Record, at now: Int64?, into sink: inout some TraceSink) throws {
            switch record.message?.content {
            case .text(let text)?:
                if record.isMeta != true, record.isSidechain != true {
                    if firstPrompt == nil { firstPrompt = text } else { prompts += 1 }
                }
            case .blocks(let blocks)?:
                for block in blocks where block.type == "tool_result" {
                    guard let id = block.toolUseID, let tool = pendingTools.removeValue(forKey: id) else { continue }
                    let text = block.content?.text ?? ""
                    try emitTool(
                        tool, end: now, error: block.isError == true ? StepErrorType.toolFailed : nil,
                        observation: ContentHash.of(text), into: &sink)
                }
                if blocks.contains(where: { $0.type == "text" }), record.isMeta != true, record.isSidechain != true {
                    if firstPrompt == nil { firstPrompt = blocks.compactMap(\.text).joined() } else { prompts += 1 }
                }
            case nil:
                break
            }
        }

        mutating func consumeAssistant(_ record: Record, at now: Int64?, into sink: inout some TraceSink) throws {
            guard let message = record.message, let model = message.model, model != "<synthetic>" else { return }
            let key = "\(message.id ?? "?")|\(record.requestId ?? "?")"
            if emittedKeys.contains(key) {
                droppedLateDuplicates += 1
                return
            }
            let sidechain = record.isSidechain == true
            let agentID = sidechain ? (record.agentId.map { "sidechain-\($0)" } ?? "sidechain") : "main"
            let usage = message.usage?.tokenUsage ?? TokenUsage()
            var pending: PendingMessage
            if let existing = pendingMessages[key] {
                pending = existing
            } else {
                let (stepID, index) = nextStep(for: agentID)
                pending = PendingMessage(
                    key: key, stepID: stepID, index: index, model: model, usage: usage, isSidechain: sidechain,
                    agentID: agentID, parentStepID: sidechain ? openDelegations.last : nil, sent: lastTime, end: now,
                    order: messageOrder)
                messageOrder += 1
            }
            // Keep the non-sidechain record with the largest total.
            if (pending.isSidechain && !sidechain) || (pending.isSidechain == sidechain && usage.total > pending.usage.total) {
                pending.usage = usage
                pending.isSidechain = sidechain
            }
            if let now { pending.end = max(pending.end ?? now, now) }
            if case .blocks(let blocks)? = message.content {
                for block in blocks where block.type == "text" {
                    pending.output.update(block.text ?? "")
                }
                for block in blocks where block.type == "tool_use" {
                    guard let id = block.id, let name = block.name, pendingTools[id] == nil else { continue }
                    pending.output.update(name)
                    pending.output.update(block.input?.fingerprint ?? "")
                    let use = UseClassification.forTool(named: name, command: block.input?.command)
                    if pending.firstToolUse == nil { pending.firstToolUse = use }
                    let (stepID, index) = nextStep(for: agentID)
                    pendingTools[id] = PendingTool(
                        stepID: stepID, index: index, name: name, use: use, agentID: agentID,
                        parentStepID: pending.parentStepID, scheduled: now)
                    if use == .delegate { openDelegations.append(stepID) }
                }
            }
            pendingMessages[key] = pending
            if pendingMessages.count > ClaudeCodeImporter.pendingWindow {
                let oldest = pendingMessages.values.min { $0.order < $1.order }!
                try emitMessage(oldest, into: &sink)
            }
        }

        /// The next step id and index of `agent`, in the order steps began.
        mutating func nextStep(for agent: String) -> (String, Int) {
            let index = nextIndex[agent, default: 0]
            nextIndex[agent] = index + 1
            return (agent == "main" ? "s\(index)" : "\(agent).s\(index)", index)
        }

        mutating func emitMessage(_ message: PendingMessage, into sink: inout some TraceSink) throws {
            pendingMessages[message.key] = nil
            emittedKeys.insert(message.key)
            emittedOrder.append(message.key)
            if emittedOrder.count > ClaudeCodeImporter.rememberedKeys {
                emittedKeys.remove(emittedOrder.removeFirst())
            }
            let use = message.firstToolUse ?? .act
            try sink.step(
                StepRecord(
                    runID: run?.runID ?? "import", attemptID: session ?? "session", stepID: message.stepID,
                    parentStepID: message.parentStepID, agentID: message.agentID,
                    agentName: message.isSidechain ? "sub-agent" : "claude-code", index: message.index, operation: .chat,
                    useClass: use == .delegate ? .plan : use,
                    model: message.model, provider: "anthropic", usage: message.usage,
                    timing: StepTiming(scheduled: message.sent, sent: message.sent, end: message.end),
                    outputHash: message.output.hex))
            stepCount += 1
        }

        mutating func emitTool(
            _ tool: PendingTool, end: Int64?, error: StepErrorType?, observation: String?, into sink: inout some TraceSink
        ) throws {
            openDelegations.removeAll { $0 == tool.stepID }
            try sink.step(
                StepRecord(
                    runID: run?.runID ?? "import", attemptID: session ?? "session", stepID: tool.stepID,
                    parentStepID: tool.parentStepID, agentID: tool.agentID,
                    agentName: tool.agentID == "main" ? "claude-code" : "sub-agent",
                    index: tool.index,
                    operation: tool.use == .delegate ? .invokeAgent : .executeTool, useClass: tool.use, toolName: tool.name,
                    timing: StepTiming(scheduled: tool.scheduled, sent: tool.scheduled, end: end), errorType: error,
                    observationHash: observation))
            stepCount += 1
        }

        mutating func finishSession(into sink: inout some TraceSink) throws {
            guard let session else { return }
            for message in pendingMessages.values.sorted(by: { $0.order < $1.order }) { try emitMessage(message, into: &sink) }
            for tool in pendingTools.values.sorted(by: { $0.stepID < $1.stepID }) {
                try emitTool(tool, end: nil, error: StepErrorType.noResult, observation: nil, into: &sink)
            }
            pendingTools.removeAll()
            let task = firstPrompt.map { String($0.prefix(80)).replacingOccurrences(of: "\n", with: " ") } ?? session
            try sink.attempt(
                AttemptRecord(
                    runID: run?.runID ?? "import", attemptID: session, task: task, agentName: "claude-code", outcome: .ungraded,
                    scheduled: sessionStart, end: lastTime, stepCount: stepCount, userTurns: prompts))
            self.session = nil
            stepCount = 0
            nextIndex = [:]
            firstPrompt = nil
            prompts = 0
            openDelegations = []
            emittedKeys.removeAll(keepingCapacity: true)  // message ids are unique per session
            emittedOrder.removeAll(keepingCapacity: true)
        }
    }
}
