import Foundation
import Traces

extension GeminiCLIImporter {
    /// One folded session as canonical records.
    struct Converter {
        let path: String
        let session: Session
        let runID: String
        let origin: Int64?

        init(path: String, session: Session) {
            self.path = path
            self.session = session
            runID = importedRunID(path: path)
            origin =
                session.startTime.flatMap { WallClock.nanoseconds(iso8601: $0) }
                ?? session.messages.lazy.compactMap { $0.timestamp.flatMap { WallClock.nanoseconds(iso8601: $0) } }.first
        }

        /// `text` as nanoseconds since the session began (wall-clock times are within 1970…2200,
        /// `WallClock`: their difference cannot overflow).
        func time(_ text: String?) -> Int64? {
            guard let text, let origin, let time = WallClock.nanoseconds(iso8601: text) else { return nil }
            return time - origin
        }

        func emit(into sink: inout some TraceSink) throws {
            let attemptID = session.sessionId ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            try sink.begin(
                RunRecord(
                    runID: runID, startedAt: origin.map { Date(timeIntervalSince1970: Double($0) / 1e9) },
                    agentperfVersion: "import",
                    workload: "\(GeminiCLIImporter.format): \(URL(fileURLWithPath: path).lastPathComponent)"))
            let agentName = session.kind == "subagent" ? "sub-agent" : "gemini-cli"
            var index = 0
            var lastInput: Int64? = 0
            var lastTime: Int64? = 0
            var task: String?
            var userTurns = 0
            func step(_ record: StepRecord) throws {
                try sink.step(record)
                index += 1
            }
            for message in session.messages {
                let now = time(message.timestamp)
                if let now { lastTime = max(lastTime ?? now, now) }
                switch message.type {
                case "user":
                    let text = message.content?.text ?? ""
                    if task == nil, !text.isEmpty {
                        task = String(text.prefix(80)).replacingOccurrences(of: "\n", with: " ")
                    }
                    userTurns += 1
                    lastInput = now ?? lastInput
                case "gemini":
                    try step(
                        StepRecord(
                            runID: runID, attemptID: attemptID, stepID: "s\(index)", agentID: "main", agentName: agentName,
                            index: index, operation: .chat, useClass: .act, model: message.model, provider: "gcp.gemini",
                            usage: message.tokens?.tokenUsage,
                            timing: StepTiming(scheduled: lastInput, sent: lastInput, end: now)))
                    lastInput = now ?? lastInput
                    for call in message.toolCalls ?? [] {
                        let name = call.name ?? "tool"
                        let use = UseClassification.forTool(named: name)
                        let end = time(call.timestamp).map { max($0, now ?? $0) }
                        let error: StepErrorType? =
                            switch call.status {
                            case "success": nil
                            case "error": StepErrorType.toolFailed
                            case "cancelled": StepErrorType.cancelled
                            default: StepErrorType.noResult
                            }
                        try step(
                            StepRecord(
                                runID: runID, attemptID: attemptID, stepID: "s\(index)", agentID: "main", agentName: agentName,
                                index: index, operation: use == .delegate ? .invokeAgent : .executeTool, useClass: use,
                                toolName: name,
                                timing: StepTiming(scheduled: now, sent: now, end: error == .noResult ? nil : end),
                                errorType: error))
                        if let end { lastInput = max(lastInput ?? end, end) }
                    }
                default:
                    break  // info, warning and error notices are not calls
                }
            }
            try sink.attempt(
                AttemptRecord(
                    runID: runID, attemptID: attemptID, task: task ?? attemptID, agentName: agentName, outcome: .ungraded,
                    scheduled: 0, end: lastTime, stepCount: index, userTurns: max(0, userTurns - 1)))
        }
    }
}
