import AgentLoop
import AsyncHTTPClient
import Recorder
import Scheduler
import SpecDecoding
import Timekeeping
import ToolServices
import Tools
import Traces
import Workload

extension BenchmarkRun {
    func runLevels(
        _ workload: Workload, variants: [Variant], routes: ModelRoutes, client: HTTPClient?, services: RunToolServices,
        clock: any RunClock, runID: String, gateways: RunGateways?, recorder: RunRecorder
    ) async throws -> Bool {
        let loop = AttemptRunner(
            workload: workload, routes: routes,
            tools: ToolRunner(tools: workload.tools, clock: clock, http: client, external: services), clock: clock,
            gateways: gateways)
        let scheduler = ClosedLoopScheduler(taskWeights: workload.tasks.map(\.weight), seed: workload.seed, clock: clock)
        let openLoop = OpenLoopScheduler(taskWeights: workload.tasks.map(\.weight), seed: workload.seed, clock: clock)
        let writeFailure = WriteFailure()
        let trainer = workload.rollouts.map { Trainer(updateEvery: $0.updateEvery) }
        // A variant run: each variant in turn, at each level, every task `repeats` times.
        let sweeps: [TaskSweep?] =
            variants.isEmpty
            ? [nil]
            : variants.map { TaskSweep(variant: $0, taskCount: workload.tasks.count, repeats: workload.load.variantRepeats) }
        let plans: [(LevelRun, TaskSweep?)] =
            workload.load.isOpenLoop
            ? ArrivalPlan.plans(for: workload.load).map { (.open($0), nil) }
            : sweeps.flatMap { sweep in
                LevelPlan.plans(for: workload.load).map { level in
                    (.closed(sweep?.level(concurrency: level.concurrency) ?? level), sweep)
                }
            }
        guard await waitForStart(clock) else { return true }
        for (index, (level, sweep)) in plans.enumerated() {
            if Task.isCancelled { return true }
            var announcement = LevelAnnouncement(
                level: level.id, variant: sweep?.variant.name, index: index, count: plans.count, warmupSeconds: nil,
                warmupAttempts: nil, measuredSeconds: nil, measuredAttempts: nil)
            if case .duration(let d) = level.length { announcement.measuredSeconds = d.seconds }
            announcement.measuredAttempts = level.attemptLimit
            switch level.warmup {
            case .none: break
            case .duration(let d): announcement.warmupSeconds = d.seconds
            case .attempts(let n): announcement.warmupAttempts = n
            }
            await recorder.announce(.levelStarted(announcement))
            let runAttempt: @Sendable (AttemptPlan) async -> Int64? = { plan in
                let startVersion = await trainer?.version
                guard case .finished(var record, let steps) = await loop.run(plan) else { return nil }
                if let trainer, let startVersion {
                    record.policyVersion = startVersion
                    record.consumedVersion = await trainer.consume()
                }
                do throws(TraceError) { try await recorder.record(record, steps: steps) } catch {
                    await writeFailure.set(error)
                    return nil
                }
                return record.isMeasured ? record.end : nil
            }
            let outcome =
                switch level {
                case .closed(let plan):
                    await scheduler.run(plan, runID: runID, sweep: sweep, shard: shard, attempt: runAttempt)
                case .open(let plan): await openLoop.run(plan, runID: runID, shard: shard, attempt: runAttempt)
                }
            if let failure = await writeFailure.error { throw HarnessError.traceWriteFailed(failure) }
            var window = WindowRecord(
                runID: runID, level: level.id, levelStart: outcome.levelStart, start: outcome.windowStart,
                end: outcome.windowEnd, drainEnd: outcome.drainEnd, interrupted: outcome.interrupted)
            window.variant = sweep?.variant.name
            do throws(TraceError) { try await recorder.record(window) } catch { throw HarnessError.traceWriteFailed(error) }
            if outcome.interrupted { return true }
            if let gate = continueAfterLevel, !(await gate(level.id, sweep?.variant.name)) { return true }
        }
        return false
    }

    /// One level of a run: a closed loop of agents or open-loop arrivals.
    enum LevelRun: Sendable {
        case closed(LevelPlan)
        case open(ArrivalPlan)

        var id: LevelID {
            switch self {
            case .closed(let plan): plan.id
            case .open(let plan): plan.id
            }
        }

        var length: LoadProfile.Length {
            switch self {
            case .closed(let plan): plan.length
            case .open(let plan): plan.length
            }
        }

        var warmup: LevelPlan.Warmup {
            switch self {
            case .closed(let plan): plan.warmup
            case .open(let plan): plan.warmup
            }
        }

        var attemptLimit: Int? {
            switch self {
            case .closed(let plan): plan.attemptLimit
            case .open(let plan): if case .attempts(let n) = plan.length { n } else { nil }
            }
        }
    }

    static func widestFanout(_ steps: [StepSpec]) -> Int {
        steps.map { step in
            switch step {
            case .fanout(let block): block.agents * widestFanout(block.agent.steps)
            case .repeatBlock(let block): widestFanout(block.steps)
            default: 1
            }
        }.max() ?? 1
    }
}

/// The first trace-write failure seen by any worker.
private actor WriteFailure {
    private(set) var error: TraceError?
    func set(_ error: TraceError) { if self.error == nil { self.error = error } }
}

/// The trainer of a rollout run: it consumes attempts as they end and publishes a new policy
/// version every `updateEvery` of them.
private actor Trainer {
    let updateEvery: Int
    private var consumed = 0

    init(updateEvery: Int) { self.updateEvery = updateEvery }

    /// The policy version now.
    var version: Int { consumed / updateEvery }

    /// Consumes one attempt; returns the version it was consumed at (before the update it may trigger).
    func consume() -> Int {
        defer { consumed += 1 }
        return consumed / updateEvery
    }
}
