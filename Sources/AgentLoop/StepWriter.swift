import Backends
import Recorder
import Traces

/// Where an agent sits in its attempt: the ids every step it records carries.
struct AgentIdentity: Sendable, Hashable {
    let id: String
    let name: String
    /// The delegating step, for a sub-agent.
    let parentStepID: String?
    /// Prefix of this agent's step ids (`s3.a1.` for the first sub-agent of step `s3`).
    let stepPrefix: String

    /// The attempt's top-level agent.
    static func main(_ name: String) -> AgentIdentity {
        AgentIdentity(id: "main", name: name, parentStepID: nil, stepPrefix: "")
    }

    /// The LLM judge that grades an attempt (its calls come after the attempt's end).
    static let judge = AgentIdentity(id: "judge", name: "judge", parentStepID: nil, stepPrefix: "judge.")

    /// Sub-agent `number` (from 1) started by this agent's step `stepID`.
    func child(_ number: Int, of stepID: String, name: String) -> AgentIdentity {
        AgentIdentity(id: "\(stepID).a\(number)", name: name, parentStepID: stepID, stepPrefix: "\(stepID).a\(number).")
    }

    /// The id of this agent's step `index`.
    func stepID(_ index: Int) -> String { "\(stepPrefix)s\(index)" }
}

/// Writes one attempt's step records. Both agent loops record through it, so every step of an
/// attempt carries the same run, attempt and agent fields, built in one place.
struct StepWriter: Sendable {
    let runID: String
    let attemptID: String
    let log: StepLog

    /// Appends step `index` of `agent`; `details` fills in what only the caller knows.
    func append(
        _ index: Int, of agent: AgentIdentity, _ operation: OperationName, use: UseClass, timing: StepTiming,
        details: (inout StepRecord) -> Void = { _ in }
    ) async {
        var step = StepRecord(
            runID: runID, attemptID: attemptID, stepID: agent.stepID(index), parentStepID: agent.parentStepID,
            agentID: agent.id, agentName: agent.name, index: index, operation: operation, useClass: use, timing: timing)
        details(&step)
        await log.append(step)
    }

    /// Appends every try of one model call (each a step; a retry is scheduled when the try
    /// before it ended), numbered by `nextIndex`. `details` adds per-try fields.
    func appendTries(
        _ tries: [ModelCallResult], scheduled: Int64, of agent: AgentIdentity, _ operation: OperationName, use: UseClass,
        model: String, tier: String?, provider: String?, nextIndex: () -> Int,
        details: (_ try: Int, inout StepRecord) -> Void = { _, _ in }
    ) async {
        for (n, result) in tries.enumerated() {
            var timing = result.timing
            timing.scheduled = n == 0 ? scheduled : tries[n - 1].timing.end
            await append(nextIndex(), of: agent, operation, use: use, timing: timing) { step in
                step.model = model
                step.tier = tier
                step.provider = provider
                step.usage = result.usage
                step.errorType = result.errorType
                step.httpStatus = result.httpStatus
                step.errorMessage = result.errorMessage
                details(n, &step)
            }
        }
    }
}
