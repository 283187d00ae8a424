import AgentMetrics
import Foundation
import Pricing
import TestSupport
import Testing
import Traces

/// Sharded runs through the real executable: the default workload as four `run --shard i/4`
/// processes against one `serve-sim` process on loopback, started together with `--start-at`,
/// combined by `merge`. Exclusive: six agentperf processes at once load both cores.
@Suite(.serialized, .exclusive) struct ShardRunTests {
    static let load = ["--concurrency", "4,8", "--attempts", "16", "--warmup", "0s", "--quiet", "--no-history"]

    @Test(
        "four shards and merge: the attempts, tasks and step counts of the unsharded run; counts, cost and histograms of the shards' union"
    )
    func fourShardsMerge() async throws {
        let directory = try TemporaryDirectory("shards")
        defer { directory.remove() }
        let server = try Subprocesses.start(AgentPerfBinary.url, ["serve-sim", "--port", "0", "--zero-latency"])
        defer {
            server.signal(SIGTERM)
            _ = Subprocesses.finish(server)
        }
        let endpoint = try await Self.listeningURL(server)

        let whole = try Subprocesses.run(
            AgentPerfBinary.url, ["run", "--endpoint", endpoint, "--out", directory.file("whole").path] + Self.load)
        #expect(whole.status == 0, "\(whole.stderr)")

        let start = Date().addingTimeInterval(3).formatted(.iso8601)
        let shards = try (0..<4).map { index in
            try Subprocesses.start(
                AgentPerfBinary.url,
                [
                    "run", "--endpoint", endpoint, "--shard", "\(index)/4", "--start-at", start, "--out",
                    directory.file("s\(index)").path,
                ]
                    + Self.load)
        }
        for (index, shard) in shards.enumerated() {
            let result = Subprocesses.finish(shard)
            #expect(result.status == 0, "shard \(index): \(result.stderr)")
        }
        // Any order: merge sorts the shards by index.
        let merged = try Subprocesses.run(
            AgentPerfBinary.url,
            ["merge"] + [2, 0, 3, 1].map { directory.file("s\($0)").path } + [
                "--out", directory.file("merged").path, "--json", "--no-history",
            ])
        try #require(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stderr.contains("Merged 4 shards"), "\(merged.stderr)")

        let shardLogs = try (0..<4).map { try TraceLog.load(from: directory.file("s\($0)/traces.jsonl")) }
        let mergedLog = try TraceLog.load(from: directory.file("merged/traces.jsonl"))
        let wholeLog = try TraceLog.load(from: directory.file("whole/traces.jsonl"))
        #expect(mergedLog.diagnostics.isEmpty, "\(mergedLog.diagnostics)")
        #expect(mergedLog.run?.mergedFrom == shardLogs.map { $0.run!.runID })
        #expect(shardLogs.map { $0.run?.shard?.index } == [0, 1, 2, 3])

        // Same seeds: each position runs the same task with the same steps as in the unsharded run,
        // and the shards' positions are each level's 0..<16, once each.
        func plan(_ log: TraceLog) -> [String: String] {
            // A position issued twice shows as both attempts joined, never a trap.
            Dictionary(
                log.attempts.map { ("\($0.record.level!)/\($0.record.sequence!)", "\($0.record.task) \($0.steps.count) steps") },
                uniquingKeysWith: { "\($0) & \($1)" })
        }
        #expect(plan(mergedLog) == plan(wholeLog))
        #expect(Set(plan(mergedLog).keys) == Set(["c4", "c8"].flatMap { level in (0..<16).map { "\(level)/\($0)" } }))
        #expect(mergedLog.attempts.count == shardLogs.map(\.attempts.count).reduce(0, +))

        // The figures of the union of the shards' attempts.
        var union = TraceLog()
        union.attempts = shardLogs.flatMap(\.attempts)
        let prices = try PriceTable.load(from: directory.file("s0/prices.json"))
        // The figures merge printed (as JSON) are those of its traces.
        let summary = RunSummary.compute(from: mergedLog, prices: prices)
        let printed = try JSONSerialization.jsonObject(with: Data(merged.stdout.utf8)) as? [String: Any]
        #expect((printed?["levels"] as? [[String: Any]])?.map { $0["level"] as? String } == ["c4", "c8"])
        #expect(FileManager.default.fileExists(atPath: directory.file("merged/summary.json").path))
        #expect(summary.levels.map(\.level) == [.concurrency(4), .concurrency(8)])
        for level in summary.levels {
            let attempts = union.attempts.filter { $0.record.level == level.level }
            #expect(level.attempts.total == attempts.filter(\.record.isMeasured).count)
            var expected = TraceLog()
            expected.attempts = attempts
            let cost = RunSummary.compute(from: expected, prices: prices).levels[0].cost.total
            #expect(abs(Self.dollars(level.cost.total) - Self.dollars(cost)) < 1e-12, "\(level.level!)")

            // Histograms: the stored shard histograms merged equal the merged run's, bucket for bucket,
            // and so do the latencies of the union recorded afresh.
            var fromShards = LatencyDistribution()
            for log in shardLogs {
                let shardSummary = RunSummary.compute(from: log, prices: prices)
                if let buckets = shardSummary.levels.first(where: { $0.level == level.level })?.taskLatencyHistogram {
                    fromShards.merge(try #require(LatencyDistribution(buckets: buckets)))
                }
            }
            var fromUnion = LatencyDistribution()
            for attempt in attempts where attempt.record.isMeasured {
                fromUnion.record(nanoseconds: try #require(attempt.record.latency))
            }
            let stored = try #require(level.taskLatencyHistogram)
            #expect(stored.microseconds == fromShards.buckets.microseconds && stored.counts == fromShards.buckets.counts)
            #expect(stored.microseconds == fromUnion.buckets.microseconds && stored.counts == fromUnion.buckets.counts)
            #expect(level.taskLatency.count == 16)
        }
    }

    @Test("merge refuses a missing shard, a shard given twice, an unsharded run, and shards of different runs, naming each")
    func mergeRefusals() throws {
        let directory = try TemporaryDirectory("shard-refusals")
        defer { directory.remove() }
        let base = [
            "run", "--virtual-time", "--concurrency", "2", "--attempts", "4", "--warmup", "0s", "--quiet", "--no-history",
        ]
        for (name, extra) in [
            ("a0", ["--shard", "0/2"]), ("a1", ["--shard", "1/2"]), ("b1", ["--shard", "1/2", "--seed", "7"]),
            ("whole", []),
        ] {
            let result = try Subprocesses.run(AgentPerfBinary.url, base + extra + ["--out", directory.file(name).path])
            try #require(result.status == 0, "\(name): \(result.stderr)")
        }
        func merge(_ names: [String]) throws -> ProcessOutput {
            try Subprocesses.run(
                AgentPerfBinary.url,
                ["merge"] + names.map { directory.file($0).path } + ["--out", directory.file("out-\(names.joined())").path])
        }
        let missing = try merge(["a0"])
        #expect(missing.status == 2 && missing.stderr.contains("shard 1/2 missing"), "\(missing.stderr)")
        let twice = try merge(["a0", "a1", "a1"])
        #expect(twice.status == 2 && twice.stderr.contains("shard 1 given twice"), "\(twice.stderr)")
        let unsharded = try merge(["a0", "whole"])
        #expect(unsharded.status == 2 && unsharded.stderr.contains("not a shard"), "\(unsharded.stderr)")
        let mixed = try merge(["a0", "b1"])
        #expect(mixed.status == 2 && mixed.stderr.contains("seed is 7"), "\(mixed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("out-a0b1/traces.jsonl").path))

        let good = try merge(["a1", "a0"])
        #expect(good.status == 0, "\(good.stderr)")
        // A merged run is never overwritten.
        let again = try Subprocesses.run(
            AgentPerfBinary.url,
            ["merge", directory.file("a0").path, directory.file("a1").path, "--out", directory.file("out-a1a0").path])
        #expect(again.status == 2 && again.stderr.contains("already holds a run"), "\(again.stderr)")
        let badShard = try Subprocesses.run(AgentPerfBinary.url, base + ["--shard", "2/2", "--out", directory.file("x").path])
        #expect(badShard.status == 2 && badShard.stderr.contains("--shard"), "\(badShard.stderr)")
        let tooMany = try Subprocesses.run(AgentPerfBinary.url, base + ["--shard", "0/4", "--out", directory.file("y").path])
        #expect(
            tooMany.status == 2 && tooMany.stderr.contains("c=2 has fewer agents than there are shards (4)"), "\(tooMany.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("y").path))
    }

    static func dollars(_ cost: Cost) -> Double {
        cost.uncachedInput + cost.cacheRead + cost.cacheWrite + cost.output + cost.reasoning + cost.tool
    }

    /// The base URL `serve-sim` prints once it listens.
    static func listeningURL(_ server: RunningProcess) async throws -> String {
        for _ in 0..<300 {
            let text = server.stderrSoFar
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+/v1"#, options: .regularExpression) {
                return String(text[range])
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CancellationError()
    }
}
