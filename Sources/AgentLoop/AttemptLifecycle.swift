import Foundation
import Recorder
import SpecDecoding
import Timekeeping
import Traces
import Workload

/// What every attempt goes through, whichever loop decides its steps: its deadline, its working
/// directory, the race against the attempt timeout, interruption, and the identity fields of its
/// record. `ScriptedAgentLoop` and `DrivenAgentLoop` supply only the agent's own work.
struct AttemptLifecycle: Sendable {
    let workload: Workload
    let clock: any RunClock

    /// The directory an attempt's commands run in.
    enum Directory: Sendable {
        case none
        /// A fresh empty directory.
        case fresh
        /// A fresh directory holding a copy of this workspace's contents.
        case copy(of: String?)
    }

    /// What an attempt's agent has to work with.
    struct Scope: Sendable {
        let plan: AttemptPlan
        let steps: StepWriter
        /// The attempt's deadline on the run clock.
        let deadline: Int64
        let directory: URL?
    }

    /// How the lifecycle ended the attempt's agent.
    enum Ending<Agent: Sendable>: Sendable {
        /// The agent returned.
        case returned(Agent)
        /// The attempt timeout passed first.
        case timedOut
    }

    /// Runs `agent` in a scope for `plan` until it returns or the attempt times out, then lets
    /// `finish` complete the record (outcome, score, tier) from the ending. If the run was
    /// cancelled meanwhile, the record says `cancelled`, with the steps so far; a missing working directory ends the
    /// attempt at once as `workspace_error` (its commands would otherwise run in AgentPerf's).
    func run<Agent: Sendable>(
        _ plan: AttemptPlan, directory need: Directory,
        agent: @escaping @Sendable (Scope) async -> Agent,
        finish: (Ending<Agent>, Scope, inout AttemptRecord) async -> Void
    ) async -> AttemptResult {
        let task = workload.tasks[plan.taskIndex]
        let log = StepLog()
        // The timeout counts from when the attempt could start: an arrival that waited for a worker
        // gets its full time.
        let deadline = (plan.started ?? plan.scheduled).adding(nanoseconds: workload.load.attemptTimeout.duration.nanoseconds)
        let directory: URL?
        switch need {
        case .none: directory = nil
        case .fresh, .copy:
            let workspace: String? = if case .copy(let workspace) = need { workspace } else { nil }
            guard let made = Self.makeWorkingDirectory(plan.attemptID, copying: workspace) else {
                var record = baseRecord(plan, end: clock.now())
                record.errorType = StepErrorType.workspaceError
                return .finished(record, [])
            }
            directory = made
        }
        defer { if let directory { try? FileManager.default.removeItem(at: directory) } }

        let scope = Scope(
            plan: plan, steps: StepWriter(runID: plan.runID, attemptID: plan.attemptID, log: log), deadline: deadline,
            directory: directory)
        let clock = self.clock
        let ending: Ending<Agent>? = await withTaskGroup(of: Ending<Agent>?.self) { group in
            group.addTask { .returned(await agent(scope)) }
            group.addTask {
                do { try await clock.sleep(until: deadline) } catch { return nil }
                return .timedOut
            }
            var first: Ending<Agent>?
            while first == nil, let next = await group.next() { first = next }
            group.cancelAll()
            return first
        }
        guard let ending, !Task.isCancelled else {
            // Stopped mid-attempt (Ctrl-C): recorded with what it did so far, as `cancelled`, so
            // the attempts a run started add up; every figure leaves it out.
            var record = baseRecord(plan, end: clock.now())
            // Finished as a timeout would be (a process agent's gateway steps are collected
            // there), then marked as what it is.
            await finish(.timedOut, scope, &record)
            record.outcome = .cancelled
            record.errorType = nil
            record.stopReason = nil
            record.score = nil
            record.graderAxes = [:]
            let steps = await log.recorded
            record.stepCount = steps.count
            return .finished(record, steps)
        }
        var record = baseRecord(plan, end: clock.now())
        record.agentName = task.agentName
        if case .timedOut = ending {
            record.outcome = .timeout
            record.errorType = StepErrorType.attemptTimeout
        }
        await finish(ending, scope, &record)
        let steps = await log.recorded
        record.stepCount = steps.count
        return .finished(record, steps)
    }

    /// The record's identity fields, outcome `error` until `finish` says otherwise.
    private func baseRecord(_ plan: AttemptPlan, end: Int64) -> AttemptRecord {
        let task = workload.tasks[plan.taskIndex]
        var record = AttemptRecord(
            runID: plan.runID, attemptID: plan.attemptID, task: task.name, agentName: task.agentName,
            concurrency: plan.concurrency, isWarmup: plan.isWarmup, worker: plan.worker, sequence: plan.sequence,
            outcome: .error, scheduled: plan.scheduled, end: end, stepCount: 0)
        record.level = plan.level
        record.started = plan.started
        record.variant = plan.variant?.name
        record.repeatIndex = plan.repeatIndex
        return record
    }

    /// A fresh temporary directory for one attempt, holding a copy of `workspace`'s contents.
    private static func makeWorkingDirectory(_ attemptID: String, copying workspace: String?) -> URL? {
        let manager = FileManager.default
        let url = manager.temporaryDirectory.appendingPathComponent("agentperf-\(attemptID)-\(UUID().uuidString.prefix(8))")
        do {
            if let workspace {
                try manager.copyItem(at: URL(fileURLWithPath: workspace, isDirectory: true), to: url)
            } else {
                try manager.createDirectory(at: url, withIntermediateDirectories: true)
            }
            return url
        } catch {
            return nil
        }
    }
}
