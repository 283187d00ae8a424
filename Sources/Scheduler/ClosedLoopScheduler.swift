package import AgentLoop
import Sampling
import SpecDecoding
package import Timekeeping
package import Traces
package import Workload

/// One concurrency level to run.
package struct LevelPlan: Sendable, Hashable {
    package var concurrency: Int
    /// The level's id in traces and summaries (`c16`).
    package var id: LevelID { .concurrency(concurrency) }
    package var length: LoadProfile.Length
    package var warmup: Warmup

    package enum Warmup: Sendable, Hashable {
        case none
        /// Attempts started before this much time has passed are warm-up.
        case duration(Duration)
        /// The first this-many attempts are warm-up.
        case attempts(Int)

        /// A load profile's warm-up (`warmup:` or `warmup_attempts:`).
        init(_ load: LoadProfile) {
            if let duration = load.warmup {
                self = .duration(duration.duration)
            } else if let attempts = load.warmupAttempts {
                self = .attempts(attempts)
            } else {
                self = .none
            }
        }
    }

    /// Measured attempts the level issues, when it is counted by attempts.
    package var attemptLimit: Int? {
        switch length {
        case .duration: nil
        case .attempts(let n): n
        case .attemptsPerWorker(let n): n * concurrency  // both validated: at most 10⁶ × 4096
        }
    }

    package init(concurrency: Int, length: LoadProfile.Length, warmup: Warmup) {
        self.concurrency = concurrency
        self.length = length
        self.warmup = warmup
    }

    /// The plans of a load profile, one per level, in order.
    package static func plans(for load: LoadProfile) -> [LevelPlan] {
        load.concurrency.map { LevelPlan(concurrency: $0, length: load.length, warmup: Warmup(load)) }
    }
}

/// A variant run's attempts at one level: every task, each repeat, under one variant, issued
/// repeat by repeat (every task's repeat 0, then every task's repeat 1, …).
package struct TaskSweep: Sendable, Hashable {
    package var variant: Variant
    package var taskCount: Int
    package var repeats: Int

    package init(variant: Variant, taskCount: Int, repeats: Int) {
        self.variant = variant
        self.taskCount = taskCount
        self.repeats = repeats
    }

    /// Attempts in the sweep.
    package var count: Int { taskCount * repeats }

    /// The task and repeat of the attempt issued `sequence`-th.
    package func attempt(_ sequence: Int) -> (task: Int, repeatIndex: Int) {
        (sequence % taskCount, sequence / taskCount)
    }

    /// The level plan that issues the sweep's attempts, once each, at `concurrency` (no warm-up:
    /// every attempt is one of the pairs).
    package func level(concurrency: Int) -> LevelPlan {
        LevelPlan(concurrency: concurrency, length: .attempts(count), warmup: .none)
    }
}

/// What happened at one level: the measurement window on the run clock.
package struct LevelOutcome: Sendable, Hashable {
    package var levelStart: Int64
    /// End of warm-up.
    package var windowStart: Int64
    /// When the level stopped issuing attempts (steady state ends).
    package var windowEnd: Int64
    /// End of the last measured attempt.
    package var drainEnd: Int64
    package var interrupted: Bool
}

/// Closed-loop load: N workers, each running attempts back to back until the level's length
/// is reached; the level ends when every worker's last attempt has ended.
///
/// With a timed warm-up, workers start spread evenly across it (worker i at i/N of the
/// warm-up), so the level reaches a steady mix of agents at different stages instead of N
/// agents sending their first request in the same instant.
///
/// Attempts are issued in a global order (their `sequence`); the task of each is a weighted
/// draw seeded by that position, so a given seed produces the same task sequence whichever
/// worker runs it.
package struct ClosedLoopScheduler: Sendable {
    private let taskWeights: [Double]
    private let seed: UInt64
    private let clock: any RunClock

    package init(taskWeights: [Double], seed: UInt64, clock: any RunClock) {
        precondition(!taskWeights.isEmpty && taskWeights.allSatisfy { $0 > 0 }, "validated by the workload loader")
        self.taskWeights = taskWeights
        self.seed = seed
        self.clock = clock
    }

    /// Runs one level. `attempt` runs and records one attempt and returns its end time if it
    /// was a measured attempt that got recorded (`nil` for warm-up or interrupted ones). With a
    /// `sweep`, the level issues the sweep's attempts in order instead of drawing tasks. With a
    /// `shard`, only that shard's workers and attempt positions run (`Shard`); a shard with no
    /// worker at a timed level still waits out its warm-up and duration, so that its next level
    /// starts with the other shards'.
    package func run(
        _ level: LevelPlan, runID: String, sweep: TaskSweep? = nil, shard: Shard? = nil,
        attempt: @escaping @Sendable (AttemptPlan) async -> Int64?
    ) async -> LevelOutcome {
        let levelStart = clock.now()
        let dispenser = TicketDispenser(level: level, shard: shard, levelStart: levelStart, clock: clock)
        let workers = shard?.workers(of: level.concurrency) ?? Array(0..<level.concurrency)
        if workers.isEmpty, let deadline = dispenser.deadline { try? await clock.sleep(until: deadline) }
        await withDiscardingTaskGroup { group in
            for worker in workers {
                group.addTask {
                    if case .duration(let warmup) = level.warmup, worker > 0 {
                        // Divided first: a long warm-up times thousands of workers overflows Int64.
                        let offset = warmup.nanoseconds / Int64(level.concurrency) * Int64(worker)
                        try? await self.clock.sleep(until: levelStart + offset)
                    }
                    while !Task.isCancelled, let ticket = await dispenser.next() {
                        let listed = sweep?.attempt(ticket.sequence)
                        var plan = AttemptPlan(
                            runID: runID,
                            attemptID: (sweep.map { "\($0.variant.name)-" } ?? "") + "\(level.id)-\(ticket.sequence)",
                            level: level.id,
                            taskIndex: listed?.task ?? self.pickTask(level: level.concurrency, sequence: ticket.sequence),
                            sequence: ticket.sequence, concurrency: level.concurrency, worker: worker,
                            isWarmup: ticket.isWarmup, scheduled: ticket.scheduled)
                        plan.variant = sweep?.variant
                        plan.repeatIndex = listed?.repeatIndex
                        if let end = await attempt(plan) { await dispenser.measuredAttemptEnded(at: end) }
                    }
                }
            }
        }
        let window = await dispenser.window(levelStart: levelStart, levelEnd: clock.now())
        return LevelOutcome(
            levelStart: levelStart, windowStart: window.start, windowEnd: window.end, drainEnd: window.drainEnd,
            interrupted: Task.isCancelled)
    }

    func pickTask(level: Int, sequence: Int) -> Int {
        Self.pickTask(weights: taskWeights, seed: seed, key: "\(level)/\(sequence)")
    }

    /// The task of the attempt at `key` (level and position): a weighted draw seeded by it, so a
    /// seed gives the same task sequence whichever worker runs it.
    static func pickTask(weights: [Double], seed: UInt64, key: String) -> Int {
        guard weights.count > 1 else { return 0 }
        var generator = SeededGenerator(seed: seed, stream: "pick/\(key)")
        var point = generator.nextUnit() * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            point -= weight
            if point < 0 { return index }
        }
        return weights.count - 1
    }
}

/// Hands out attempt tickets for one level and tracks its measurement window.
actor TicketDispenser {
    struct Ticket: Sendable {
        var sequence: Int
        var isWarmup: Bool
        var scheduled: Int64
    }

    private let level: LevelPlan
    private let clock: any RunClock
    private let warmupEnd: Int64?
    /// The end of issuing at a timed level.
    nonisolated let deadline: Int64?
    /// The shard whose attempt positions this dispenser hands out; nil: every position.
    private let shard: Shard?
    /// Warm-up and measured attempts this dispenser issues, when the level counts attempts.
    private let warmupAttempts: Int?
    private let measuredLimit: Int?
    /// Tickets issued so far (their positions are `position(ofLocal:)` of 0, 1, …).
    private var issued = 0
    private var measuredIssued = 0
    private var firstMeasuredStart: Int64?
    private var lastMeasuredEnd: Int64?
    /// When the attempt limit was reached (attempts mode).
    private var limitReached: Int64?
    /// A measured attempt ended while attempts were still being issued.
    private var measuredEndedWhileIssuing = false

    init(level: LevelPlan, shard: Shard? = nil, levelStart: Int64, clock: any RunClock) {
        self.level = level
        self.clock = clock
        self.shard = shard
        // A shard owns a fixed share of the positions: of the first W (warm-up) and of the W + N.
        let owned = { (bound: Int) in shard?.ownedPositions(below: bound, workers: level.concurrency) ?? bound }
        if case .attempts(let count) = level.warmup { warmupAttempts = owned(count) } else { warmupAttempts = nil }
        if let limit = level.attemptLimit {
            let warmup = if case .attempts(let count) = level.warmup { count } else { 0 }
            let (end, overflow) = warmup.addingReportingOverflow(limit)
            measuredLimit = owned(overflow ? Int.max : end) - (warmupAttempts ?? 0)
        } else {
            measuredLimit = nil
        }
        if case .duration(let warmup) = level.warmup {
            warmupEnd = levelStart + warmup.nanoseconds
        } else {
            warmupEnd = nil
        }
        if case .duration(let length) = level.length {
            deadline = (warmupEnd ?? levelStart) + length.duration.nanoseconds
        } else {
            deadline = nil
        }
    }

    /// The next ticket, or `nil` when the level has issued all it should.
    func next() -> Ticket? {
        let now = clock.now()
        let isWarmup: Bool =
            switch level.warmup {
            case .none: false
            case .duration: now < warmupEnd!
            case .attempts: issued < warmupAttempts!
            }
        if !isWarmup {
            if let limit = measuredLimit {
                guard measuredIssued < limit else { return nil }
            } else {
                guard now < deadline! else { return nil }
            }
            measuredIssued += 1
            if let limit = measuredLimit, measuredIssued == limit { limitReached = now }
            if firstMeasuredStart == nil { firstMeasuredStart = now }
        }
        guard let sequence = shard.map({ $0.position(ofLocal: issued, workers: level.concurrency) }) ?? issued else {
            return nil
        }
        issued += 1
        return Ticket(sequence: sequence, isWarmup: isWarmup, scheduled: now)
    }

    func measuredAttemptEnded(at end: Int64) {
        lastMeasuredEnd = max(lastMeasuredEnd ?? end, end)
        if limitReached == nil { measuredEndedWhileIssuing = true }
    }

    /// The measurement window: from the end of warm-up (a timed one, else the first measured
    /// attempt) to when issuing stopped (the deadline, the attempt limit, or an interruption).
    /// When every measured attempt was issued in one wave (attempts ≤ concurrency: none ended
    /// before the last was issued, which can take the workers a few milliseconds) that window
    /// holds no steady state, and it runs to the end of the last measured attempt instead.
    func window(levelStart: Int64, levelEnd: Int64) -> (start: Int64, end: Int64, drainEnd: Int64) {
        let start = warmupEnd ?? firstMeasuredStart ?? levelStart
        let drainEnd = max(start, lastMeasuredEnd ?? start)
        var end = min(deadline ?? limitReached ?? levelEnd, levelEnd)
        if end <= start || (limitReached != nil && !measuredEndedWhileIssuing) { end = max(end, drainEnd) }
        return (start, end, drainEnd)
    }
}
