package import Traces

/// One attempt the scheduler wants run.
package struct AttemptPlan: Sendable, Hashable {
    package var runID: String
    package var attemptID: String
    /// Index into the workload's tasks.
    package var taskIndex: Int
    /// Issue order within the level, from 0; seeds the attempt's draws.
    package var sequence: Int
    /// The load level the attempt belongs to.
    package var level: LevelID?
    package var concurrency: Int?
    package var worker: Int?
    package var isWarmup: Bool
    /// Intended start on the run clock (ns); task latency counts from here.
    package var scheduled: Int64

    package init(
        runID: String, attemptID: String, level: LevelID? = nil, taskIndex: Int, sequence: Int, concurrency: Int? = nil,
        worker: Int? = nil,
        isWarmup: Bool = false, scheduled: Int64
    ) {
        self.runID = runID
        self.attemptID = attemptID
        self.taskIndex = taskIndex
        self.sequence = sequence
        self.level = level ?? concurrency.map(LevelID.concurrency)
        self.concurrency = concurrency
        self.worker = worker
        self.isWarmup = isWarmup
        self.scheduled = scheduled
    }
}

/// How an attempt run ended.
package enum AttemptResult: Sendable {
    /// The attempt ended (passed, failed, errored or timed out) and is ready to record.
    case finished(AttemptRecord, [StepRecord])
    /// The run was interrupted while the attempt ran; nothing of it is recorded.
    case interrupted
}
