import AgentLoop
import SpecDecoding
import Testing
import Timekeeping
import Traces
import Workload

@testable import Scheduler

/// The closed loop in virtual time: what it issues, when, and the window it reports.
@Suite struct ClosedLoopSchedulerTests {
    actor Issued {
        private(set) var plans: [AttemptPlan] = []
        func add(_ plan: AttemptPlan) { plans.append(plan) }
    }

    /// Runs `level`, each attempt taking `work` of virtual time; returns what was issued.
    func run(
        _ level: LevelPlan, weights: [Double] = [1], seed: UInt64 = 7, work: Duration = .milliseconds(100)
    ) async -> (LevelOutcome, [AttemptPlan]) {
        await VirtualTime.run { clock in
            let issued = Issued()
            let scheduler = ClosedLoopScheduler(taskWeights: weights, seed: seed, clock: clock)
            let outcome = await scheduler.run(level, runID: "r") { plan in
                await issued.add(plan)
                try? await clock.sleep(for: work)
                return plan.isWarmup ? nil : clock.now()
            }
            return (outcome, await issued.plans)
        }
    }

    @Test("by attempts: the warm-up attempts come first, then exactly the measured ones, in issue order")
    func attempts() async {
        let (outcome, plans) = await run(LevelPlan(concurrency: 3, length: .attempts(5), warmup: .attempts(2)))
        #expect(plans.count == 7)
        #expect(plans.map(\.sequence).sorted() == Array(0..<7))
        #expect(plans.filter(\.isWarmup).map(\.sequence).sorted() == [0, 1])
        #expect(plans.allSatisfy { $0.attemptID == "c3-\($0.sequence)" && $0.level == .concurrency(3) })
        #expect(Set(plans.compactMap(\.worker)) == [0, 1, 2])
        #expect(!outcome.interrupted && outcome.drainEnd >= outcome.windowEnd && outcome.windowEnd > outcome.windowStart)
    }

    @Test("by time: workers start spread over the warm-up, and the window runs from its end to the deadline")
    func timed() async throws {
        let warmup = try #require(DurationSpec(parsing: "400ms")), length = try #require(DurationSpec(parsing: "1s"))
        let (outcome, plans) = await run(LevelPlan(concurrency: 4, length: .duration(length), warmup: .duration(warmup.duration)))
        let ms: Int64 = 1_000_000
        let firsts = (0..<4).map { worker in plans.filter { $0.worker == worker }.map(\.scheduled).min() }
        #expect(firsts == [0, 100 * ms, 200 * ms, 300 * ms])
        #expect(outcome.windowStart == 400 * ms && outcome.windowEnd == 1400 * ms)
        #expect(plans.filter { !$0.isWarmup }.allSatisfy { $0.scheduled >= 400 * ms && $0.scheduled < 1400 * ms })
        #expect(plans.filter(\.isWarmup).allSatisfy { $0.scheduled < 400 * ms })
        // Back to back at 100 ms each: 4 workers × 10 attempts in the window.
        #expect(plans.filter { !$0.isWarmup }.count == 40)
        #expect(outcome.drainEnd == 1400 * ms)
    }

    @Test("tasks are drawn by weight, the same for a seed whatever the timing, another for another seed")
    func taskPicks() async {
        let level = LevelPlan(concurrency: 8, length: .attempts(4000), warmup: .none)
        let (_, a) = await run(level, weights: [1, 3], work: .milliseconds(1))
        let (_, b) = await run(level, weights: [1, 3], work: .milliseconds(7))
        let (_, c) = await run(level, weights: [1, 3], seed: 8, work: .milliseconds(1))
        let share = Double(a.filter { $0.taskIndex == 1 }.count) / Double(a.count)
        #expect(abs(share - 0.75) < 0.03, "\(share)")
        let bySequence = { (plans: [AttemptPlan]) in plans.sorted { $0.sequence < $1.sequence }.map(\.taskIndex) }
        let same = bySequence(a) == bySequence(b), other = bySequence(a) == bySequence(c)
        #expect(same, "the pick depends on the seed and the issue order, not on timing")
        #expect(!other)
    }
}

/// A clock the test moves by hand.
final class ManualClock: RunClock, @unchecked Sendable {
    // Only the test's own task touches it, between awaits.
    var time: Int64 = 0
    func now() -> Int64 { time }
    func sleep(until deadline: Int64) async throws { time = max(time, deadline) }
}

@Suite struct MeasurementWindowTests {
    @Test("attempts issued in one wave over a few milliseconds: the window runs to the last measured end, not 3 ms")
    func oneWaveSpreadOverMilliseconds() async {
        let clock = ManualClock()
        let dispenser = TicketDispenser(
            level: LevelPlan(concurrency: 4, length: .attempts(4), warmup: .none), levelStart: 0, clock: clock)
        for issuedAt in [0, 1, 2, 3] as [Int64] {
            clock.time = issuedAt * 1_000_000
            #expect(await dispenser.next() != nil)
        }
        #expect(await dispenser.next() == nil)
        for end in [900, 950, 1000, 1200] as [Int64] { await dispenser.measuredAttemptEnded(at: end * 1_000_000) }
        let window = await dispenser.window(levelStart: 0, levelEnd: 1_200_000_000)
        #expect(window.start == 0 && window.end == 1_200_000_000)
    }

    @Test("attempts in several waves: the window ends when the last one was issued")
    func severalWaves() async {
        let clock = ManualClock()
        let dispenser = TicketDispenser(
            level: LevelPlan(concurrency: 2, length: .attempts(3), warmup: .none), levelStart: 0, clock: clock)
        _ = await dispenser.next()
        _ = await dispenser.next()
        clock.time = 500_000_000
        await dispenser.measuredAttemptEnded(at: 500_000_000)
        _ = await dispenser.next()
        await dispenser.measuredAttemptEnded(at: 900_000_000)
        await dispenser.measuredAttemptEnded(at: 1_000_000_000)
        let window = await dispenser.window(levelStart: 0, levelEnd: 1_000_000_000)
        #expect(window.end == 500_000_000 && window.drainEnd == 1_000_000_000)
    }
}

@Suite struct ShardShareTests {
    /// Every ticket a dispenser hands out: (position, warm-up).
    static func tickets(_ level: LevelPlan, shard: Shard?) async -> [(Int, Bool)] {
        let dispenser = TicketDispenser(level: level, shard: shard, levelStart: 0, clock: ManualClock())
        var tickets: [(Int, Bool)] = []
        while let ticket = await dispenser.next() { tickets.append((ticket.sequence, ticket.isWarmup)) }
        return tickets
    }

    @Test("the shards of a level issue the unsharded level's positions and warm-up flags, once each, for any split")
    func sharesPartitionTheLevel() async {
        for concurrency in [1, 2, 3, 7, 16] {
            for count in [1, 2, 3, 4, 5, 9] {
                let level = LevelPlan(concurrency: concurrency, length: .attempts(23), warmup: .attempts(5))
                let whole = await Self.tickets(level, shard: nil)
                var union: [(Int, Bool)] = []
                for index in 0..<count {
                    let shard = Shard(index: index, count: count)!
                    let share = await Self.tickets(level, shard: shard)
                    // A shard's positions are those its workers own, in increasing order.
                    #expect(share.allSatisfy { ($0.0 % concurrency) % count == index })
                    #expect(share.map(\.0) == share.map(\.0).sorted())
                    union += share
                }
                union.sort { $0.0 < $1.0 }
                #expect(union.map(\.0) == whole.map(\.0), "c=\(concurrency), \(count) shards")
                #expect(union.map(\.1) == whole.map(\.1), "c=\(concurrency), \(count) shards")
            }
        }
    }

    @Test("a shard's workers and position arithmetic: workers w ≡ i (mod n); positions below a bound counted exactly")
    func shardArithmetic() {
        let shard = Shard(index: 1, count: 3)!
        #expect(shard.workers(of: 8) == [1, 4, 7])
        #expect(Shard(index: 5, count: 8)!.workers(of: 4).isEmpty)
        #expect((0..<9).compactMap { shard.position(ofLocal: $0, workers: 8) } == [1, 4, 7, 9, 12, 15, 17, 20, 23])
        for bound in 0..<40 {
            #expect(shard.ownedPositions(below: bound, workers: 8) == (0..<bound).filter { ($0 % 8) % 3 == 1 }.count)
        }
        #expect(Shard(parsing: "3/4") == Shard(index: 3, count: 4))
        #expect(Shard(parsing: "4/4") == nil && Shard(parsing: "-1/4") == nil && Shard(parsing: "1/0") == nil)
        #expect(Shard(parsing: "1/4097") == nil && Shard(parsing: "1") == nil && Shard(parsing: "a/b") == nil)
    }
}
