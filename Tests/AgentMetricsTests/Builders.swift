import Foundation
import Traces

/// Small builders for hand-made traces (times in milliseconds).
enum Build {
    static let ms: Int64 = 1_000_000

    static func chat(
        _ attempt: String, _ id: String, scheduled: Int64, sent: Int64, first: Int64?, last: Int64?, end: Int64,
        serverQueue: Int64? = nil, usage: TokenUsage? = TokenUsage(uncachedInput: 100, output: 10), model: String = "m",
        parent: String? = nil, agent: String = "main", error: StepErrorType? = nil
    ) -> StepRecord {
        StepRecord(
            runID: "r", attemptID: attempt, stepID: id, parentStepID: parent, agentID: agent, index: 0, operation: .chat,
            useClass: .act, model: model, usage: usage,
            timing: StepTiming(
                scheduled: scheduled * ms, sent: sent * ms, firstToken: first.map { $0 * ms }, lastToken: last.map { $0 * ms },
                end: end * ms, serverQueue: serverQueue.map { $0 * ms }),
            errorType: error)
    }

    static func tool(
        _ attempt: String, _ id: String, scheduled: Int64, sent: Int64, end: Int64, parent: String? = nil, agent: String = "main"
    ) -> StepRecord {
        StepRecord(
            runID: "r", attemptID: attempt, stepID: id, parentStepID: parent, agentID: agent, index: 0, operation: .executeTool,
            useClass: .act, toolName: "t", timing: StepTiming(scheduled: scheduled * ms, sent: sent * ms, end: end * ms))
    }

    static func delegate(_ attempt: String, _ id: String, scheduled: Int64, end: Int64) -> StepRecord {
        StepRecord(
            runID: "r", attemptID: attempt, stepID: id, index: 0, operation: .invokeAgent, useClass: .delegate,
            timing: StepTiming(scheduled: scheduled * ms, sent: scheduled * ms, end: end * ms))
    }

    static func attempt(
        _ id: String, _ outcome: Outcome, scheduled: Int64, end: Int64, concurrency: Int? = 4, warmup: Bool = false,
        steps: [StepRecord]
    ) -> LoggedAttempt {
        LoggedAttempt(
            record: AttemptRecord(
                runID: "r", attemptID: id, task: "t", concurrency: concurrency, isWarmup: warmup, outcome: outcome,
                scheduled: scheduled * ms, end: end * ms, stepCount: steps.count),
            steps: steps)
    }

    static func window(_ concurrency: Int, start: Int64, end: Int64) -> WindowRecord {
        WindowRecord(runID: "r", concurrency: concurrency, levelStart: 0, start: start * ms, end: end * ms)
    }
}
