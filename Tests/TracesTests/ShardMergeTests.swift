import Foundation
import TestSupport
import Testing

@testable import Traces

/// `ShardMerge` on hand-written shard files: the timeline, the shared window, and what it refuses.
@Suite struct ShardMergeTests {
    static let second: Int64 = 1_000_000_000
    static let anchor = Date(timeIntervalSince1970: 1_800_000_000)

    /// A shard file: one attempt per `(start, end)` (seconds on the shard's clock) at c4, and its window.
    static func shard(
        _ index: Int, of count: Int, in directory: TemporaryDirectory, startedAt: Date? = anchor,
        attempts: [(Double, Double)], window: (Double, Double), interrupted: Bool = false, warmup: Bool = false
    ) throws -> URL {
        let url = directory.file("s\(index).jsonl")
        let sink = try TraceFileSink(creating: url)
        var run = RunRecord(
            runID: "shard-\(index)", startedAt: startedAt, agentperfVersion: "t", workload: "w", seed: 1, concurrencyLevels: [4],
            target: "t")
        run.shard = Shard(index: index, count: count)
        try sink.begin(run)
        for (position, (start, end)) in attempts.enumerated() {
            let id = "c4-\(position * count + index)"
            try sink.step(
                StepRecord(
                    runID: run.runID, attemptID: id, stepID: "s0", index: 0, operation: .chat, useClass: .act, model: "m",
                    usage: TokenUsage(uncachedInput: 10, output: 5),
                    timing: StepTiming(sent: Int64(start * 1e9), end: Int64(end * 1e9))))
            var attempt = AttemptRecord(
                runID: run.runID, attemptID: id, task: "t", concurrency: 4, isWarmup: warmup, outcome: .passed,
                scheduled: Int64(start * 1e9), end: Int64(end * 1e9), stepCount: 1)
            attempt.level = .concurrency(4)
            try sink.attempt(attempt)
        }
        try sink.window(
            WindowRecord(
                runID: run.runID, concurrency: 4, levelStart: Int64(window.0 * 1e9) - second, start: Int64(window.0 * 1e9),
                end: Int64(window.1 * 1e9), drainEnd: Int64(window.1 * 1e9) + second, interrupted: interrupted))
        try sink.close()
        return url
    }

    static func merge(
        _ files: [URL], in directory: TemporaryDirectory, allowPartial: Bool = false
    ) throws -> (ShardMerge.Outcome, TraceLog) {
        let output = directory.file("merged-\(UUID().uuidString.prefix(4)).jsonl")
        let outcome = try ShardMerge.merge(try ShardMerge.headers(files), runID: "m", into: output, allowPartial: allowPartial)
        return (outcome, try TraceLog.load(from: output))
    }

    @Test("shards started 2 s apart land on one timeline; the window is the span both were in theirs")
    func timeline() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Self.shard(0, of: 2, in: directory, attempts: [(2, 5), (5, 9)], window: (2, 10))
        let b = try Self.shard(1, of: 2, in: directory, startedAt: Self.anchor + 2, attempts: [(1, 4)], window: (1, 9))
        let (outcome, log) = try Self.merge([b, a], in: directory)
        #expect(log.run?.startedAt == Self.anchor && log.run?.mergedFrom == ["shard-0", "shard-1"] && log.run?.shard == nil)
        // Shard 1's clock started 2 s later: its times move 2 s on.
        let moved = try #require(log.attempts.first { $0.record.attemptID == "c4-1" })
        #expect(moved.record.scheduled == 3 * Self.second && moved.steps[0].timing.end == 6 * Self.second)
        let window = try #require(log.windows.first)
        #expect(window.start == 3 * Self.second && window.end == 10 * Self.second)
        #expect(outcome.levels.first?.startSkew == Self.second && outcome.levels.first?.shards == 2)
        #expect(outcome.attempts == 3 && outcome.steps == 3 && log.attempts.allSatisfy { $0.record.runID == "m" })
    }

    @Test("a shard that ran no measured attempt at a level does not narrow its window")
    func idleShard() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Self.shard(0, of: 2, in: directory, attempts: [(1, 3)], window: (1, 8))
        let b = try Self.shard(1, of: 2, in: directory, attempts: [(1, 2)], window: (1, 1.001), warmup: true)
        let (outcome, log) = try Self.merge([a, b], in: directory)
        #expect(log.windows.first?.end == 8 * Self.second && outcome.levels.first?.shards == 1)
    }

    @Test("unfinished shards are refused unless allowed; shards an hour apart are not one run")
    func refusals() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Self.shard(0, of: 2, in: directory, attempts: [(1, 3)], window: (1, 8))
        let cut = try Self.shard(1, of: 2, in: directory, attempts: [(1, 3)], window: (1, 5), interrupted: true)
        #expect {
            try Self.merge([a, cut], in: directory)
        } throws: { "\($0)".contains("its level c4 was interrupted") }
        let (partial, log) = try Self.merge([a, cut], in: directory, allowPartial: true)
        #expect(log.windows.first?.interrupted == true)
        // Let through, and said: a partial merge is never taken for a whole run.
        #expect(partial.isPartial && partial.warnings.contains { $0.message.contains("interrupted; merged anyway") })

        // A torn last line: the shard is still being written.
        let torn = directory.file("s1.jsonl")
        let handle = try FileHandle(forWritingTo: torn)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"record\":\"step\",".utf8))
        try handle.close()
        #expect {
            try Self.merge([a, torn], in: directory)
        } throws: { "\($0)".contains("its last line is incomplete") }

        let late = try Self.shard(1, of: 2, in: directory, startedAt: Self.anchor + 7200, attempts: [(1, 3)], window: (1, 8))
        #expect {
            try Self.merge([a, late], in: directory)
        } throws: { "\($0)".contains("started 7200 s from another shard") }
        let unanchored = try Self.shard(1, of: 2, in: directory, startedAt: nil, attempts: [(1, 3)], window: (1, 8))
        #expect {
            try Self.merge([a, unanchored], in: directory)
        } throws: { "\($0)".contains("started_at is absent") }
    }
}
