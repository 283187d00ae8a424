import Foundation
import Traces

extension CodexImporter {
    /// A tool call waiting for its output.
    struct PendingTool {
        var stepID: String
        var index: Int
        var name: String
        var use: UseClass
        var scheduled: Int64?
    }

    /// One rollout as it is read: the session, the cumulative usage so far, open tool calls.
    struct State {
        let path: String
        var run: RunRecord?
        var session = "session"
        var origin: Int64?
        var sessionStart: Int64?
        var lastTime: Int64?
        var model: String?
        var previousTotal: Usage?
        /// When the model last received input (a user message, a tool result, its own last reply).
        var lastInput: Int64?
        var task: String?
        var userTurns = 0
        var index = 0
        var stepCount = 0
        var pendingTools: [String: PendingTool] = [:]
        var forkedFrom = 0

        init(path: String) { self.path = path }

        mutating func consume(_ envelope: Envelope, line: Int, into sink: inout some TraceSink) throws {
            let time = envelope.timestamp.flatMap { WallClock.nanoseconds(iso8601: $0) }
            if envelope.type == "session_meta" {
                try begin(envelope.payload, at: time, into: &sink)
                return
            }
            guard run != nil else { return }  // nothing before the session's metadata
            // Wall-clock times are within 1970…2200 (`WallClock`): their difference cannot overflow.
            if origin == nil, let time { origin = time }  // a session_meta without a time: the first one seen
            let now = time.map { $0 - (origin ?? $0) }
            if let now { lastTime = max(lastTime ?? now, now) }
            guard let payload = envelope.payload else { return }
            switch (envelope.type, payload.type) {
            case ("turn_context", _):
                if let model = payload.model, !model.isEmpty { self.model = model }
            case ("event_msg", "user_message"?):
                if task == nil {
                    task = payload.message.map { String($0.prefix(80)).replacingOccurrences(of: "\n", with: " ") }
                }
                userTurns += 1
                lastInput = now ?? lastInput
            case ("event_msg", "token_count"?):
                try tokenCount(payload.info, at: now, into: &sink)
            case ("response_item", "message"?), ("response_item", "reasoning"?):
                break
            case ("response_item", "function_call"?), ("response_item", "custom_tool_call"?),
                ("response_item", "local_shell_call"?):
                call(payload, at: now)
            case ("response_item", "function_call_output"?), ("response_item", "custom_tool_call_output"?):
                try result(payload, at: now, into: &sink)
            default:
                break
            }
        }

        mutating func begin(_ payload: Payload?, at time: Int64?, into sink: inout some TraceSink) throws {
            guard run == nil else {
                forkedFrom += 1
                return
            }
            origin = time
            session = payload?.id ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let run = RunRecord(
                runID: importedRunID(path: path), startedAt: time.map { Date(timeIntervalSince1970: Double($0) / 1e9) },
                agentperfVersion: "import",
                workload: "\(CodexImporter.format): \(URL(fileURLWithPath: path).lastPathComponent)")
            self.run = run
            try sink.begin(run)
            sessionStart = 0
            lastTime = 0
            lastInput = 0
        }

        /// A model call, when the cumulative total advanced: its own usage (`last_token_usage`,
        /// or the advance itself when that is missing or the total went back).
        mutating func tokenCount(_ info: TokenInfo?, at now: Int64?, into sink: inout some TraceSink) throws {
            guard let info, let total = info.total ?? info.last else { return }
            if let previousTotal, total == previousTotal { return }  // a repeat of the last event
            let usage: Usage
            if let previousTotal, total.input >= previousTotal.input, total.output >= previousTotal.output {
                usage = info.last ?? total.minus(previousTotal)
            } else {
                usage = info.last ?? total
            }
            previousTotal = total
            guard usage.input > 0 || usage.output > 0 else { return }
            try sink.step(
                StepRecord(
                    runID: run?.runID ?? "import", attemptID: session, stepID: "s\(index)", agentID: "main", agentName: "codex",
                    index: index, operation: .chat, useClass: .act, model: model, provider: "openai",
                    usage: usage.tokenUsage, timing: StepTiming(scheduled: lastInput, sent: lastInput, end: now)))
            index += 1
            stepCount += 1
            lastInput = now ?? lastInput
        }

        mutating func call(_ payload: Payload, at now: Int64?) {
            let name = payload.name ?? (payload.type == "local_shell_call" ? "local_shell" : "tool")
            let command =
                (payload.action?.command
                ?? payload.arguments.flatMap { arguments in
                    try? JSONDecoder().decode(ToolArguments.self, from: Data(arguments.utf8)).command
                })?.joined(separator: " ")
            guard let id = payload.callID, pendingTools[id] == nil else { return }
            pendingTools[id] = PendingTool(
                stepID: "s\(index)", index: index, name: name, use: UseClassification.forTool(named: name, command: command),
                scheduled: now)
            index += 1
        }

        mutating func result(_ payload: Payload, at now: Int64?, into sink: inout some TraceSink) throws {
            lastInput = now ?? lastInput
            guard let id = payload.callID, let tool = pendingTools.removeValue(forKey: id) else { return }
            let text = payload.output ?? ""
            let exitCode =
                text.hasPrefix("{")
                ? (try? JSONDecoder().decode(ShellOutput.self, from: Data(text.utf8)))?.metadata?.exitCode : nil
            try emit(
                tool, end: now, error: exitCode.map { $0 != 0 } == true ? StepErrorType.toolFailed : nil,
                observation: ContentHash.of(text), into: &sink)
        }

        mutating func emit(
            _ tool: PendingTool, end: Int64?, error: StepErrorType?, observation: String?, into sink: inout some TraceSink
        ) throws {
            try sink.step(
                StepRecord(
                    runID: run?.runID ?? "import", attemptID: session, stepID: tool.stepID, agentID: "main", agentName: "codex",
                    index: tool.index, operation: tool.use == .delegate ? .invokeAgent : .executeTool, useClass: tool.use,
                    toolName: tool.name, timing: StepTiming(scheduled: tool.scheduled, sent: tool.scheduled, end: end),
                    errorType: error, observationHash: observation))
            stepCount += 1
        }

        mutating func finish(into sink: inout some TraceSink) throws {
            for tool in pendingTools.values.sorted(by: { $0.index < $1.index }) {
                try emit(tool, end: nil, error: StepErrorType.noResult, observation: nil, into: &sink)
            }
            pendingTools.removeAll()
            try sink.attempt(
                AttemptRecord(
                    runID: run?.runID ?? "import", attemptID: session, task: task ?? session, agentName: "codex",
                    outcome: .ungraded, scheduled: sessionStart, end: lastTime, stepCount: stepCount,
                    userTurns: max(0, userTurns - 1)))
        }
    }
}
