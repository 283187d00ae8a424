package import AgentLoop
import Sampling
import SpecDecoding
package import Timekeeping
package import Traces
package import Workload

/// One open-loop level: tasks arriving at `rate` per second, whatever the system's state.
package struct ArrivalPlan: Sendable, Hashable {
    package var rate: Double
    /// `constant` (evenly spaced) or `poisson` (exponential gaps).
    package var process: LoadProfile.Arrival
    /// A duration of arrivals, or a number of measured arrivals.
    package var length: LoadProfile.Length
    package var warmup: LevelPlan.Warmup
    /// The most attempts in flight.
    package var workers: Int
    /// `recorded` arrivals: seconds after the level's start of each, in task order (the level is
    /// these arrivals; `length` and `rate` do not apply).
    package var offsets: [Double] = []

    package var id: LevelID { process == .recorded ? LoadProfile.recordedLevel : .rate(perSecond: rate) }

    package init(rate: Double, process: LoadProfile.Arrival, length: LoadProfile.Length, warmup: LevelPlan.Warmup, workers: Int) {
        self.rate = rate
        self.process = process
        self.length = length
        self.warmup = warmup
        self.workers = workers
    }

    /// The plans of an open-loop load profile, one per rate, in order.
    package static func plans(for load: LoadProfile) -> [ArrivalPlan] {
        if load.arrival == .recorded {
            // Every offset is an arrival; those past the warm-up ones are measured.
            let warmup = LevelPlan.Warmup(load)
            let warmupCount = if case .attempts(let n) = warmup { n } else { 0 }
            var plan = ArrivalPlan(
                rate: 0, process: .recorded, length: .attempts(max(0, load.offsets.count - warmupCount)), warmup: warmup,
                workers: load.workers ?? LoadProfile.defaultWorkers)
            plan.offsets = load.offsets
            return [plan]
        }
        return load.rates.map {
            ArrivalPlan(
                rate: $0, process: load.arrival, length: load.length, warmup: LevelPlan.Warmup(load),
                workers: load.workers ?? LoadProfile.defaultWorkers)
        }
    }
}

/// Open-loop load (wrk2's model): arrivals at a set rate, each started at its intended time by
/// one of at most `workers`; an arrival that finds every worker busy starts late — when one
/// frees — and its task latency still counts from its intended start (`scheduled`), correcting
/// for coordinated omission; when it actually started is recorded too (`started`).
///
/// Arrival times are drawn from the seed (Poisson gaps) or evenly spaced, and the task of each
/// arrival is a weighted draw seeded by its position, so a seed gives the same arrivals and tasks
/// on any machine.
package struct OpenLoopScheduler: Sendable {
    private let taskWeights: [Double]
    private let seed: UInt64
    private let clock: any RunClock

    package init(taskWeights: [Double], seed: UInt64, clock: any RunClock) {
        precondition(!taskWeights.isEmpty && taskWeights.allSatisfy { $0 > 0 }, "validated by the workload loader")
        self.taskWeights = taskWeights
        self.seed = seed
        self.clock = clock
    }

    /// Runs one level; `attempt` runs and records one attempt and returns its end time if it was
    /// a measured attempt that got recorded. With a `shard`, every arrival is drawn as in the
    /// whole run but only the shard's (`Shard.ownsArrival`) are started, by its share of the
    /// workers (at least one: the workload loader refuses fewer workers than shards).
    package func run(
        _ level: ArrivalPlan, runID: String, shard: Shard? = nil, attempt: @escaping @Sendable (AttemptPlan) async -> Int64?
    ) async -> LevelOutcome {
        let workers = max(1, shard?.share(of: level.workers) ?? level.workers)
        let levelStart = clock.now()
        var arrivals = ArrivalTimes(level, start: levelStart, seed: seed)
        let warmupEnd: Int64? =
            if case .duration(let d) = level.warmup { levelStart.adding(nanoseconds: d.nanoseconds) } else { nil }
        let deadline: Int64? =
            if case .duration(let d) = level.length { (warmupEnd ?? levelStart).adding(nanoseconds: d.duration.nanoseconds) } else
            { nil }
        let limit: Int? = if case .attempts(let n) = level.length { n } else { nil }
        var window = WindowTracker()
        await withTaskGroup(of: Int64?.self) { group in
            var inFlight = 0
            // Arrivals so far (every shard's), and the measured ones among them.
            var issued = 0
            var measured = 0
            while !Task.isCancelled {
                let intended = arrivals.next()
                let isWarmup: Bool =
                    switch level.warmup {
                    case .none: false
                    case .duration: intended < warmupEnd!
                    case .attempts(let count): issued < count
                    }
                if !isWarmup {
                    if let deadline, intended >= deadline {
                        // The level lasts its duration: arrivals are due until the deadline.
                        try? await clock.sleep(until: deadline)
                        break
                    }
                    if let limit, measured >= limit { break }
                }
                if level.process == .recorded, issued >= level.offsets.count { break }
                if let shard, !shard.ownsArrival(issued) {
                    issued += 1
                    if !isWarmup { measured += 1 }
                    continue
                }
                if clock.now() < intended {
                    do { try await clock.sleep(until: intended) } catch { break }
                }
                // A free worker; waiting for one makes this arrival (and those behind it) late.
                while inFlight >= workers, let result = await group.next() {
                    inFlight -= 1
                    if let end = result { window.ended(at: end) }
                }
                let sequence = issued
                var plan = AttemptPlan(
                    runID: runID, attemptID: "\(level.id)-\(sequence)", level: level.id,
                    taskIndex: level.process == .recorded
                        ? sequence % taskWeights.count
                        : ClosedLoopScheduler.pickTask(weights: taskWeights, seed: seed, key: "\(level.id)/\(sequence)"),
                    sequence: sequence, isWarmup: isWarmup, scheduled: intended)
                plan.started = max(intended, clock.now())
                group.addTask { await attempt(plan) }
                inFlight += 1
                issued += 1
                if !isWarmup {
                    measured += 1
                    window.issued(at: intended)
                }
            }
            for await result in group { if let end = result { window.ended(at: end) } }
        }
        let start = warmupEnd ?? window.firstIntended ?? levelStart
        let drainEnd = max(start, window.lastEnd ?? start)
        var end = min(deadline ?? window.lastIntended ?? clock.now(), clock.now())
        // Arrivals all due at once (one measured arrival): no span of arrivals to measure over.
        if end <= start { end = drainEnd }
        return LevelOutcome(
            levelStart: levelStart, windowStart: start, windowEnd: end, drainEnd: drainEnd, interrupted: Task.isCancelled)
    }

    /// What the level's window needs: the first and last measured arrival, and the last end.
    private struct WindowTracker {
        var firstIntended: Int64?
        var lastIntended: Int64?
        var lastEnd: Int64?

        mutating func issued(at intended: Int64) {
            firstIntended = firstIntended ?? intended
            lastIntended = intended
        }

        mutating func ended(at end: Int64) { lastEnd = max(lastEnd ?? end, end) }
    }
}

/// The intended start times of a level's arrivals, in order.
struct ArrivalTimes {
    private let start: Int64
    private let rate: Double
    private let poisson: Bool
    private var generator: SeededGenerator
    private var index = 0
    /// Seconds since the level's start of the next arrival (summed in Double: no drift).
    private var offset = 0.0

    private let offsets: [Double]

    init(_ level: ArrivalPlan, start: Int64, seed: UInt64) {
        self.start = start
        rate = level.rate
        offsets = level.offsets
        poisson = level.process == .poisson
        generator = SeededGenerator(seed: seed, stream: "arrivals/\(level.id)")
    }

    /// The next arrival: evenly spaced at 1/rate from the level's start, or after an exponential gap of mean 1/rate.
    mutating func next() -> Int64 {
        if !offsets.isEmpty {
            offset = offsets[min(index, offsets.count - 1)]
        } else if poisson {
            offset += generator.exponential(mean: 1 / rate)
        } else {
            offset = Double(index) / rate
        }
        index += 1
        // Saturating: a level of 10⁵/s for years stays far inside Int64 nanoseconds.
        return start.adding(nanoseconds: Int64(min(offset * 1e9, 9e18)))
    }
}
