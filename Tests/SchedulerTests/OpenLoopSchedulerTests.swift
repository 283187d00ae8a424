import AgentLoop
import SpecDecoding
import Testing
import Timekeeping
import Traces
import Workload

@testable import Scheduler

/// Open-loop arrivals in virtual time: when they are due, when they start, and what coordinated
/// omission hides.
@Suite struct OpenLoopSchedulerTests {
    struct Ran: Sendable {
        var plan: AttemptPlan
        var end: Int64
    }

    actor Log {
        private(set) var ran: [Ran] = []
        func add(_ plan: AttemptPlan, end: Int64) { ran.append(Ran(plan: plan, end: end)) }
    }

    /// Runs `level`; attempt `n` takes `work(n)` of virtual time.
    func run(
        _ level: ArrivalPlan, shard: Shard? = nil, work: @escaping @Sendable (Int) -> Duration = { _ in .milliseconds(10) }
    ) async -> (
        LevelOutcome, [Ran]
    ) {
        await VirtualTime.run { clock in
            let log = Log()
            let scheduler = OpenLoopScheduler(taskWeights: [1, 1], seed: 5, clock: clock)
            let outcome = await scheduler.run(level, runID: "r", shard: shard) { plan in
                try? await clock.sleep(for: work(plan.sequence))
                await log.add(plan, end: clock.now())
                return plan.isWarmup ? nil : clock.now()
            }
            return (outcome, await log.ran.sorted { $0.plan.sequence < $1.plan.sequence })
        }
    }

    @Test("shards of a Poisson level start every arrival of the whole level once, at the same intended time, with the same task")
    func shardsSplitArrivals() async {
        for length in [LoadProfile.Length.duration(DurationSpec(.seconds(3))), .attempts(17)] {
            let level = ArrivalPlan(rate: 9, process: .poisson, length: length, warmup: .attempts(3), workers: 8)
            let whole = await run(level).1.map {
                "\($0.plan.sequence) \($0.plan.scheduled) \($0.plan.taskIndex) \($0.plan.isWarmup)"
            }
            var union: [String] = []
            for index in 0..<3 {
                let ran = await run(level, shard: Shard(index: index, count: 3)!).1
                #expect(ran.allSatisfy { $0.plan.sequence % 3 == index })
                union += ran.map { "\($0.plan.sequence) \($0.plan.scheduled) \($0.plan.taskIndex) \($0.plan.isWarmup)" }
            }
            #expect(!whole.isEmpty)
            #expect(Set(union) == Set(whole) && union.count == whole.count, "\(length)")
        }
    }

    @Test("constant arrivals: due every 1/rate from the level's start, started on time with workers free, ids by rate")
    func constant() async {
        let level = ArrivalPlan(
            rate: 4, process: .constant, length: .duration(DurationSpec(.seconds(2))), warmup: .duration(.milliseconds(500)),
            workers: 8)
        let (outcome, ran) = await run(level)
        #expect(ran.count == 10)  // 2.5 s of arrivals at 4/s
        let start = outcome.levelStart
        #expect(ran.map { $0.plan.scheduled - start } == (0..<10).map { Int64($0) * 250_000_000 })
        #expect(ran.allSatisfy { $0.plan.started == $0.plan.scheduled && $0.plan.level == LevelID.rate(perSecond: 4) })
        #expect(ran.filter(\.plan.isWarmup).count == 2)
        #expect(ran.first?.plan.attemptID == "r4-0" && ran.first?.plan.concurrency == nil)
        #expect(outcome.windowStart == start + 500_000_000 && outcome.windowEnd == start + 2_500_000_000)
    }

    @Test("Poisson arrivals: the same seed gives the same times; about rate × duration of them")
    func poisson() async {
        let level = ArrivalPlan(
            rate: 20, process: .poisson, length: .duration(DurationSpec(.seconds(30))), warmup: .none, workers: 64)
        let (_, first) = await run(level)
        let (_, second) = await run(level)
        #expect(first.map(\.plan.scheduled) == second.map(\.plan.scheduled))
        #expect((500...700).contains(first.count), "\(first.count) arrivals in 30 s at 20/s")
        let gaps = zip(first.dropFirst(), first).map { Double($0.plan.scheduled - $1.plan.scheduled) / 1e9 }
        #expect(abs(gaps.reduce(0, +) / Double(gaps.count) - 0.05) < 0.01)
        #expect(Set(first.map(\.plan.taskIndex)) == [0, 1])
    }

    @Test("a 2 s stall with one worker: arrivals queue, start late, and only the corrected latency shows the stall")
    func coordinatedOmission() async {
        // 16 ms calls at 50/s, one stalled 2 s longer: the i-th arrival behind it waits
        // 2 s + 16 ms − i × 4 ms, so the top 1% reach the stall; the uncorrected view sees 16 ms.
        let level = ArrivalPlan(rate: 50, process: .constant, length: .attempts(300), warmup: .none, workers: 1)
        let (outcome, ran) = await run(level) { $0 == 100 ? .milliseconds(2016) : .milliseconds(16) }
        #expect(ran.count == 300)
        let corrected = ran.map { Double($0.end - $0.plan.scheduled) / 1e9 }.sorted()
        let uncorrected = ran.map { Double($0.end - $0.plan.started!) / 1e9 }.sorted()
        let p99 = { (values: [Double]) in values[Int((0.99 * Double(values.count)).rounded(.up)) - 1] }
        #expect(p99(corrected) >= 2, "corrected p99 \(p99(corrected)) s")
        #expect(p99(uncorrected) < 0.02, "uncorrected p99 \(p99(uncorrected)) s")
        let late = ran.filter { $0.plan.started! - $0.plan.scheduled > LevelSummaryLate.threshold }
        // Every arrival after the stall: the backlog drains by only 4 ms an arrival.
        #expect(late.count == 199, "\(late.count) late starts")
        #expect(outcome.windowEnd > outcome.windowStart)
    }
}

/// Mirrors `LevelSummary.lateStartThreshold` (AgentMetrics is not a dependency of these tests).
enum LevelSummaryLate {
    static let threshold: Int64 = 1_000_000
}
