import Foundation
import Logging
import Timekeeping
import Traces
package import Workload

extension BenchmarkRun {
    /// The furthest ahead `--start-at` may be: further is taken for a mistyped date.
    static let latestStart: TimeInterval = 24 * 3600
    /// The furthest behind it may be: a pod scheduled late still joins; an old value is a mistake.
    static let earliestStart: TimeInterval = 3600

    /// Why `workload` cannot be split into `shards` shards, or nil when it can: a trainer that
    /// consumes attempts in order, or a level with fewer workers than shards (a shard without
    /// one would run ahead into the next level while the others are still at this one).
    package static func shardingProblem(_ workload: Workload, shards: Int) -> String? {
        guard shards > 1 else { return nil }
        if workload.rollouts != nil {
            return "this workload has rollouts:, whose trainer consumes every attempt in order in one process; run it unsharded"
        }
        if workload.load.isOpenLoop {
            let workers = workload.load.workers ?? LoadProfile.defaultWorkers
            if workers < shards {
                return "the load's workers (\(workers)) must be at least the number of shards (\(shards)), so every shard has one"
            }
        } else if let smallest = workload.load.concurrency.min(), smallest < shards {
            return
                "the level c=\(smallest) has fewer agents than there are shards (\(shards)); every shard needs one at every level"
        }
        return nil
    }

    /// Refuses a `--shard` or `--start-at` the run cannot honour, before anything is written.
    func checkSharding(_ workload: Workload) throws(HarnessError) {
        if let shard, let problem = Self.shardingProblem(workload, shards: shard.count) {
            throw .cannotShard("--shard \(shard): \(problem)")
        }
        guard let startAt else { return }
        if timebase == .virtualTime {
            throw .cannotShard("--start-at: a virtual-time run has no wall clock to start at; drop --start-at")
        }
        let ahead = startAt.timeIntervalSinceNow
        if ahead < -Self.earliestStart {
            throw .cannotShard(
                "--start-at: \(startAt.formatted(.iso8601)) passed \(Int(-ahead / 60)) minutes ago; expected a time at most an hour ago"
            )
        }
        if ahead > Self.latestStart {
            throw .cannotShard(
                "--start-at: \(startAt.formatted(.iso8601)) is \(Int(ahead / 3600)) hours ahead; expected a time within the next 24 hours"
            )
        }
    }

    /// With `--start-at`, waits until the run clock reads zero (that instant); false when
    /// cancelled first. A start time already past starts at once: the levels then begin late by
    /// that much, which `merge` reports as the shards' start skew.
    func waitForStart(_ clock: any RunClock) async -> Bool {
        guard let startAt else { return true }
        let wait = -clock.now()
        if wait < -1_000_000_000 {
            logger.warning(
                "the start time \(startAt.formatted(.iso8601)) passed \(Double(-wait) / 1e9) s ago; starting now (merged levels will show the skew)"
            )
        }
        do { try await clock.sleep(until: 0) } catch { return false }
        return true
    }
}
